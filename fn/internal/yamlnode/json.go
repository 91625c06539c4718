package yamlnode

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ToJSON writes a YAML node as JSON for strict decoding. kyaml's
// RNode.MarshalJSON goes through map[string]any and costs more than the rest
// of decoding; walking the node keeps field order and allocates little.
func ToJSON(node *yaml.RNode) ([]byte, error) {
	var buf bytes.Buffer
	budget := maxJSONNodes
	if err := writeJSON(&buf, node.YNode(), 0, &budget); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Aliases can refer to themselves or expand exponentially ("billion
// laughs"); these bounds turn such input into an error instead of a crash.
const (
	maxJSONDepth = 100
	maxJSONNodes = 1 << 20
)

func writeJSON(buf *bytes.Buffer, n *yaml.Node, depth int, budget *int) error {
	*budget--
	if depth > maxJSONDepth || *budget < 0 {
		return fmt.Errorf("%snested too deeply or expands too far (a recursive YAML alias?)", at(n))
	}
	depth++
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return fmt.Errorf("document with %d nodes", len(n.Content))
		}
		return writeJSON(buf, n.Content[0], depth, budget)
	case yaml.AliasNode:
		return writeJSON(buf, n.Alias, depth, budget)
	case yaml.MappingNode:
		entries, err := mappingEntries(n, depth, budget)
		if err != nil {
			return err
		}
		buf.WriteByte('{')
		for i, e := range entries {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, e.key.Value)
			buf.WriteByte(':')
			if err := writeJSON(buf, e.value, depth, budget); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, item := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, item, depth, budget); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case yaml.NodeTagString, "!!timestamp", "!!binary":
			// Like kubectl, a date is the text the user wrote.
			writeString(buf, n.Value)
			return nil
		case yaml.NodeTagNull:
			buf.WriteString("null")
			return nil
		}
		// Numbers and booleans: let the YAML library resolve
		// the forms YAML allows (0x1F, 1e3, True…), then encode as JSON.
		var v any
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("%s%w", at(n), err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("%s%q: %w", at(n), n.Value, err)
		}
		buf.Write(b)
		return nil
	}
	return fmt.Errorf("%sunsupported YAML node kind %v", at(n), n.Kind)
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always encodes
	buf.Write(b)
}

// entry is one key and its value in a mapping.
type entry struct{ key, value *yaml.Node }

// mappingEntries are the keys of a mapping as kustomize (kyaml's DeAnchor)
// and, for merge keys written first as usual, kubectl read them: YAML merge
// keys (<<: *defaults, or a list of them) bring in the keys of the merged
// maps, the explicit keys win over merged ones, and an earlier map in a
// merge list wins over a later one. (kubectl's reader lets a merge key
// written after an explicit key override it; the YAML merge spec and
// kustomize do not.) Explicit keys come first and in
// order, duplicates included, so that strict decoding still reports them.
func mappingEntries(n *yaml.Node, depth int, budget *int) ([]entry, error) {
	var entries []entry
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		switch {
		case key.Kind == yaml.ScalarNode && key.ShortTag() == yaml.MergeTag:
			if len(merges) > 0 {
				// kustomize rejects this too; readers disagree on which wins.
				return nil, fmt.Errorf("%sa second merge key (<<) in one map; merge several maps with one: <<: [*a, *b]", at(key))
			}
			merges = append(merges, value)
		case key.Kind != yaml.ScalarNode:
			return nil, fmt.Errorf("%sonly plain keys are supported, not a %s", at(key), KindName(key))
		default:
			entries = append(entries, entry{key, value})
		}
	}
	if len(merges) == 0 {
		return entries, nil
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		seen[e.key.Value] = true
	}
	for _, m := range merges {
		maps, err := mergedMaps(m)
		if err != nil {
			return nil, err
		}
		for _, src := range maps {
			*budget--
			if depth > maxJSONDepth || *budget < 0 {
				return nil, fmt.Errorf("%snested too deeply or expands too far (a recursive YAML merge?)", at(m))
			}
			merged, err := mappingEntries(src, depth+1, budget)
			if err != nil {
				return nil, err
			}
			for _, e := range merged {
				if !seen[e.key.Value] {
					seen[e.key.Value] = true
					entries = append(entries, e)
				}
			}
		}
	}
	return entries, nil
}

// mergedMaps are the maps a merge key's value names, in order of
// precedence: a map, an alias of a map, or a list of those.
func mergedMaps(v *yaml.Node) ([]*yaml.Node, error) {
	resolve := func(n *yaml.Node) *yaml.Node {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			return n.Alias
		}
		return n
	}
	v = resolve(v)
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	maps := make([]*yaml.Node, 0, len(items))
	for _, item := range items {
		m := resolve(item)
		if m.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%sa merge key (<<) takes a map, an alias of a map, or a list of them, not a %s", at(item), KindName(m))
		}
		maps = append(maps, m)
	}
	return maps, nil
}

// at is the "line N: " prefix of a message about n, or nothing when n's
// line is not one of the user's (ForgetLines).
func at(n *yaml.Node) string {
	if n.Line <= 0 {
		return ""
	}
	return fmt.Sprintf("line %d: ", n.Line)
}

// ForgetLines clears the line numbers of a node and everything under it:
// in a ResourceList they count the lines of what the orchestrator sent, not
// of the user's file, and a wrong line is worse than none.
func ForgetLines(n *yaml.Node) {
	if n == nil {
		return
	}
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		ForgetLines(c)
	}
}

// hasMergeKey reports whether the mapping n has a merge key of its own.
func hasMergeKey(n *yaml.Node) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].ShortTag() == yaml.MergeTag {
			return true
		}
	}
	return false
}

// NameMeta reads the name and namespace of an object whose metadata
// has a YAML merge key (metadata: {<<: *common, name: x}), which kyaml's
// accessors do not follow; ok is false for any other object.
func NameMeta(n *yaml.Node) (name, namespace string, ok bool) {
	if n.Kind != yaml.MappingNode {
		return "", "", false
	}
	md := FieldValue(n, "metadata")
	if md == nil || md.Kind != yaml.MappingNode || !hasMergeKey(md) {
		return "", "", false
	}
	raw, err := ToJSON(yaml.NewRNode(md))
	if err != nil {
		return "", "", false
	}
	var meta struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	}
	if json.Unmarshal(raw, &meta) != nil {
		return "", "", false
	}
	return meta.Name, meta.Namespace, true
}
