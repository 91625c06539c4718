package fn

import (
	"encoding/json"
	"fmt"
	"reflect"

	"sigs.k8s.io/kustomize/kyaml/kio/filters"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// toNode turns a typed API object into a YAML node in the conventional field
// order (apiVersion, kind, metadata, spec) without the empty status that
// typed objects always carry, so the same input always gives the same bytes.
//
// The typed object's json tags are the API; typedToNode follows them
// straight into YAML nodes. Going through YAML text instead cost most of the
// function's time in the 1,000-pipeline benchmark.
func toNode(obj any) (*yaml.RNode, error) {
	root, err := typedToNode(reflect.ValueOf(obj))
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", obj, err)
	}
	node := yaml.NewRNode(root)
	if err := node.PipeE(yaml.Clear("status")); err != nil {
		return nil, fmt.Errorf("clearing status of %T: %w", obj, err)
	}
	// An unset strategy means the API server's default; "strategy: {}" only
	// adds noise to every diff.
	if strategy, _ := node.Pipe(yaml.Lookup("spec", "strategy")); strategy != nil && isEmpty(strategy) {
		if err := node.PipeE(yaml.Lookup("spec"), yaml.Clear("strategy")); err != nil {
			return nil, fmt.Errorf("clearing empty strategy of %T: %w", obj, err)
		}
	}
	formatted, err := filters.FormatFilter{}.Filter([]*yaml.RNode{node})
	if err != nil {
		return nil, fmt.Errorf("formatting %T: %w", obj, err)
	}
	quoteYAML11NonStrings(formatted[0].YNode())
	return formatted[0], nil
}

// quoteYAML11NonStrings double-quotes every string, key or value, that a
// YAML 1.1 reader would take for something else. The YAML 1.2 encoder
// leaves "on", "yes", "y" or "1:20" plain, and kubectl and Argo CD read
// manifests with sigs.k8s.io/yaml, which follows YAML 1.1: to them a plain
// on is the boolean true, so a label would change or the API server would
// refuse the object.
func quoteYAML11NonStrings(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagString && yaml.IsYaml1_1NonString(n) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, child := range n.Content {
		quoteYAML11NonStrings(child)
	}
}

// jsonValueToNode reads one JSON value from dec as a YAML node, keeping the
// order of object keys.
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
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: k}, value)
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
		// The !!str tag makes the encoder quote strings like "1" or "true".
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: v}, nil
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
