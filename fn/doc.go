// Package fn is the mlpipeline-fn KRM function: it reads MLPipeline configs
// from a ResourceList and generates, for each, a Deployment, an autoscaling/v2
// HorizontalPodAutoscaler (or, with engine keda, a keda.sh/v1alpha1
// ScaledObject), a policy/v1 PodDisruptionBudget and, for a container with
// ports, a v1 Service.
//
// # Layout
//
// fn keeps what touches the ResourceList: the command, the processor that
// runs each pipeline through the packages below, collecting, reconciling
// and results. Everything else is in packages under fn/internal, one
// concern each, in the manner of kustomize's fn framework examples (an API
// package, then the steps of a function) and of Kubernetes'
// pkg/apis/<group>/validation (the API's own rules, by type, beside the
// API rather than in the server). Each imports only packages of the layers
// below it (layout_test.go holds the order and fails on an import upward or
// sideways), so a layer reads with only the layers beneath it in mind, and
// internal/ keeps what they export to one another out of fn's API. From the
// bottom:
//
//  0. api/v1alpha1: the MLPipeline types (the CRD is generated from them),
//     and the well-known labels and annotations.
//  1. internal/fieldpath: field paths as field.Path writes them, and the set
//     of paths that failed to decode, which every rule reads;
//     internal/yamlnode: YAML as kubectl and kustomize read it (merge keys,
//     aliases, YAML 1.1 words) to JSON, and typed objects back to
//     deterministic YAML nodes;
//     internal/serverside: what kube-apiserver does on create, and Pod
//     Security, at an emulated Kubernetes minor; it knows no MLPipeline.
//  2. internal/decode: strict decoding of one MLPipeline, with every
//     problem at its field and the paths it left out;
//     internal/defaults: every default of the API, resolved once into the
//     Settings that the builders, rules and warnings read.
//  3. internal/objects: the generated objects (labels and metadata,
//     Deployment and its pod template, HPA or KEDA ScaledObject, PDB,
//     Service) and the capacity envelope.
//  4. internal/validation: the rules only the function can know, by type
//     (metadata, container, with one rule set for the main container, init
//     containers and sidecars, GPU, pod, autoscaling, Service); the adapter
//     that runs internal/serverside on the built objects and maps what the
//     server says back to the MLPipeline field the user wrote; and the
//     warnings.
//  5. fn: processor.go wires the steps for each pipeline (decode, default,
//     validate and build, warn, render); collect.go finds MLPipelines among
//     the items and the functionConfig; upsert.go owns, updates in place and
//     prunes generated items; results.go is the one place errors and
//     findings become results with the object, file and field; format.go
//     writes them for people on stderr; command.go is the CLI (KRM function
//     or standalone rendering, which standalone.go reads file by file).
//
// Another generated object is built in internal/objects and checked in
// internal/validation, as the ScaledObject of engine keda is
// (objects/scaledobject.go, validation/keda.go); upsert.go only learns its
// kind.
package fn
