// Package fn is the mlpipeline-fn KRM function: it reads MLPipeline configs
// from a ResourceList and generates, for each, a Deployment, an autoscaling/v2
// HorizontalPodAutoscaler, a policy/v1 PodDisruptionBudget and, for a
// container with ports, a v1 Service.
//
// The work is split by responsibility:
//   - processor.go: the framework.ResourceListProcessor that wires the steps;
//   - collect.go:   finds MLPipelines among the items and the functionConfig;
//   - decode.go:    strict decoding (sigs.k8s.io/json) with a field path for
//     every problem (yamljson.go turns YAML nodes into the JSON it decodes);
//   - defaults.go:  the one place defaults are resolved, into the settings
//     every builder, rule and warning reads as `resolved`;
//   - validate.go, validate_autoscaling.go, validate_serving.go,
//     validate_containers.go: the rules only the function can know (the
//     presets and their cross-checks, the names it keeps for itself, the
//     HPA controller's traps), one rule set for every container, reported
//     all at once as a field.ErrorList at field.Path paths (imageref.go
//     parses image references);
//   - servercheck.go: everything else, by the API server's own code
//     (package serverside) on the built objects at the pipeline's
//     Kubernetes version, and Pod Security's evaluator on the pod
//     template; serverpaths.go maps a generated object's field back to the
//     MLPipeline field the user wrote;
//   - warnings.go, warnings_safety.go: findings only the user can fix
//     (warnings_safety.go: host ports, blocking budgets, ignored
//     autoscaling settings);
//   - sort.go:      deterministic order of keys and errors;
//   - labels.go:    the one place labels, selectors and object metadata are
//     built;
//   - podspec.go, deployment.go, hpa.go, pdb.go, service.go: typed output
//     builders;
//   - capacity.go:  the capacity envelope, what a pipeline's pods request
//     and may use at full scale;
//   - render.go:    typed objects to deterministic YAML nodes, through
//     encoding/json (nodes.go holds the node helpers);
//   - upsert.go:    ownership, in-place update and pruning of generated items;
//   - results.go:   building results with the object, file and field (the
//     one place a field.ErrorList becomes results);
//   - format.go:    results as lines for people, on stderr;
//   - command.go:   the CLI: KRM function or standalone rendering
//     (standalone.go reads CONFIG and each FILE on its own).
package fn
