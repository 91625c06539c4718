package fn

import (
	"fmt"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"

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
func validateAutoscaling(p *v1alpha1.MLPipeline, set settings) []fieldError {
	a := p.Spec.Autoscaling
	var errs []fieldError
	if a != nil {
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
	if set.minReplicas < 1 {
		errs = append(errs, errorAt("spec.autoscaling.minReplicas", "must be 1 or more, got %d", set.minReplicas))
	}
	switch {
	case set.maxReplicas == 0:
		errs = append(errs, errorAt("spec.autoscaling.maxReplicas", "is required when autoscaling is enabled"))
	case set.maxReplicas < set.minReplicas:
		errs = append(errs, errorAt("spec.autoscaling.maxReplicas", "%d is less than minReplicas %d", set.maxReplicas, set.minReplicas))
	}
	errs = append(errs, utilizationTarget(p, set.targetCPU, set.defaultCPUTarget, corev1.ResourceCPU, "spec.autoscaling.targetCPUUtilizationPercentage")...)
	errs = append(errs, utilizationTarget(p, set.targetMemory, false, corev1.ResourceMemory, "spec.autoscaling.targetMemoryUtilizationPercentage")...)
	return errs
}

// utilizationTarget checks a percentage target: utilization is measured
// against the container's request, so the request must exist.
func utilizationTarget(p *v1alpha1.MLPipeline, target *int32, isDefault bool, resource corev1.ResourceName, path string) []fieldError {
	if target == nil {
		return nil
	}
	if *target <= 0 {
		return []fieldError{errorAt(path, "must be more than 0, got %d", *target)}
	}
	if _, ok := p.Spec.Resources.Requests[resource]; ok {
		return nil
	}
	if isDefault {
		return []fieldError{errorAt("spec.resources.requests."+string(resource),
			"is required: with no metric set, the HPA targets %d%% CPU utilization, which is measured against the CPU request",
			*target)}
	}
	return []fieldError{errorAt(path, "needs spec.resources.requests.%s: utilization is measured against the request", resource)}
}

func validateMetric(path string, m autoscalingv2.MetricSpec) []fieldError {
	sources := map[autoscalingv2.MetricSourceType]bool{
		autoscalingv2.PodsMetricSourceType:              m.Pods != nil,
		autoscalingv2.ObjectMetricSourceType:            m.Object != nil,
		autoscalingv2.ExternalMetricSourceType:          m.External != nil,
		autoscalingv2.ContainerResourceMetricSourceType: m.ContainerResource != nil,
		autoscalingv2.ResourceMetricSourceType:          m.Resource != nil,
	}
	var errs []fieldError
	switch m.Type {
	case "":
		return []fieldError{errorAt(path+".type", "is required: one of Pods, Object, External, ContainerResource")}
	case autoscalingv2.ResourceMetricSourceType:
		return []fieldError{errorAt(path+".type",
			"Resource metrics are set with targetCPUUtilizationPercentage and targetMemoryUtilizationPercentage")}
	case autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType,
		autoscalingv2.ExternalMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType:
	default:
		return []fieldError{errorAt(path+".type", "%q is not one of Pods, Object, External, ContainerResource", m.Type)}
	}
	for _, t := range []autoscalingv2.MetricSourceType{autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType,
		autoscalingv2.ExternalMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType, autoscalingv2.ResourceMetricSourceType} {
		field := path + "." + lowerFirst(string(t))
		switch {
		case t == m.Type && !sources[t]:
			errs = append(errs, errorAt(field, "is required for type %s", m.Type))
		case t != m.Type && sources[t]:
			errs = append(errs, errorAt(field, "must not be set for type %s", m.Type))
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
		if m.Object.DescribedObject.Kind == "" {
			errs = append(errs, errorAt(path+".object.describedObject.kind", "is required"))
		}
		if m.Object.DescribedObject.Name == "" {
			errs = append(errs, errorAt(path+".object.describedObject.name", "is required"))
		}
		errs = append(errs, metricTarget(path+".object.target", m.Object.Target,
			autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ExternalMetricSourceType:
		errs = append(errs, metricName(path+".external.metric.name", m.External.Metric)...)
		errs = append(errs, metricTarget(path+".external.target", m.External.Target,
			autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ContainerResourceMetricSourceType:
		if m.ContainerResource.Name == "" {
			errs = append(errs, errorAt(path+".containerResource.name", "is required"))
		}
		if m.ContainerResource.Container == "" {
			errs = append(errs, errorAt(path+".containerResource.container", "is required"))
		}
		errs = append(errs, metricTarget(path+".containerResource.target", m.ContainerResource.Target,
			autoscalingv2.UtilizationMetricType, autoscalingv2.AverageValueMetricType)...)
	}
	return errs
}

func metricName(path string, id autoscalingv2.MetricIdentifier) []fieldError {
	if id.Name == "" {
		return []fieldError{errorAt(path, "is required")}
	}
	return nil
}

// metricTarget checks that the target's type is one its metric source
// supports and that the matching value is set and positive.
func metricTarget(path string, t autoscalingv2.MetricTarget, allowed ...autoscalingv2.MetricTargetType) []fieldError {
	ok := false
	names := make([]string, len(allowed))
	for i, a := range allowed {
		ok = ok || t.Type == a
		names[i] = string(a)
	}
	if !ok {
		return []fieldError{errorAt(path+".type", "%q is not one of %s", t.Type, strings.Join(names, ", "))}
	}
	switch t.Type {
	case autoscalingv2.UtilizationMetricType:
		if t.AverageUtilization == nil || *t.AverageUtilization <= 0 {
			return []fieldError{errorAt(path+".averageUtilization", "must be set and more than 0 for type Utilization")}
		}
	case autoscalingv2.ValueMetricType:
		if t.Value == nil || t.Value.Sign() <= 0 {
			return []fieldError{errorAt(path+".value", "must be set and more than 0 for type Value")}
		}
	case autoscalingv2.AverageValueMetricType:
		if t.AverageValue == nil || t.AverageValue.Sign() <= 0 {
			return []fieldError{errorAt(path+".averageValue", "must be set and more than 0 for type AverageValue")}
		}
	}
	return nil
}

func validateScalingRules(path string, r *autoscalingv2.HPAScalingRules) []fieldError {
	if r == nil {
		return nil
	}
	var errs []fieldError
	if w := r.StabilizationWindowSeconds; w != nil && (*w < 0 || *w > maxStabilizationWindowSeconds) {
		errs = append(errs, errorAt(path+".stabilizationWindowSeconds", "must be 0 to %d, got %d", maxStabilizationWindowSeconds, *w))
	}
	if sp := r.SelectPolicy; sp != nil {
		switch *sp {
		case autoscalingv2.MaxChangePolicySelect, autoscalingv2.MinChangePolicySelect, autoscalingv2.DisabledPolicySelect:
		default:
			errs = append(errs, errorAt(path+".selectPolicy", "%q is not one of Max, Min, Disabled", *sp))
		}
	}
	for i, pol := range r.Policies {
		pp := fmt.Sprintf("%s.policies[%d]", path, i)
		if pol.Type != autoscalingv2.PodsScalingPolicy && pol.Type != autoscalingv2.PercentScalingPolicy {
			errs = append(errs, errorAt(pp+".type", "%q is not one of Pods, Percent", pol.Type))
		}
		if pol.Value <= 0 {
			errs = append(errs, errorAt(pp+".value", "must be more than 0, got %d", pol.Value))
		}
		if pol.PeriodSeconds < 1 || pol.PeriodSeconds > maxPeriodSeconds {
			errs = append(errs, errorAt(pp+".periodSeconds", "must be 1 to %d, got %d", maxPeriodSeconds, pol.PeriodSeconds))
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
