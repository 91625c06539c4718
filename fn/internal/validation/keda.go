package validation

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/fieldpath"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
)

// The rules of engine keda: the settings that only the hpa engine reads,
// the queue preset's scaler, and what KEDA v2.21.0's admission webhook
// (apis/keda/v1alpha1/scaledobject_webhook.go) and its CRD's schema refuse,
// so that the function reports them before the cluster does.

// engines are the values of spec.autoscaling.engine.
var engines = []string{string(v1alpha1.EngineHPA), string(v1alpha1.EngineKEDA)}

// maxLabelValueChars is the length of a label value: KEDA's webhook
// refuses a ScaledObject whose HPA name would be longer.
const maxLabelValueChars = 63

// validateKEDA checks spec.autoscaling (fldPath) under engine keda, and the
// engine's value. The rules on the ScaledObject as a whole run only while
// autoscaling is enabled; the rest always, as the hpa engine's do.
func validateKEDA(p *v1alpha1.MLPipeline, resolved defaults.Settings, fldPath *field.Path) field.ErrorList {
	a := p.Spec.Autoscaling
	switch a.Engine {
	case "", v1alpha1.EngineHPA:
		return nil
	case v1alpha1.EngineKEDA:
	default:
		return field.ErrorList{field.NotSupported(fldPath.Child("engine"), a.Engine, engines)}
	}
	var errs field.ErrorList
	errs = append(errs, hpaOnlySettings(a, fldPath)...)
	errs = append(errs, validateQueueScaler(a.Queue, fldPath.Child("queue"))...)
	if a.GPU != nil {
		if a.KEDA == nil || a.KEDA.PrometheusAddress == "" {
			errs = append(errs, field.Required(fldPath.Child("keda", "prometheusAddress"),
				"the gpu preset becomes a prometheus trigger, which queries this server: the Prometheus that scrapes the DCGM exporter, such as http://prometheus.monitoring:9090"))
		}
		if l := a.GPU.PodLabel; l != "" && l != v1alpha1.GPUPodLabelPod && l != v1alpha1.GPUPodLabelExportedPod {
			errs = append(errs, field.NotSupported(fldPath.Child("gpu", "podLabel"), l,
				[]string{string(v1alpha1.GPUPodLabelPod), string(v1alpha1.GPUPodLabelExportedPod)}))
		}
	}
	if a.KEDA != nil {
		errs = append(errs, validateKEDASettings(a.KEDA, fldPath.Child("keda"))...)
		errs = append(errs, validateKEDATriggers(p, resolved, a.KEDA.Triggers, fldPath)...)
	}
	if resolved.Autoscaling {
		errs = append(errs, kedaWebhookRules(p, resolved, fldPath)...)
	}
	return errs
}

// hpaOnlySettings refuses what only the hpa engine reads, each with what
// to write instead.
func hpaOnlySettings(a *v1alpha1.AutoscalingSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	triggers := fldPath.Child("keda", "triggers")
	for i, m := range a.Metrics {
		var instead string
		switch m.Type {
		case autoscalingv2.ExternalMetricSourceType:
			instead = fmt.Sprintf("a KEDA scaler reads the source itself: for a queue's backlog per replica name it in %s, for anything else add a trigger to %s",
				fldPath.Child("queue", "scaler"), triggers)
		case autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType:
			instead = fmt.Sprintf("add a prometheus trigger that queries the same series to %s", triggers)
		default:
			instead = fmt.Sprintf("set %s or %s, or add a cpu or memory trigger with metricType AverageValue to %s",
				fldPath.Child("targetCPUUtilizationPercentage"), fldPath.Child("targetMemoryUtilizationPercentage"), triggers)
		}
		errs = append(errs, field.Forbidden(fldPath.Child("metrics").Index(i),
			fmt.Sprintf("is an HPA metric, which engine keda does not read (KEDA makes the HPA from its triggers): %s", instead)))
	}
	if q := a.Queue; q != nil {
		if q.MetricName != "" {
			errs = append(errs, field.Forbidden(fldPath.Child("queue", "metricName"), fmt.Sprintf(
				"is the metrics adapter's metric of engine hpa; under engine keda the scaler reads the queue itself: name it in %s and remove metricName",
				fldPath.Child("queue", "scaler"))))
		}
		if q.Selector != nil {
			errs = append(errs, field.Forbidden(fldPath.Child("queue", "selector"), fmt.Sprintf(
				"picks a series of the metrics adapter's metric under engine hpa; under engine keda name the queue in %s",
				fldPath.Child("queue", "scaler", "metadata"))))
		}
	}
	return errs
}

