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
	svc := p.Spec.Service
	if svc == nil {
		svc = &v1alpha1.ServiceSpec{}
	}
	ports := make([]corev1.ServicePort, 0, len(resolved.ServicePorts))
	for _, sp := range resolved.ServicePorts {
		cp := sp.Container
		target := intstr.FromInt32(cp.ContainerPort)
		if cp.Name != "" {
			target = intstr.FromString(cp.Name)
		}
		ports = append(ports, corev1.ServicePort{
			Name:        cp.Name,
			Protocol:    cp.Protocol,
			AppProtocol: sp.AppProtocol,
			Port:        sp.Number,
			TargetPort:  target,
		})
	}
	spec := corev1.ServiceSpec{
		Type:                resolved.ServiceType,
		Selector:            selectorLabels(p),
		Ports:               ports,
		SessionAffinity:     svc.SessionAffinity,
		TrafficDistribution: svc.TrafficDistribution,
	}
	if resolved.ServiceHeadless {
		spec.ClusterIP = corev1.ClusterIPNone
	}
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(p, svc.Annotations),
		Spec:       spec,
	}
}
