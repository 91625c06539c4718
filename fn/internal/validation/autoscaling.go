package validation

import (
	"fmt"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/fieldpath"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
)

// validateAutoscaling checks the HPA settings. Metrics and behavior are
// checked even while autoscaling is off, so that switching it on later does
// not reveal mistakes written long before.
func validateAutoscaling(p *v1alpha1.MLPipeline, resolved defaults.Settings, fldPath *field.Path, skip fieldpath.Set) field.ErrorList {
	a := p.Spec.Autoscaling
	var errs field.ErrorList
	if a != nil {
		errs = append(errs, validateGPUMetric(p, a.GPU, resolved, fldPath.Child("gpu"))...)
		errs = append(errs, validateQueueMetric(a.Queue, resolved.Engine, fldPath.Child("queue"))...)
		errs = append(errs, validateKEDA(p, resolved, fldPath)...)
		for i, m := range a.Metrics {
			if resolved.Engine == v1alpha1.EngineHPA {
				errs = append(errs, validateMetric(p, resolved, m, fldPath.Child("metrics").Index(i))...)
			}
		}
	}
	if !resolved.Autoscaling {
		return errs
	}
	minPath := fldPath.Child("minReplicas")
	switch {
	case resolved.Engine == v1alpha1.EngineKEDA:
		// KEDA scales between 0 and 1 itself; keda.go has its rules.
	case resolved.MinReplicas == 0 && !resolved.ObjectOrExternalMetric && !skip.Has(fldPath.Child("metrics")):
		errs = append(errs, field.Invalid(minPath, resolved.MinReplicas, fmt.Sprintf(
			"may be 0 only when the HPA has an Object or External metric, which tells it when to leave zero: "+
				"set %s, or add an Object or External entry to %s, or set minReplicas to 1 or more",
			fldPath.Child("queue"), fldPath.Child("metrics"))))
	case resolved.MinReplicas == 0 && a != nil && a.Behavior != nil:
		errs = append(errs, scaleUpFromZero(a.Behavior.ScaleUp, fldPath.Child("behavior", "scaleUp"))...)
	}
	maxPath := fldPath.Child("maxReplicas")
	switch {
	case resolved.MaxReplicas == 0:
		errs = append(errs, field.Required(maxPath, "when autoscaling is enabled (it is unless spec.autoscaling.enabled is false), 1 or more"))
	}
	requests := field.NewPath("spec", "resources", "requests")
	if !skip.Has(requests) {
		errs = append(errs, utilizationTarget(p, resolved.TargetCPU, resolved.DefaultCPUTarget, corev1.ResourceCPU, fldPath.Child("targetCPUUtilizationPercentage"), requests)...)
		errs = append(errs, utilizationTarget(p, resolved.TargetMemory, false, corev1.ResourceMemory, fldPath.Child("targetMemoryUtilizationPercentage"), requests)...)
	}
	if resolved.TargetCPU != nil || resolved.TargetMemory != nil {
		errs = append(errs, sidecarRequests(p, resolved)...)
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
	if requested(p.Spec.Resources, resource) {
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
	// With Min the controller takes the smallest proposal, and a Percent
	// policy proposes 0 from 0.
	if r.SelectPolicy != nil && *r.SelectPolicy == autoscalingv2.MinChangePolicySelect {
		for i, pol := range r.Policies {
			if pol.Type == autoscalingv2.PercentScalingPolicy {
				return field.ErrorList{field.Forbidden(fldPath.Child("policies").Index(i),
					"a Percent policy under selectPolicy Min with minReplicas 0: a percentage of 0 replicas is 0 and Min picks it, so the HPA never leaves zero; "+
						"use selectPolicy Max or only Pods policies")}
			}
		}
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
func validateGPUMetric(p *v1alpha1.MLPipeline, g *v1alpha1.GPUMetricSpec, resolved defaults.Settings, fldPath *field.Path) field.ErrorList {
	if g == nil {
		return nil
	}
	var errs field.ErrorList
	if t := g.TargetUtilizationPercentage; t < 1 || t > 100 {
		errs = append(errs, field.Invalid(fldPath.Child("targetUtilizationPercentage"), t, "must be 1 to 100"))
	}
	if resolved.GPUCount <= 0 && len(p.Spec.ResourceClaims) == 0 {
		errs = append(errs, field.Forbidden(fldPath,
			"needs GPUs, from spec.gpu.count of 1 or more or from spec.resourceClaims (DRA): GPU utilisation is only measured for pods that have GPUs"))
	}
	return errs
}

// validateQueueMetric checks spec.autoscaling.queue.
func validateQueueMetric(q *v1alpha1.QueueMetricSpec, engine v1alpha1.AutoscalingEngine, fldPath *field.Path) field.ErrorList {
	if q == nil {
		return nil
	}
	var errs field.ErrorList
	if q.MetricName == "" && engine == v1alpha1.EngineHPA {
		errs = append(errs, field.Required(fldPath.Child("metricName"), "the external metric that gives the backlog"))
	}
	target := fldPath.Child("targetPerReplica")
	switch {
	case q.TargetPerReplica == nil:
		errs = append(errs, field.Required(target, "the backlog one worker is meant to carry, such as 20"))
	case q.TargetPerReplica.Sign() <= 0:
		errs = append(errs, field.Invalid(target, q.TargetPerReplica.String(), "must be more than 0"))
	}
	return errs
}

// validateMetric holds the rules on a metrics entry that the API server
// cannot know: a Resource Utilization entry would be a second CPU or memory
// target beside the presets, an Object entry needs the apiVersion the
// controller looks its object up by, and a ContainerResource entry must name a
// container of the pod the controller reads (the main one or a native
// sidecar).
func validateMetric(p *v1alpha1.MLPipeline, resolved defaults.Settings, m autoscalingv2.MetricSpec, fldPath *field.Path) field.ErrorList {
	if r := m.Resource; m.Type == autoscalingv2.ResourceMetricSourceType && r != nil && r.Target.Type == autoscalingv2.UtilizationMetricType {
		return field.ErrorList{field.Forbidden(fldPath.Child("resource", "target", "type"),
			"Utilization targets of CPU and memory are set with targetCPUUtilizationPercentage and targetMemoryUtilizationPercentage")}
	}
	// The API server accepts an Object metric without apiVersion; the
	// controller cannot then find the object's resource, and never scales.
	if o := m.Object; m.Type == autoscalingv2.ObjectMetricSourceType && o != nil && o.DescribedObject.APIVersion == "" {
		return field.ErrorList{field.Required(fldPath.Child("object", "describedObject", "apiVersion"),
			"such as v1 or apps/v1: without it the HPA controller cannot look the object up and never scales")}
	}
	if r := m.ContainerResource; r != nil && r.Container != "" && !countedContainer(p, resolved, r.Container) {
		return field.ErrorList{field.Invalid(fldPath.Child("containerResource", "container"), r.Container,
			fmt.Sprintf("names no container that the HPA reads: the pod's container is %q%s", resolved.ContainerName, sidecarNames(p)))}
	}
	return nil
}

// countedContainer says whether the container named runs beside the main
// one for the pod's life: the main container or a native sidecar.
func countedContainer(p *v1alpha1.MLPipeline, resolved defaults.Settings, name string) bool {
	if name == resolved.ContainerName {
		return true
	}
	for _, c := range p.Spec.InitContainers {
		if c.Name == name && objects.IsSidecar(c) {
			return true
		}
	}
	return false
}

func sidecarNames(p *v1alpha1.MLPipeline) string {
	var names []string
	for _, c := range p.Spec.InitContainers {
		if objects.IsSidecar(c) {
			names = append(names, fmt.Sprintf("%q", c.Name))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return ", its sidecars " + strings.Join(names, ", ")
}

// sidecarRequests: the HPA controller sums the requests of the pod's
// containers, native sidecars included, and a Utilization target fails
// for every pod where one of them has no request for the resource.
func sidecarRequests(p *v1alpha1.MLPipeline, resolved defaults.Settings) field.ErrorList {
	var errs field.ErrorList
	for i, c := range p.Spec.InitContainers {
		if !objects.IsSidecar(c) {
			continue
		}
		for _, r := range []struct {
			name   corev1.ResourceName
			target *int32
		}{{corev1.ResourceCPU, resolved.TargetCPU}, {corev1.ResourceMemory, resolved.TargetMemory}} {
			if r.target == nil {
				continue
			}
			if requested(c.Resources, r.name) {
				continue
			}
			errs = append(errs, field.Required(field.NewPath("spec", "initContainers").Index(i).Child("resources", "requests").Key(string(r.name)),
				fmt.Sprintf("the HPA's %s utilization target sums the requests of every container the pod runs, this native sidecar's too: without it the HPA cannot compute utilization and never scales", r.name)))
		}
	}
	return errs
}

// requested says whether a container's pods have a request for the
// resource, the one the HPA controller measures utilization against: set,
// or defaulted by the API server from the limit.
func requested(r corev1.ResourceRequirements, name corev1.ResourceName) bool {
	_, request := r.Requests[name]
	_, limit := r.Limits[name]
	return request || limit
}