// validateQueueScaler checks the queue preset's scaler and the values the
// preset writes into it.
func validateQueueScaler(q *v1alpha1.QueueMetricSpec, fldPath *field.Path) field.ErrorList {
	if q == nil {
		return nil
	}
	scalerPath := fldPath.Child("scaler")
	if q.Scaler == nil {
		return field.ErrorList{field.Required(scalerPath,
			"under engine keda, the KEDA scaler that reads the queue, such as {type: redis, metadata: {address: redis:6379, listName: jobs}}")}
	}
	s, known := objects.QueueScalers[q.Scaler.Type]
	if !known {
		return field.ErrorList{field.Invalid(scalerPath.Child("type"), q.Scaler.Type, fmt.Sprintf(
			"the queue preset knows the scalers %s; put any other scaler, with its own target field, in spec.autoscaling.keda.triggers",
			strings.Join(objects.QueueScalerTypes(), ", ")))}
	}
	var errs field.ErrorList
	owned := s.OwnedKeys(fldPath)
	for _, key := range slices.Sorted(maps.Keys(q.Scaler.Metadata)) {
		if how, ok := owned[key]; ok {
			errs = append(errs, field.Forbidden(scalerPath.Child("metadata").Key(key), fmt.Sprintf(
				"is written by the queue preset into the %s scaler %s; remove it here", q.Scaler.Type, how)))
		}
	}
	for _, v := range []struct {
		name, key string
		value     *resource.Quantity
		min       int
	}{{"targetPerReplica", s.Target, q.TargetPerReplica, 1}, {"activation", s.Activation, q.Activation, 0}} {
		if v.value == nil {
			continue
		}
		path := fldPath.Child(v.name)
		switch {
		case v.min == 0 && v.value.Sign() < 0:
			errs = append(errs, field.Invalid(path, v.value.String(), "must be 0 or more"))
		case s.Integer && v.value.MilliValue()%1000 != 0:
			errs = append(errs, field.Invalid(path, v.value.String(), fmt.Sprintf(
				"must be a whole number: it becomes the %s scaler's %s, an integer", q.Scaler.Type, v.key)))
		}
	}
	return append(errs, validateAuthenticationRef(q.Scaler.AuthenticationRef, scalerPath.Child("authenticationRef"))...)
}

// validateKEDASettings applies the bounds of KEDA's CRD schema, which the
// function's output must meet wherever the MLPipeline CRD is not installed.
func validateKEDASettings(k *v1alpha1.KEDASpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, v := range []struct {
		name  string
		value *int32
		min   int32
	}{
		{"pollingInterval", k.PollingInterval, 1}, {"cooldownPeriod", k.CooldownPeriod, 0},
		{"initialCooldownPeriod", k.InitialCooldownPeriod, 0}, {"idleReplicaCount", k.IdleReplicaCount, 0},
	} {
		if v.value != nil && *v.value < v.min {
			errs = append(errs, field.Invalid(fldPath.Child(v.name), *v.value, fmt.Sprintf("must be %d or more", v.min)))
		}
	}
	if f := k.Fallback; f != nil {
		path := fldPath.Child("fallback")
		if f.FailureThreshold < 0 {
			errs = append(errs, field.Invalid(path.Child("failureThreshold"), f.FailureThreshold, "must be 0 or more"))
		}
		if f.Replicas < 0 {
			errs = append(errs, field.Invalid(path.Child("replicas"), f.Replicas, "must be 0 or more"))
		}
		behaviors := []string{"static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower"}
		if f.Behavior != "" && !slices.Contains(behaviors, f.Behavior) {
			errs = append(errs, field.NotSupported(path.Child("behavior"), f.Behavior, behaviors))
		}
	}
	return errs
}

