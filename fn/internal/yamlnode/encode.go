package yamlnode

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio/filters"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FromObject turns a typed API object into a YAML node in the conventional field
// order (apiVersion, kind, metadata, spec) without the empty status that
// typed objects always carry, so the same input always gives the same bytes.
//
// The typed object's json tags are the API, so encoding/json writes it, and
// its tokens become nodes directly, in the order encoding/json wrote them.
// Going through YAML text instead cost most of the function's time in the
// 1,000-pipeline benchmark.
func FromObject(obj any) (*yaml.RNode, error) {
	encoded, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", obj, err)
	}
	dec := json.NewDecoder(bytes.NewReader(encoded))
	dec.UseNumber()
	root, err := jsonValueToNode(dec)
	if err != nil {
		return nil, fmt.Errorf("reading the encoding of %T: %w", obj, err)
	}
	node := yaml.NewRNode(root)
	if err := node.PipeE(yaml.Clear("status")); err != nil {
		return nil, fmt.Errorf("clearing status of %T: %w", obj, err)
	}
	// An unset strategy means the API server's default; "strategy: {}" only
	// adds noise to every diff.
	if strategy, _ := node.Pipe(yaml.Lookup("spec", "strategy")); strategy != nil && IsEmpty(strategy) {
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
