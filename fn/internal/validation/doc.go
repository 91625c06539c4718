// Package validation holds the MLPipeline's own rules, by type, and runs
// the API server's on what is built from it.
//
//   - validate.go: the order the rules run in, which is the order of the
//     messages; metadata.go, container.go (one rule set for the main
//     container, init containers and native sidecars), gpu.go, pod.go,
//     autoscaling.go (the presets and the HPA controller's traps), keda.go
//     (engine keda: the settings only the hpa engine reads, the queue
//     preset's scaler, and KEDA's webhook and CRD rules) and service.go: the rules only the function can know, as a
//     field.ErrorList at the MLPipeline's field paths; imageref.go parses
//     image references.
//   - check.go: Check runs those rules, builds the objects, and runs the
//     API server's own code on them (server.go, through
//     internal/serverside), with serverpaths.go mapping a generated
//     object's field back to the MLPipeline field the user wrote;
//     podsecurity.go does the same for Pod Security's evaluator.
//   - warnings.go, warnings_safety.go: findings only the user can fix,
//     as Findings (finding.go).
package validation
