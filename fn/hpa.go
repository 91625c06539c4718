package fn

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// hpa builds the autoscaling/v2 HorizontalPodAutoscaler; metrics come in the
// order cpu, memory, then the user's.
func hpa(p *v1alpha1.MLPipeline, set settings) *autoscalingv2.HorizontalPodAutoscaler {
	var metrics []autoscalingv2.MetricSpec
	if set.targetCPU != nil {
		metrics = append(metrics, utilization(corev1.ResourceCPU, *set.targetCPU))
	}
	if set.targetMemory != nil {
		metrics = append(metrics, utilization(corev1.ResourceMemory, *set.targetMemory))
	}
	spec := autoscalingv2.HorizontalPodAutoscalerSpec{
		ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
			APIVersion: "apps/v1", Kind: "Deployment", Name: p.Name,
		},
		MinReplicas: &set.minReplicas,
		MaxReplicas: set.maxReplicas,
	}
	if a := p.Spec.Autoscaling; a != nil {
		metrics = append(metrics, a.Metrics...)
		spec.Behavior = a.Behavior
	}
	spec.Metrics = metrics
	return &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: objectMeta(p),
		Spec:       spec,
	}
}

func utilization(name corev1.ResourceName, percent int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{
			Name: name,
			Target: autoscalingv2.MetricTarget{
				Type:               autoscalingv2.UtilizationMetricType,
				AverageUtilization: &percent,
			},
		},
	}
}
