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
func validateAutoscaling(p *v1alpha1.MLPipeline, resolved settings, fldPath *field.Path, skip pathSet) field.ErrorList {
	a := p.Spec.Autoscaling
	var errs field.ErrorList
	if a != nil {
		errs = append(errs, validateGPUMetric(a.GPU, resolved, fldPath.Child("gpu"))...)
		errs = append(errs, validateQueueMetric(a.Queue, fldPath.Child("queue"))...)
		for i, m := range a.Metrics {
			errs = append(errs, validateMetric(m, fldPath.Child("metrics").Index(i))...)
			if r := m.ContainerResource; r != nil && r.Container != "" && r.Container != resolved.containerName {
				errs = append(errs, field.Invalid(fldPath.Child("metrics").Index(i).Child("containerResource", "container"), r.Container,
					fmt.Sprintf("names no container of this pipeline: its container is %q", resolved.containerName)))
			}
		}
		if b := a.Behavior; b != nil {
			errs = append(errs, validateScalingRules(b.ScaleUp, fldPath.Child("behavior", "scaleUp"))...)
			errs = append(errs, validateScalingRules(b.ScaleDown, fldPath.Child("behavior", "scaleDown"))...)
		}
	}
	if !resolved.autoscaling {
		return errs
	}
	minPath := fldPath.Child("minReplicas")
	switch {
	case resolved.minReplicas < 0:
		errs = append(errs, field.Invalid(minPath, resolved.minReplicas, "must be 0 or more"))
	case resolved.minReplicas == 0 && !resolved.objectOrExternalMetric && !skip.has(fldPath.Child("metrics")):
		errs = append(errs, field.Invalid(minPath, resolved.minReplicas, fmt.Sprintf(
			"may be 0 only when the HPA has an Object or External metric, which tells it when to leave zero: "+
				"set %s, or add an Object or External entry to %s, or set minReplicas to 1 or more",
			fldPath.Child("queue"), fldPath.Child("metrics"))))
	case resolved.minReplicas == 0 && a != nil && a.Behavior != nil:
		errs = append(errs, scaleUpFromZero(a.Behavior.ScaleUp, fldPath.Child("behavior", "scaleUp"))...)
	}
	maxPath := fldPath.Child("maxReplicas")
	switch {
	case resolved.maxReplicas == 0:
		errs = append(errs, field.Required(maxPath, "when autoscaling is enabled (it is unless spec.autoscaling.enabled is false), 1 or more"))
	case resolved.maxReplicas < resolved.minReplicas:
		errs = append(errs, field.Invalid(maxPath, resolved.maxReplicas, fmt.Sprintf("must be greater than or equal to minReplicas %d", resolved.minReplicas)))
	}
	requests := field.NewPath("spec", "resources", "requests")
	if !skip.has(requests) {
		errs = append(errs, utilizationTarget(p, resolved.targetCPU, resolved.defaultCPUTarget, corev1.ResourceCPU, fldPath.Child("targetCPUUtilizationPercentage"), requests)...)
		errs = append(errs, utilizationTarget(p, resolved.targetMemory, false, corev1.ResourceMemory, fldPath.Child("targetMemoryUtilizationPercentage"), requests)...)
	}
	return errs
}

// utilizationTarget checks a percentage target: utilization is measured
// against the container's request, so the request must exist.
func utilizationTarget(p *v1alpha1.MLPipeline, target *int32, isDefault bool, resource corev1.ResourceName, fldPath, requests *field.Path) field.ErrorList {
	if target == nil {
		return nil
	}
	if *target <= 0 {
		return field.ErrorList{field.Invalid(fldPath, *target, "must be more than 0")}
	}
	if _, ok := p.Spec.Resources.Requests[resource]; ok {
		return nil
	}
	if isDefault {
		return field.ErrorList{field.Required(requests.Key(string(resource)), fmt.Sprintf(
			"with no metric set, the HPA targets %d%% CPU utilization, which is measured against the CPU request", *target))}
	}
	return field.ErrorList{field.Invalid(fldPath, *target, fmt.Sprintf(
		"needs %s: utilization is measured against the request", requests.Key(string(resource))))}
}