// validateKEDATriggers checks the passed-through triggers against KEDA's
// CRD, its webhook (unique names, useCachedMetrics) and its scalers
// (metricType Utilization only for cpu and memory, which need a metricType).
// fldPath is spec.autoscaling.
func validateKEDATriggers(p *v1alpha1.MLPipeline, resolved defaults.Settings, triggers []v1alpha1.KEDATrigger, autoscaling *field.Path) field.ErrorList {
	fldPath := autoscaling.Child("keda", "triggers")
	var errs field.ErrorList
	names := map[string]bool{}
	for i, t := range triggers {
		path := fldPath.Index(i)
		resourceTrigger := t.Type == string(corev1.ResourceCPU) || t.Type == string(corev1.ResourceMemory)
		if t.Type == "" {
			errs = append(errs, field.Required(path.Child("type"), "the KEDA scaler, such as cron or kafka"))
		}
		if t.Metadata == nil {
			errs = append(errs, field.Required(path.Child("metadata"), "KEDA's schema requires it; write {} for a scaler without metadata"))
		}
		if t.Name != "" {
			if names[t.Name] {
				errs = append(errs, field.Duplicate(path.Child("name"), t.Name))
			}
			names[t.Name] = true
		}
		if t.UseCachedMetrics && (resourceTrigger || t.Type == "cron") {
			errs = append(errs, field.Forbidden(path.Child("useCachedMetrics"), fmt.Sprintf("KEDA does not cache the metrics of the %s scaler", t.Type)))
		}
		metricTypes := []string{string(autoscalingv2.AverageValueMetricType), string(autoscalingv2.ValueMetricType), string(autoscalingv2.UtilizationMetricType)}
		switch {
		case t.MetricType != "" && !slices.Contains(metricTypes, string(t.MetricType)):
			errs = append(errs, field.NotSupported(path.Child("metricType"), t.MetricType, metricTypes))
		case resourceTrigger && t.MetricType == autoscalingv2.UtilizationMetricType:
			errs = append(errs, field.Forbidden(path.Child("metricType"), fmt.Sprintf(
				"Utilization targets of CPU and memory are set with %s and %s",
				autoscaling.Child("targetCPUUtilizationPercentage"), autoscaling.Child("targetMemoryUtilizationPercentage"))))
		case resourceTrigger && t.MetricType == "":
			errs = append(errs, field.Required(path.Child("metricType"), fmt.Sprintf("KEDA's %s scaler needs it: AverageValue", t.Type)))
		case !resourceTrigger && t.MetricType == autoscalingv2.UtilizationMetricType:
			errs = append(errs, field.Invalid(path.Child("metricType"), t.MetricType, "only the cpu and memory scalers have Utilization; write AverageValue or Value"))
		}
		if resourceTrigger && (t.Metadata["containerName"] == "" || t.Metadata["containerName"] == resolved.ContainerName) {
			if _, ok := p.Spec.Resources.Requests[corev1.ResourceName(t.Type)]; !ok && !hasLimit(p, corev1.ResourceName(t.Type)) {
				errs = append(errs, field.Required(field.NewPath("spec", "resources", "requests").Key(t.Type), fmt.Sprintf(
					"%s has a %s trigger, which KEDA's webhook refuses while the container has no %s request", path, t.Type, t.Type)))
			}
		}
		errs = append(errs, validateAuthenticationRef(t.AuthenticationRef, path.Child("authenticationRef"))...)
	}
	return errs
}

func kedaTriggersOf(k *v1alpha1.KEDASpec) []v1alpha1.KEDATrigger {
	if k == nil {
		return nil
	}
	return k.Triggers
}

func hasLimit(p *v1alpha1.MLPipeline, name corev1.ResourceName) bool {
	_, ok := p.Spec.Resources.Limits[name]
	return ok
}

func validateAuthenticationRef(ref *v1alpha1.KEDAAuthenticationRef, fldPath *field.Path) field.ErrorList {
	if ref == nil {
		return nil
	}
	var errs field.ErrorList
	if ref.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), "the TriggerAuthentication or ClusterTriggerAuthentication"))
	}
	kinds := []string{"TriggerAuthentication", "ClusterTriggerAuthentication"}
	if ref.Kind != "" && !slices.Contains(kinds, ref.Kind) {
		errs = append(errs, field.NotSupported(fldPath.Child("kind"), ref.Kind, kinds))
	}
	return errs
}

// kedaWebhookRules are the rules of KEDA's webhook on the ScaledObject as
// a whole: its name and its HPA's, the replica counts, the fallback, and
// cpu and memory triggers at zero.
func kedaWebhookRules(p *v1alpha1.MLPipeline, resolved defaults.Settings, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if n := len(objects.KEDAHPAPrefix) + len(p.Name); n > maxLabelValueChars {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), p.Name, fmt.Sprintf(
			"is %d characters: under engine keda KEDA names its HPA %s<name>, which may have at most %d, so the name at most %d",
			len(p.Name), objects.KEDAHPAPrefix, maxLabelValueChars, maxLabelValueChars-len(objects.KEDAHPAPrefix))))
	}
	a := p.Spec.Autoscaling
	k := a.KEDA
	// The triggers the ScaledObject gets, by what the user wrote: a queue
	// without its scaler counts, as it has an error of its own.
	onlyResource := a.GPU == nil && a.Queue == nil
	for _, t := range kedaTriggersOf(k) {
		if t.Type != string(corev1.ResourceCPU) && t.Type != string(corev1.ResourceMemory) {
			onlyResource = false
		}
	}
	// KEDA compares idleReplicaCount with the HPA's minimum, which is never
	// below 1: with minReplicas 0 an idle count of 0 passes, and does nothing.
	if hpaMin := max(resolved.MinReplicas, 1); k != nil && k.IdleReplicaCount != nil && *k.IdleReplicaCount >= hpaMin {
		errs = append(errs, field.Invalid(fldPath.Child("keda", "idleReplicaCount"), *k.IdleReplicaCount, fmt.Sprintf(
			"must be below %s (%d, or 1 when it is 0): KEDA scales to idleReplicaCount while no trigger is active and from minReplicas up otherwise",
			fldPath.Child("minReplicas"), hpaMin)))
	}
	// KEDA v2.21.0's rule: a fallback needs one trigger that is not cpu or
	// memory (its fallback replaces an External metric; Value triggers are
	// divided by the ready replicas, so they qualify too).
	if k != nil && k.Fallback != nil && onlyResource {
		errs = append(errs, field.Forbidden(fldPath.Child("keda", "fallback"), fmt.Sprintf(
			"needs a trigger that is not cpu or memory (queue, gpu or %s): KEDA's fallback stands in for a failing scaler's metric, and cpu and memory have none",
			fldPath.Child("keda", "triggers"))))
	}
	if resolved.MinReplicas == 0 && onlyResource {
		errs = append(errs, field.Invalid(fldPath.Child("minReplicas"), resolved.MinReplicas, fmt.Sprintf(
			"may be 0 under engine keda only with a trigger that is not cpu or memory (set %s or %s, or add one to %s): at zero pods there is no CPU or memory to measure, so KEDA's webhook refuses it",
			fldPath.Child("queue"), fldPath.Child("gpu"), fldPath.Child("keda", "triggers"))))
	}
	return errs
}

