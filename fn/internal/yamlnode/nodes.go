package yamlnode

import (
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// stringNode is a scalar tagged !!str, which makes the encoder quote strings
// that YAML 1.2 would read as something else, like "1" or "true".
func stringNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
}

// IsEmpty reports whether a node is absent, null or an empty map.
func IsEmpty(node *yaml.RNode) bool {
	return node.IsNilOrEmpty() || (node.YNode().Kind == yaml.MappingNode && len(node.Content()) == 0)
}

// jsonValueToNode reads one JSON value from dec as a YAML node, keeping the
// order of object keys and leaving out keys whose value is null.
func jsonValueToNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := key.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", key)
				}
				value, err := jsonValueToNode(dec)
				if err != nil {
					return nil, err
				}
				// A typed field without omitempty (GRPCAction.service) encodes
				// unset as null; the server defaults it, and a null would only
				// differ from the live object in every diff.
				if value.ShortTag() == yaml.NodeTagNull {
					continue
				}
				n.Content = append(n.Content, stringNode(k), value)
			}
			_, err := dec.Token() // the closing '}'
			return n, err
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
			for dec.More() {
				value, err := jsonValueToNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, value)
			}
			_, err := dec.Token() // the closing ']'
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", v)
	case string:
		return stringNode(v), nil
	case json.Number:
		tag := yaml.NodeTagInt
		if _, err := v.Int64(); err != nil {
			tag = yaml.NodeTagFloat
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: fmt.Sprint(v)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// quoteYAML11NonStrings double-quotes every string, key or value, that a
// YAML 1.1 reader would take for something else. The YAML 1.2 encoder
// leaves "on", "yes", "y" or "1:20" plain, and kubectl and Argo CD read
// manifests with sigs.k8s.io/yaml, which follows YAML 1.1: to them a plain
// on is the boolean true, so a label would change or the API server would
// refuse the object.
func quoteYAML11NonStrings(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagString && !plainStringInYAML11(n.Value) && yaml.IsYaml1_1NonString(n) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, child := range n.Content {
		quoteYAML11NonStrings(child)
	}
}

// plainStringInYAML11 reports the values that are sure to be strings to a
// YAML 1.1 reader, so that kyaml's IsYaml1_1NonString, which parses every
// value with a YAML 1.1 parser, runs only on the others (it was a fifth of
// the time of rendering 1,000 pipelines). Booleans and null begin with one
// of y, n, t, f, o (any case) or ~, numbers and timestamps with a digit, a
// sign or a dot, and collections, anchors, tags and quotes with a symbol;
// a ':' or '#' could start a map or a comment. Any other value that begins
// with a letter is a plain string. TestPlainStringInYAML11 checks that this
// never disagrees with kyaml.
func plainStringInYAML11(s string) bool {
	if s == "" || strings.ContainsAny(s, ":#\n") {
		return false
	}
	c := s[0] | 0x20 // ASCII lower case
	return c >= 'a' && c <= 'z' && !strings.ContainsRune("yntfo", rune(c))
}

// KindName names a node's kind in words for messages about an object that
// is not a map.
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "plain value"
	case yaml.AliasNode:
		return "YAML alias"
	}
	return "YAML node of another kind"
}

// FieldValue is the value of key in the mapping n, nil when it is absent or
// null (which kyaml treats as absent).
func FieldValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := n.Content[i+1]
			if v.Kind == yaml.ScalarNode && v.ShortTag() == yaml.NodeTagNull {
				return nil
			}
			return v
		}
	}
	return nil
}
