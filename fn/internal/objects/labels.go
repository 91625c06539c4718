package objects

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// selectorLabels is the fixed, minimal pod selector of a pipeline.
func selectorLabels(p *v1alpha1.MLPipeline) map[string]string {
	return map[string]string{v1alpha1.SelectorLabel: p.Name}
}

// objectLabels are the labels of every generated object: the recommended
// labels plus the user's metadata.labels (validation keeps the user from
// changing managed-by or the selector label).
func objectLabels(p *v1alpha1.MLPipeline) map[string]string {
	labels := map[string]string{v1alpha1.NameLabel: p.Name}
	for k, v := range p.Labels {
		labels[k] = v
	}
	labels[v1alpha1.ManagedByLabel] = v1alpha1.ManagedByValue
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

// ReservedLabels are the keys a user may not set to another value, because
// the selector or the managed-by fact depends on them.
func ReservedLabels(p *v1alpha1.MLPipeline) map[string]string {
	return map[string]string{v1alpha1.SelectorLabel: p.Name, v1alpha1.ManagedByLabel: v1alpha1.ManagedByValue}
}

// OwnerKey names a pipeline in messages and as the owner of what it
// generates: "namespace/name", or "name" when the pipeline has no namespace.
func OwnerKey(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// objectMeta is the metadata of every generated object: the pipeline's name
// and namespace, the object labels, and spec.annotations plus extra (the
// Service's own), with the owner annotation last, so nothing overrides it
// (validation rejects a user value for it): the MLPipeline's name, see
// ownerOf in package fn. The MLPipeline's own
// metadata.annotations are orchestrator settings and are never copied.
func objectMeta(p *v1alpha1.MLPipeline, extra ...map[string]string) metav1.ObjectMeta {
	annotations := map[string]string{}
	for _, m := range append([]map[string]string{p.Spec.Annotations}, extra...) {
		for k, v := range m {
			annotations[k] = v
		}
	}
	annotations[v1alpha1.OwnerAnnotation] = p.Name
	return metav1.ObjectMeta{
		Name:        p.Name,
		Namespace:   p.Namespace,
		Labels:      objectLabels(p),
		Annotations: annotations,
	}
}