// scaleUpFromZero finds scale-up rules under which an HPA at zero replicas
// stays there: the API server accepts them, and the controller then never
// adds the first pod.
func scaleUpFromZero(r *autoscalingv2.HPAScalingRules, fldPath *field.Path) field.ErrorList {
	if r == nil {
		return nil
	}
	if r.SelectPolicy != nil && *r.SelectPolicy == autoscalingv2.DisabledPolicySelect {
		return field.ErrorList{field.Forbidden(fldPath.Child("selectPolicy"),
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
	return field.ErrorList{field.Forbidden(fldPath.Child("policies"),
		"only Percent policies with minReplicas 0: a percentage of 0 replicas is 0, so the HPA never leaves zero; "+
			"add a policy of type Pods (for example value 1, periodSeconds 60)")}
}

// validateGPUMetric checks spec.autoscaling.gpu: a percentage, of GPUs the
// container actually requests.
func validateGPUMetric(g *v1alpha1.GPUMetricSpec, resolved settings, fldPath *field.Path) field.ErrorList {
	if g == nil {
		return nil
	}
	var errs field.ErrorList
	if t := g.TargetUtilizationPercentage; t < 1 || t > 100 {
		errs = append(errs, field.Invalid(fldPath.Child("targetUtilizationPercentage"), t, "must be 1 to 100"))
	}
	if g.MetricName != "" {
		errs = append(errs, metricNameSyntax(g.MetricName, fldPath.Child("metricName"))...)
	}
	if resolved.gpuCount <= 0 {
		errs = append(errs, field.Forbidden(fldPath,
			"needs spec.gpu.count of 1 or more: GPU utilisation is only measured for pods that have GPUs"))
	}
	return errs
}

// validateQueueMetric checks spec.autoscaling.queue.
func validateQueueMetric(q *v1alpha1.QueueMetricSpec, fldPath *field.Path) field.ErrorList {
	if q == nil {
		return nil
	}
	var errs field.ErrorList
	if q.MetricName == "" {
		errs = append(errs, field.Required(fldPath.Child("metricName"), "the external metric that gives the backlog"))
	} else {
		errs = append(errs, metricNameSyntax(q.MetricName, fldPath.Child("metricName"))...)
	}
	target := fldPath.Child("targetPerReplica")
	switch {
	case q.TargetPerReplica == nil:
		errs = append(errs, field.Required(target, "the backlog one worker is meant to carry, such as 20"))
	case q.TargetPerReplica.Sign() <= 0:
		errs = append(errs, field.Invalid(target, q.TargetPerReplica.String(), "must be more than 0"))
	}
	if q.Selector != nil {
		errs = append(errs, metav1validation.ValidateLabelSelector(q.Selector,
			metav1validation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
	}
	return errs
}

// metricNameSyntax checks a metric name as the API server checks the names
// in HPA metrics: a path segment name.
func metricNameSyntax(name string, fldPath *field.Path) field.ErrorList {
	return invalidFor(fldPath, name, pathvalidation.IsValidPathSegmentName(name))
}

var metricSourceTypes = []autoscalingv2.MetricSourceType{autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType,
	autoscalingv2.ExternalMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType, autoscalingv2.ResourceMetricSourceType}

func validateMetric(m autoscalingv2.MetricSpec, fldPath *field.Path) field.ErrorList {
	sources := map[autoscalingv2.MetricSourceType]bool{
		autoscalingv2.PodsMetricSourceType:              m.Pods != nil,
		autoscalingv2.ObjectMetricSourceType:            m.Object != nil,
		autoscalingv2.ExternalMetricSourceType:          m.External != nil,
		autoscalingv2.ContainerResourceMetricSourceType: m.ContainerResource != nil,
		autoscalingv2.ResourceMetricSourceType:          m.Resource != nil,
	}
	settable := metricSourceTypes[:4]
	switch m.Type {
	case "":
		return field.ErrorList{field.Required(fldPath.Child("type"), "one of Pods, Object, External, ContainerResource")}
	case autoscalingv2.ResourceMetricSourceType:
		return field.ErrorList{field.Forbidden(fldPath.Child("type"),
			"Resource metrics are set with targetCPUUtilizationPercentage and targetMemoryUtilizationPercentage")}
	case autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType,
		autoscalingv2.ExternalMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType:
	default:
		return field.ErrorList{field.NotSupported(fldPath.Child("type"), m.Type, settable)}
	}
	var errs field.ErrorList
	for _, t := range metricSourceTypes {
		source := fldPath.Child(lowerFirst(string(t)))
		switch {
		case t == m.Type && !sources[t]:
			errs = append(errs, field.Required(source, fmt.Sprintf("for type %s", m.Type)))
		case t != m.Type && sources[t]:
			errs = append(errs, field.Forbidden(source, fmt.Sprintf("must not be set for type %s", m.Type)))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	switch m.Type {
	case autoscalingv2.PodsMetricSourceType:
		p := fldPath.Child("pods")
		errs = append(errs, metricName(m.Pods.Metric, p.Child("metric", "name"))...)
		errs = append(errs, metricTarget(m.Pods.Target, p.Child("target"), autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ObjectMetricSourceType:
		p := fldPath.Child("object")
		errs = append(errs, metricName(m.Object.Metric, p.Child("metric", "name"))...)
		described := p.Child("describedObject")
		if m.Object.DescribedObject.APIVersion == "" {
			errs = append(errs, field.Required(described.Child("apiVersion"), "such as v1 or apps/v1"))
		}
		if m.Object.DescribedObject.Kind == "" {
			errs = append(errs, field.Required(described.Child("kind"), ""))
		}
		if m.Object.DescribedObject.Name == "" {
			errs = append(errs, field.Required(described.Child("name"), ""))
		}
		errs = append(errs, metricTarget(m.Object.Target, p.Child("target"),
			autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ExternalMetricSourceType:
		p := fldPath.Child("external")
		errs = append(errs, metricName(m.External.Metric, p.Child("metric", "name"))...)
		errs = append(errs, metricTarget(m.External.Target, p.Child("target"),
			autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ContainerResourceMetricSourceType:
		p := fldPath.Child("containerResource")
		if m.ContainerResource.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		}
		if m.ContainerResource.Container == "" {
			errs = append(errs, field.Required(p.Child("container"), ""))
		}
		errs = append(errs, metricTarget(m.ContainerResource.Target, p.Child("target"),
			autoscalingv2.UtilizationMetricType, autoscalingv2.AverageValueMetricType)...)
	}
	return errs
}

func metricName(id autoscalingv2.MetricIdentifier, fldPath *field.Path) field.ErrorList {
	if id.Name == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return metricNameSyntax(id.Name, fldPath)
}

// metricTarget checks that the target's type is one its metric source
// supports and that the matching value is set and positive.
func metricTarget(t autoscalingv2.MetricTarget, fldPath *field.Path, allowed ...autoscalingv2.MetricTargetType) field.ErrorList {
	ok := false
	for _, a := range allowed {
		ok = ok || t.Type == a
	}
	if !ok {
		return field.ErrorList{field.NotSupported(fldPath.Child("type"), t.Type, allowed)}
	}
	switch t.Type {
	case autoscalingv2.UtilizationMetricType:
		if t.AverageUtilization == nil || *t.AverageUtilization <= 0 {
			return field.ErrorList{field.Required(fldPath.Child("averageUtilization"), "a number more than 0 for type Utilization")}
		}
	case autoscalingv2.ValueMetricType:
		if t.Value == nil || t.Value.Sign() <= 0 {
			return field.ErrorList{field.Required(fldPath.Child("value"), "a quantity more than 0 for type Value")}
		}
	case autoscalingv2.AverageValueMetricType:
		if t.AverageValue == nil || t.AverageValue.Sign() <= 0 {
			return field.ErrorList{field.Required(fldPath.Child("averageValue"), "a quantity more than 0 for type AverageValue")}
		}
	}
	return nil
}

func validateScalingRules(r *autoscalingv2.HPAScalingRules, fldPath *field.Path) field.ErrorList {
	if r == nil {
		return nil
	}
	var errs field.ErrorList
	if w := r.StabilizationWindowSeconds; w != nil && (*w < 0 || *w > maxStabilizationWindowSeconds) {
		errs = append(errs, field.Invalid(fldPath.Child("stabilizationWindowSeconds"), *w, fmt.Sprintf("must be 0 to %d", maxStabilizationWindowSeconds)))
	}
	if sp := r.SelectPolicy; sp != nil {
		switch *sp {
		case autoscalingv2.MaxChangePolicySelect, autoscalingv2.MinChangePolicySelect, autoscalingv2.DisabledPolicySelect:
		default:
			errs = append(errs, field.NotSupported(fldPath.Child("selectPolicy"), *sp, []autoscalingv2.ScalingPolicySelect{
				autoscalingv2.MaxChangePolicySelect, autoscalingv2.MinChangePolicySelect, autoscalingv2.DisabledPolicySelect}))
		}
	}
	for i, pol := range r.Policies {
		idxPath := fldPath.Child("policies").Index(i)
		if pol.Type != autoscalingv2.PodsScalingPolicy && pol.Type != autoscalingv2.PercentScalingPolicy {
			errs = append(errs, field.NotSupported(idxPath.Child("type"), pol.Type,
				[]autoscalingv2.HPAScalingPolicyType{autoscalingv2.PodsScalingPolicy, autoscalingv2.PercentScalingPolicy}))
		}
		if pol.Value <= 0 {
			errs = append(errs, field.Invalid(idxPath.Child("value"), pol.Value, "must be more than 0"))
		}
		if pol.PeriodSeconds < 1 || pol.PeriodSeconds > maxPeriodSeconds {
			errs = append(errs, field.Invalid(idxPath.Child("periodSeconds"), pol.PeriodSeconds, fmt.Sprintf("must be 1 to %d", maxPeriodSeconds)))
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
