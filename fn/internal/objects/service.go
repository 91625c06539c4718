package objects

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// service builds the v1 Service in front of the container's ports. Its
// selector is the Deployment's, so it selects exactly the pipeline's pods;
// each port targets the container port by name (by number when unnamed), so
// a changed number needs no change here.
func service(p *v1alpha1.MLPipeline, resolved defaults.Settings) *corev1.Service {
	var annotations map[string]string
	if p.Spec.Service != nil {
		annotations = p.Spec.Service.Annotations
	}
	ports := make([]corev1.ServicePort, 0, len(p.Spec.Ports))
	for _, cp := range p.Spec.Ports {
		target := intstr.FromInt32(cp.ContainerPort)
		if cp.Name != "" {
			target = intstr.FromString(cp.Name)
		}
		ports = append(ports, corev1.ServicePort{
			Name:       cp.Name,
			Protocol:   cp.Protocol,
			Port:       cp.ContainerPort,
			TargetPort: target,
		})
	}
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(p, annotations),
		Spec: corev1.ServiceSpec{
			Type:     resolved.ServiceType,
			Selector: selectorLabels(p),
			Ports:    ports,
		},
	}
}
