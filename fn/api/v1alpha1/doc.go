// Package v1alpha1 holds the MLPipeline API: the user contract of mlpipeline-fn.
//
// The CRD in config/crd is generated from these types by controller-gen
// (`make generate`); the kubebuilder markers here are its only source.
//
// +kubebuilder:object:generate=false
// +groupName=mlpipeline.dev
package v1alpha1

const (
	// Group is the API group of MLPipeline.
	Group = "mlpipeline.dev"
	// Version is the API version of MLPipeline.
	Version = "v1alpha1"
	// Kind is the kind of the function's config.
	Kind = "MLPipeline"
	// APIVersion is Group/Version, as written in manifests.
	APIVersion = Group + "/" + Version
)
