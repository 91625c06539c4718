package fn

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// nodeToJSON writes a YAML node as JSON for strict decoding. kyaml's
// RNode.MarshalJSON goes through map[string]any and costs more than the rest
// of decoding; walking the node keeps field order and allocates little.
func nodeToJSON(node *yaml.RNode) ([]byte, error) {
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
		return fmt.Errorf("line %d: nested too deeply or expands too far (a recursive YAML alias?)", n.Line)
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
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i]
			if key.Kind != yaml.ScalarNode || key.Value == "<<" {
				return fmt.Errorf("line %d: only plain keys are supported, not %q", key.Line, key.Value)
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, key.Value)
			buf.WriteByte(':')
			if err := writeJSON(buf, n.Content[i+1], depth, budget); err != nil {
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
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("line %d: %q: %w", n.Line, n.Value, err)
		}
		buf.Write(b)
		return nil
	}
	return fmt.Errorf("line %d: unsupported YAML node kind %v", n.Line, n.Kind)
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always encodes
	buf.Write(b)
}
