package yamlnode

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
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

// decodedToNode turns a JSON value decoded into any (with UseNumber) into a
// YAML node, leaving out keys whose value is null. Object keys come sorted:
// encoding/json's decoder keeps no order, and FormatFilter sorts every map
// into kyaml's conventional order afterwards anyway (a total order: known
// fields by rank, the others by name), so the order here only has to be
// the same every time.
func decodedToNode(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k, value := range v {
			// A typed field without omitempty (GRPCAction.service) encodes
			// unset as null; the server defaults it, and a null would only
			// differ from the live object in every diff.
			if value != nil {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: make([]*yaml.Node, 0, 2*len(keys))}
		for _, k := range keys {
			value, err := decodedToNode(v[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, stringNode(k), value)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: make([]*yaml.Node, 0, len(v))}
		for _, e := range v {
			value, err := decodedToNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, value)
		}
		return n, nil
	case string:
		return stringNode(v), nil
	case json.Number:
		tag := yaml.NodeTagInt
		if _, err := v.Int64(); err != nil {
			tag = yaml.NodeTagFloat
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(v)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected decoded JSON value %T", v)
}

// quoteYAML11NonStrings double-quotes every string, key or value, that a
// YAML 1.1 reader would take for something else. The YAML 1.2 encoder
// leaves "on", "yes", "y" or "1:20" plain, and kubectl and Argo CD read
// manifests with sigs.k8s.io/yaml, which follows YAML 1.1: to them a plain
// on is the boolean true, so a label would change or the API server would
// refuse the object.
func quoteYAML11NonStrings(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagString && yaml11NonString(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, child := range n.Content {
		quoteYAML11NonStrings(child)
	}
}

// yaml11NonString reports whether a YAML 1.1 reader takes the plain scalar
// s for something other than a string, as kyaml's IsYaml1_1NonString
// does, deciding the values a function writes most (names, quantities,
// numbers in strings) without its YAML 1.1 parse.
func yaml11NonString(s string) bool {
	switch {
	case plainStringInYAML11(s):
		return false
	case isDigits(s):
		// An int to YAML 1.1, or a float where it is too big or not octal
		// ("09").
		return true
	}
	return yaml.IsValueNonString(s)
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// plainStringInYAML11 reports the values that are sure to be strings to a
// YAML 1.1 reader, so that kyaml's IsYaml1_1NonString, which parses every
// value with a YAML 1.1 parser, runs only on the others (it was a fifth of
// the time of rendering 1,000 pipelines). Numbers and timestamps begin with
// a digit, a sign or a dot (of those beginning with a digit, only
// quantities with a unit are answered here), and collections, anchors,
// tags, quotes and ~ with a symbol; a ':' or '#' could start a map or a
// comment. A value that begins with a letter is a non-string only if it is
// one of YAML 1.1's bool and null words (yaml.v2's resolve table): a name
// made only of letters, digits and "-._/" is a plain string unless it is
// exactly such a word. Other values that begin like one (y, n, t, f, o),
// such as "yes " whose trailing space the parser drops, go to kyaml.
// TestPlainStringInYAML11 checks that this never disagrees with kyaml.
func plainStringInYAML11(s string) bool {
	if s == "" || strings.ContainsAny(s, ":#\n") {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return isQuantityWithUnit(s)
	}
	c := s[0] | 0x20 // ASCII lower case
	if c < 'a' || c > 'z' {
		return false
	}
	if !strings.ContainsRune("yntfo", rune(c)) {
		return true
	}
	return isNameLike(s) && !yaml11Words[s]
}

// yaml11Words are the plain scalars that YAML 1.1 reads as a bool or null
// and that begin with a letter.
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	"null": true, "Null": true, "NULL": true,
}

// isQuantityWithUnit reports whether s is a decimal quantity with a unit
// suffix ("500m", "1.5Gi"): digits, maybe a fraction, and one of the
// Kubernetes quantity suffixes other than an exponent (1e3 is a YAML 1.1
// float). No YAML 1.1 int, float or timestamp ends in a letter but a hex
// int, and "0x" is no quantity.
func isQuantityWithUnit(s string) bool {
	end := len(s)
	for end > 0 && (s[end-1]|0x20 >= 'a' && s[end-1]|0x20 <= 'z') {
		end--
	}
	number, suffix := s[:end], s[end:]
	switch suffix {
	case "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P":
	default:
		return false
	}
	whole, fraction, hasPoint := strings.Cut(number, ".")
	return isDigits(whole) && (!hasPoint || isDigits(fraction))
}

// isNameLike reports whether s has only ASCII letters, digits and "-._/",
// none of which a YAML 1.1 parser strips or reads as syntax inside a plain
// scalar that begins with a letter.
func isNameLike(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._/", c) >= 0) {
			return false
		}
	}
	return true
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
