package fn

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio/filters"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// toNode turns a typed API object into a YAML node in the conventional field
// order (apiVersion, kind, metadata, spec) without the empty status that
// typed objects always carry, so the same input always gives the same bytes.
func toNode(obj any) (*yaml.RNode, error) {
	b, err := sigsyaml.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", obj, err)
	}
	node, err := yaml.Parse(string(b))
	if err != nil {
		return nil, fmt.Errorf("parsing encoded %T: %w", obj, err)
	}
	if err := node.PipeE(yaml.Clear("status")); err != nil {
		return nil, fmt.Errorf("clearing status of %T: %w", obj, err)
	}
	// An unset strategy means the API server's default; "strategy: {}" only
	// adds noise to every diff.
	if strategy := node.Field("spec").Value.Field("strategy"); strategy != nil && isEmpty(strategy.Value) {
		if err := node.PipeE(yaml.Lookup("spec"), yaml.Clear("strategy")); err != nil {
			return nil, fmt.Errorf("clearing empty strategy of %T: %w", obj, err)
		}
	}
	formatted, err := filters.FormatFilter{}.Filter([]*yaml.RNode{node})
	if err != nil {
		return nil, fmt.Errorf("formatting %T: %w", obj, err)
	}
	return formatted[0], nil
}
