package objects

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// HPA builds the autoscaling/v2 HorizontalPodAutoscaler; metrics come in the
// order cpu, memory, gpu, queue, then the user's.
func HPA(p *v1alpha1.MLPipeline, resolved defaults.Settings) *autoscalingv2.HorizontalPodAutoscaler {
	var metrics []autoscalingv2.MetricSpec
	if resolved.TargetCPU != nil {
		metrics = append(metrics, utilization(corev1.ResourceCPU, *resolved.TargetCPU))
	}
	if resolved.TargetMemory != nil {
		metrics = append(metrics, utilization(corev1.ResourceMemory, *resolved.TargetMemory))
	}
	spec := autoscalingv2.HorizontalPodAutoscalerSpec{
		ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
			APIVersion: "apps/v1", Kind: "Deployment", Name: p.Name,
		},
		MinReplicas: &resolved.MinReplicas,
		MaxReplicas: resolved.MaxReplicas,
	}
	if a := p.Spec.Autoscaling; a != nil {
		if a.GPU != nil {
			metrics = append(metrics, gpuUtilization(resolved.GPUMetricName, a.GPU.TargetUtilizationPercentage))
		}
		if a.Queue != nil {
			metrics = append(metrics, queueBacklog(a.Queue))
		}
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

// gpuUtilization is a Pods metric: the HPA averages the pods' GPU
// utilisation and compares it with the percentage, as a plain value.
func gpuUtilization(metricName string, percent int32) autoscalingv2.MetricSpec {
	target := resource.NewQuantity(int64(percent), resource.DecimalSI)
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.PodsMetricSourceType,
		Pods: &autoscalingv2.PodsMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: metricName},
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: target},
		},
	}
}

// queueBacklog is an External metric with an AverageValue target: the HPA
// divides the backlog by the replicas, so it keeps ceil(backlog / target)
// workers. A Value target would compare the whole backlog with the target
// and run to maxReplicas whenever the queue is longer than one worker's share.
// A missing target is an error of its own (validation); the HPA checked
// while autoscaling is off is still built, without it.
func queueBacklog(q *v1alpha1.QueueMetricSpec) autoscalingv2.MetricSpec {
	var target *resource.Quantity
	if q.TargetPerReplica != nil {
		target = ptr.To(q.TargetPerReplica.DeepCopy())
	}
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ExternalMetricSourceType,
		External: &autoscalingv2.ExternalMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: q.MetricName, Selector: q.Selector},
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: target},
		},
	}
}
