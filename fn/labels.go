package fn

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

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
	// MLPipeline it came from, in the object's own namespace (see ownerOf);
	// upsert and pruning rely on it and on nothing else.
	OwnerAnnotation = "mlpipeline.dev/generated-from"
)

// selectorLabels is the fixed, minimal pod selector of a pipeline.
func selectorLabels(p *v1alpha1.MLPipeline) map[string]string {
	return map[string]string{SelectorLabel: p.Name}
}

// objectLabels are the labels of every generated object: the recommended
// labels plus the user's metadata.labels (validation keeps the user from
// changing managed-by or the selector label).
func objectLabels(p *v1alpha1.MLPipeline) map[string]string {
	labels := map[string]string{NameLabel: p.Name}
	for k, v := range p.Labels {
		labels[k] = v
	}
	labels[ManagedByLabel] = ManagedByValue
	return labels
}

// podLabels are the pod template's labels: the object labels, the user's
// podLabels and the selector.
func podLabels(p *v1alpha1.MLPipeline) map[string]string {
	labels := objectLabels(p)
	for k, v := range p.Spec.PodLabels {
		labels[k] = v
	}
	for k, v := range selectorLabels(p) {
		labels[k] = v
	}
	return labels
}

// reservedLabels are the keys a user may not set to another value, because
// the selector or the managed-by fact depends on them.
func reservedLabels(p *v1alpha1.MLPipeline) map[string]string {
	return map[string]string{SelectorLabel: p.Name, ManagedByLabel: ManagedByValue}
}

// ownerKey names a pipeline in messages and as the owner of what it
// generates: "namespace/name", or "name" when the pipeline has no namespace.
func ownerKey(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// objectMeta is the metadata of every generated object: the pipeline's name
// and namespace, the object labels, and spec.annotations plus extra (the
// Service's own), with the owner annotation last, so nothing overrides it
// (validation rejects a user value for it): the MLPipeline's name, see
// ownerOf. The MLPipeline's own
// metadata.annotations are orchestrator settings and are never copied.
func objectMeta(p *v1alpha1.MLPipeline, extra ...map[string]string) metav1.ObjectMeta {
	annotations := map[string]string{}
	for _, m := range append([]map[string]string{p.Spec.Annotations}, extra...) {
		for k, v := range m {
			annotations[k] = v
		}
	}
	annotations[OwnerAnnotation] = p.Name
	return metav1.ObjectMeta{
		Name:        p.Name,
		Namespace:   p.Namespace,
		Labels:      objectLabels(p),
		Annotations: annotations,
	}
}
