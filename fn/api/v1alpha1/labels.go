package v1alpha1

// The labels and annotations the function writes on what it generates, and
// the annotations it leaves to the orchestrators: well-known names of the
// MLPipeline API, which users select by and validation keeps free.
const (
	// SelectorLabel is the only label in the Deployment and PDB selectors. It
	// must never change between versions: Deployment selectors are immutable.
	SelectorLabel = "mlpipeline.dev/pipeline"
	// NameLabel and ManagedByLabel are the recommended Kubernetes labels.
	NameLabel      = "app.kubernetes.io/name"
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ManagedByValue is the value of ManagedByLabel on every generated object.
	ManagedByValue = "mlpipeline-fn"
	// OwnerAnnotation marks a generated object with the name of the
	// MLPipeline it came from, in the object's own namespace; upsert and
	// pruning rely on it and on nothing else.
	OwnerAnnotation = "mlpipeline.dev/generated-from"
)

// BookkeepingPrefixes are the annotation prefixes kpt, kustomize and kyaml
// use to track where an object lives; they are theirs, not the user's nor
// the function's.
var BookkeepingPrefixes = []string{"internal.config.kubernetes.io/", "config.kubernetes.io/", "kustomize.config.k8s.io/"}
