package fn

import (
	"fmt"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	pathvalidation "k8s.io/apimachinery/pkg/api/validation/path"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// Bounds the API server enforces on HPA behavior.
const (
	maxPeriodSeconds              = 1800
	maxStabilizationWindowSeconds = 3600
)

// validateAutoscaling checks the HPA settings. Metrics and behavior are
// checked even while autoscaling is off, so that switching it on later does
// not reveal mistakes written long before.
func validateAutoscaling(p *v1alpha1.MLPipeline, set settings) []finding {
	a := p.Spec.Autoscaling
	var errs []finding
	if a != nil {
		errs = append(errs, validateGPUMetric(p, a.GPU, set)...)
		errs = append(errs, validateQueueMetric(a.Queue)...)
		for i, m := range a.Metrics {
			errs = append(errs, validateMetric(fmt.Sprintf("spec.autoscaling.metrics[%d]", i), m)...)
		}
		if b := a.Behavior; b != nil {
			errs = append(errs, validateScalingRules("spec.autoscaling.behavior.scaleUp", b.ScaleUp)...)
			errs = append(errs, validateScalingRules("spec.autoscaling.behavior.scaleDown", b.ScaleDown)...)
		}
	}
	if !set.autoscaling {
		return errs
	}
	switch {
	case set.minReplicas < 0:
		errs = append(errs, findingAt("spec.autoscaling.minReplicas", "must be 0 or more, got %d", set.minReplicas))
	case set.minReplicas == 0 && !set.objectOrExternalMetric:
		errs = append(errs, findingAt("spec.autoscaling.minReplicas",
			"may be 0 only when the HPA has an Object or External metric, which tells it when to leave zero: "+
				"set spec.autoscaling.queue, or add an Object or External entry to spec.autoscaling.metrics, or set minReplicas to 1 or more"))
	case set.minReplicas == 0 && a != nil && a.Behavior != nil:
		errs = append(errs, scaleUpFromZero(a.Behavior.ScaleUp)...)
	}
	switch {
	case set.maxReplicas == 0:
		errs = append(errs, findingAt("spec.autoscaling.maxReplicas", "is required when autoscaling is enabled"))
	case set.maxReplicas < set.minReplicas:
		errs = append(errs, findingAt("spec.autoscaling.maxReplicas", "%d is less than minReplicas %d", set.maxReplicas, set.minReplicas))
	}
	errs = append(errs, utilizationTarget(p, set.targetCPU, set.defaultCPUTarget, corev1.ResourceCPU, "spec.autoscaling.targetCPUUtilizationPercentage")...)
	errs = append(errs, utilizationTarget(p, set.targetMemory, false, corev1.ResourceMemory, "spec.autoscaling.targetMemoryUtilizationPercentage")...)
	return errs
}

// utilizationTarget checks a percentage target: utilization is measured
// against the container's request, so the request must exist.
func utilizationTarget(p *v1alpha1.MLPipeline, target *int32, isDefault bool, resource corev1.ResourceName, path string) []finding {
	if target == nil {
		return nil
	}
	if *target <= 0 {
		return []finding{findingAt(path, "must be more than 0, got %d", *target)}
	}
	if _, ok := p.Spec.Resources.Requests[resource]; ok {
		return nil
	}
	if isDefault {
		return []finding{findingAt("spec.resources.requests."+string(resource),
			"is required: with no metric set, the HPA targets %d%% CPU utilization, which is measured against the CPU request",
			*target)}
	}
	return []finding{findingAt(path, "needs spec.resources.requests.%s: utilization is measured against the request", resource)}
}

// scaleUpFromZero finds scale-up rules under which an HPA at zero replicas
// stays there: the API server accepts them, and the controller then never
// adds the first pod.
func scaleUpFromZero(r *autoscalingv2.HPAScalingRules) []finding {
	const path = "spec.autoscaling.behavior.scaleUp"
	if r == nil {
		return nil
	}
	if r.SelectPolicy != nil && *r.SelectPolicy == autoscalingv2.DisabledPolicySelect {
		return []finding{findingAt(path+".selectPolicy",
			"Disabled with minReplicas 0: once at zero the HPA never scales up again; remove selectPolicy or set minReplicas to 1 or more")}
	}
	if len(r.Policies) == 0 {
		return nil
	}
	for _, pol := range r.Policies {
		if pol.Type != autoscalingv2.PercentScalingPolicy {
			return nil
		}
	}
	return []finding{findingAt(path+".policies",
		"are all Percent with minReplicas 0: a percentage of 0 replicas is 0, so the HPA never leaves zero; "+
			"add a policy of type Pods (for example value 1, periodSeconds 60)")}
}

// validateGPUMetric checks spec.autoscaling.gpu: a percentage, of GPUs the
// container actually requests.
func validateGPUMetric(p *v1alpha1.MLPipeline, g *v1alpha1.GPUMetricSpec, set settings) []finding {
	const path = "spec.autoscaling.gpu"
	if g == nil {
		return nil
	}
	var errs []finding
	if t := g.TargetUtilizationPercentage; t < 1 || t > 100 {
		errs = append(errs, findingAt(path+".targetUtilizationPercentage", "must be 1 to 100, got %d", t))
	}
	if g.MetricName != "" {
		errs = append(errs, metricNameSyntax(path+".metricName", g.MetricName)...)
	}
	if set.gpuCount <= 0 {
		errs = append(errs, findingAt(path,
			"needs spec.gpu.count of 1 or more: GPU utilisation is only measured for pods that have GPUs"))
	}
	return errs
}

// validateQueueMetric checks spec.autoscaling.queue.
func validateQueueMetric(q *v1alpha1.QueueMetricSpec) []finding {
	const path = "spec.autoscaling.queue"
	if q == nil {
		return nil
	}
	var errs []finding
	if q.MetricName == "" {
		errs = append(errs, findingAt(path+".metricName", "is required: the external metric that gives the backlog"))
	} else {
		errs = append(errs, metricNameSyntax(path+".metricName", q.MetricName)...)
	}
	switch {
	case q.TargetPerReplica == nil:
		errs = append(errs, findingAt(path+".targetPerReplica", "is required: the backlog one worker is meant to carry, such as 20"))
	case q.TargetPerReplica.Sign() <= 0:
		errs = append(errs, findingAt(path+".targetPerReplica", "must be more than 0, got %s", q.TargetPerReplica.String()))
	}
	if q.Selector != nil {
		errs = append(errs, fromFieldErrors(metav1validation.ValidateLabelSelector(q.Selector,
			metav1validation.LabelSelectorValidationOptions{}, field.NewPath("spec", "autoscaling", "queue", "selector")))...)
	}
	return errs
}

// metricNameSyntax checks a metric name as the API server checks the names
// in HPA metrics: a path segment name.
func metricNameSyntax(path, name string) []finding {
	return valueFindings(path, name, "", pathvalidation.IsValidPathSegmentName(name))
}

func validateMetric(path string, m autoscalingv2.MetricSpec) []finding {
	sources := map[autoscalingv2.MetricSourceType]bool{
		autoscalingv2.PodsMetricSourceType:              m.Pods != nil,
		autoscalingv2.ObjectMetricSourceType:            m.Object != nil,
		autoscalingv2.ExternalMetricSourceType:          m.External != nil,
		autoscalingv2.ContainerResourceMetricSourceType: m.ContainerResource != nil,
		autoscalingv2.ResourceMetricSourceType:          m.Resource != nil,
	}
	var errs []finding
	switch m.Type {
	case "":
		return []finding{findingAt(path+".type", "is required: one of Pods, Object, External, ContainerResource")}
	case autoscalingv2.ResourceMetricSourceType:
		return []finding{findingAt(path+".type",
			"Resource metrics are set with targetCPUUtilizationPercentage and targetMemoryUtilizationPercentage")}
	case autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType,
		autoscalingv2.ExternalMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType:
	default:
		return []finding{findingAt(path+".type", "%q is not one of Pods, Object, External, ContainerResource", m.Type)}
	}
	for _, t := range []autoscalingv2.MetricSourceType{autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType,
		autoscalingv2.ExternalMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType, autoscalingv2.ResourceMetricSourceType} {
		field := path + "." + lowerFirst(string(t))
		switch {
		case t == m.Type && !sources[t]:
			errs = append(errs, findingAt(field, "is required for type %s", m.Type))
		case t != m.Type && sources[t]:
			errs = append(errs, findingAt(field, "must not be set for type %s", m.Type))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	switch m.Type {
	case autoscalingv2.PodsMetricSourceType:
		errs = append(errs, metricName(path+".pods.metric.name", m.Pods.Metric)...)
		errs = append(errs, metricTarget(path+".pods.target", m.Pods.Target, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ObjectMetricSourceType:
		errs = append(errs, metricName(path+".object.metric.name", m.Object.Metric)...)
		if m.Object.DescribedObject.APIVersion == "" {
			errs = append(errs, findingAt(path+".object.describedObject.apiVersion", "is required, such as v1 or apps/v1"))
		}
		if m.Object.DescribedObject.Kind == "" {
			errs = append(errs, findingAt(path+".object.describedObject.kind", "is required"))
		}
		if m.Object.DescribedObject.Name == "" {
			errs = append(errs, findingAt(path+".object.describedObject.name", "is required"))
		}
		errs = append(errs, metricTarget(path+".object.target", m.Object.Target,
			autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ExternalMetricSourceType:
		errs = append(errs, metricName(path+".external.metric.name", m.External.Metric)...)
		errs = append(errs, metricTarget(path+".external.target", m.External.Target,
			autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ContainerResourceMetricSourceType:
		if m.ContainerResource.Name == "" {
			errs = append(errs, findingAt(path+".containerResource.name", "is required"))
		}
		if m.ContainerResource.Container == "" {
			errs = append(errs, findingAt(path+".containerResource.container", "is required"))
		}
		errs = append(errs, metricTarget(path+".containerResource.target", m.ContainerResource.Target,
			autoscalingv2.UtilizationMetricType, autoscalingv2.AverageValueMetricType)...)
	}
	return errs
}

func metricName(path string, id autoscalingv2.MetricIdentifier) []finding {
	if id.Name == "" {
		return []finding{findingAt(path, "is required")}
	}
	return nil
}

// metricTarget checks that the target's type is one its metric source
// supports and that the matching value is set and positive.
func metricTarget(path string, t autoscalingv2.MetricTarget, allowed ...autoscalingv2.MetricTargetType) []finding {
	ok := false
	names := make([]string, len(allowed))
	for i, a := range allowed {
		ok = ok || t.Type == a
		names[i] = string(a)
	}
	if !ok {
		return []finding{findingAt(path+".type", "%q is not one of %s", t.Type, strings.Join(names, ", "))}
	}
	switch t.Type {
	case autoscalingv2.UtilizationMetricType:
		if t.AverageUtilization == nil || *t.AverageUtilization <= 0 {
			return []finding{findingAt(path+".averageUtilization", "must be set and more than 0 for type Utilization")}
		}
	case autoscalingv2.ValueMetricType:
		if t.Value == nil || t.Value.Sign() <= 0 {
			return []finding{findingAt(path+".value", "must be set and more than 0 for type Value")}
		}
	case autoscalingv2.AverageValueMetricType:
		if t.AverageValue == nil || t.AverageValue.Sign() <= 0 {
			return []finding{findingAt(path+".averageValue", "must be set and more than 0 for type AverageValue")}
		}
	}
	return nil
}

func validateScalingRules(path string, r *autoscalingv2.HPAScalingRules) []finding {
	if r == nil {
		return nil
	}
	var errs []finding
	if w := r.StabilizationWindowSeconds; w != nil && (*w < 0 || *w > maxStabilizationWindowSeconds) {
		errs = append(errs, findingAt(path+".stabilizationWindowSeconds", "must be 0 to %d, got %d", maxStabilizationWindowSeconds, *w))
	}
	if sp := r.SelectPolicy; sp != nil {
		switch *sp {
		case autoscalingv2.MaxChangePolicySelect, autoscalingv2.MinChangePolicySelect, autoscalingv2.DisabledPolicySelect:
		default:
			errs = append(errs, findingAt(path+".selectPolicy", "%q is not one of Max, Min, Disabled", *sp))
		}
	}
	for i, pol := range r.Policies {
		pp := fmt.Sprintf("%s.policies[%d]", path, i)
		if pol.Type != autoscalingv2.PodsScalingPolicy && pol.Type != autoscalingv2.PercentScalingPolicy {
			errs = append(errs, findingAt(pp+".type", "%q is not one of Pods, Percent", pol.Type))
		}
		if pol.Value <= 0 {
			errs = append(errs, findingAt(pp+".value", "must be more than 0, got %d", pol.Value))
		}
		if pol.PeriodSeconds < 1 || pol.PeriodSeconds > maxPeriodSeconds {
			errs = append(errs, findingAt(pp+".periodSeconds", "must be 1 to %d, got %d", maxPeriodSeconds, pol.PeriodSeconds))
		}
	}
	return errs
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