// kedaHPAErrors checks, with the API server's own HPA rules, the HPA KEDA
// makes from the ScaledObject (kedaHPA): KEDA's webhook does not check its
// behavior and bounds, and an HPA the server refuses leaves the Deployment
// without autoscaling. Only the errors at the fields the HPA takes from the
// pipeline count.
func kedaHPAErrors(p *v1alpha1.MLPipeline, resolved defaults.Settings, invalid fieldpath.Set) (field.ErrorList, error) {
	if !resolved.Autoscaling || resolved.Engine != v1alpha1.EngineKEDA || resolved.MaxReplicas < 1 {
		return nil, nil
	}
	errs, _, err := serverFindings(p, resolved, []runtime.Object{objects.KEDAHPA(p, resolved)}, invalid)
	if err != nil {
		return nil, err
	}
	var out field.ErrorList
	for _, e := range errs {
		if e.Field == "spec.autoscaling.maxReplicas" || fieldpath.IsUnder(e.Field, "spec.autoscaling.behavior") {
			out = append(out, e)
		}
	}
	return out, nil
}

// kedaWarnings: settings of one engine that the other ignores (a warning,
// not an error, so that an overlay can switch engine: hpa back without
// deleting the keda settings of its base), and a gpu query that cannot name
// the namespace.
func kedaWarnings(p *v1alpha1.MLPipeline, resolved defaults.Settings, fldPath *field.Path) []Finding {
	a := p.Spec.Autoscaling
	if a == nil || !resolved.Autoscaling {
		return nil
	}
	if resolved.Engine == v1alpha1.EngineHPA {
		var ignored []string
		for _, f := range []struct {
			name  string
			given bool
		}{
			{"keda", a.KEDA != nil}, {"queue.scaler", a.Queue != nil && a.Queue.Scaler != nil},
			{"queue.activation", a.Queue != nil && a.Queue.Activation != nil}, {"gpu.podLabel", a.GPU != nil && a.GPU.PodLabel != ""},
		} {
			if f.given {
				ignored = append(ignored, f.name)
			}
		}
		if len(ignored) == 0 {
			return nil
		}
		return []Finding{warningAt(fldPath.Child("engine"),
			"is hpa, so %s take no effect: they are read by engine keda only; remove them or set engine: keda", strings.Join(ignored, ", "))}
	}
	if resolved.Engine != v1alpha1.EngineKEDA {
		return nil
	}
	var ws []Finding
	if a.GPU != nil && p.Namespace == "" {
		ws = append(ws, warningAt(field.NewPath("metadata", "namespace"),
			"is not set, so the gpu preset's Prometheus query matches pods named %s-… in every namespace; set the namespace the pipeline runs in", p.Name))
	}
	// KEDA's webhook accepts it (it compares with 1), and it changes nothing.
	if k := a.KEDA; k != nil && k.IdleReplicaCount != nil && *k.IdleReplicaCount == 0 && resolved.MinReplicas == 0 {
		ws = append(ws, warningAt(fldPath.Child("keda", "idleReplicaCount"),
			"is 0 while minReplicas is 0: KEDA scales to 0 while no trigger is active anyway, so it takes no effect; remove it, or set minReplicas to 1 or more to scale between idle 0 and that minimum"))
	}
	return ws
}
