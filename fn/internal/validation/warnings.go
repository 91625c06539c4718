package validation

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// Warnings are findings only the user can fix; each names the field to set.
func Warnings(p *v1alpha1.MLPipeline, resolved defaults.Settings) []Finding {
	s := p.Spec
	spec := field.NewPath("spec")
	var ws []Finding
	if ref, err := parseImageRef(s.Image); err == nil {
		if floating, why := ref.floating(); floating {
			ws = append(ws, warningAt(spec.Child("image"),
				"%q %s: the image can change under a running Deployment and rollbacks cannot restore it; pin a version tag or a digest", s.Image, why))
		}
	}
	switch {
	case resolved.Autoscaling && resolved.MinReplicas == 0 && len(s.Ports) > 0:
		ws = append(ws, warningAt(spec.Child("autoscaling", "minReplicas"),
			"is 0 although the container has ports: while the HPA holds the pipeline at zero, a Service routes requests to no pod and they fail; "+
				"request-driven servers need a layer that buffers requests and drives the metric, queue consumers do not; set 1 or more to keep one pod serving"))
	case resolved.Autoscaling && resolved.MinReplicas == 1:
		ws = append(ws, warningAt(spec.Child("autoscaling", "minReplicas"),
			"is %d: while load is low a single pod serves everything, and a node drain or crash leaves none; set 2 or more for workers that must stay up", resolved.MinReplicas))
	}
	if len(s.Ports) > 0 && s.ReadinessProbe == nil {
		ws = append(ws, warningAt(spec.Child("readinessProbe"),
			"is not set although the container has ports: a Service would send requests to pods that have not loaded their model yet"))
	}
	if resolved.Autoscaling && s.Replicas != nil {
		ws = append(ws, warningAt(spec.Child("replicas"),
			"is ignored while autoscaling is enabled: the HPA owns the replica count, and a replicas field would reset it on every sync"))
	}
	if shm, limit := resolved.SharedMemory, s.Resources.Limits[corev1.ResourceMemory]; shm != nil && !limit.IsZero() && shm.Cmp(limit) > 0 {
		ws = append(ws, warningAt(spec.Child("sharedMemory"),
			"%s is more than the memory limit %s (%s): /dev/shm counts against it, so filling it gets the container OOM-killed; raise the limit or lower sharedMemory",
			shm.String(), limit.String(), spec.Child("resources", "limits").Key(string(corev1.ResourceMemory))))
	}
	// A quantity without a unit is bytes: "16" for /dev/shm is 16 bytes.
	if shm := resolved.SharedMemory; shm != nil && shm.Sign() > 0 && shm.Value() < 1<<20 {
		ws = append(ws, warningAt(spec.Child("sharedMemory"),
			"is %s, %d bytes: a quantity without a unit is bytes, which no data loader can use; write 16Gi for 16 GiB", shm.String(), shm.Value()))
	}
	for _, r := range []struct {
		name                       corev1.ResourceName
		withoutRequest, withoutLim string
	}{
		{corev1.ResourceMemory,
			"without a memory request (or a limit, which it defaults to) the scheduler overcommits nodes",
			"without a memory limit one pod can take the node's memory from its neighbours"},
		{corev1.ResourceEphemeralStorage,
			"without an ephemeral-storage request (or a limit, which it defaults to) the scheduler does not count scratch files and logs",
			"without an ephemeral-storage limit, scratch files and logs can fill the node's disk and get pods evicted"},
	} {
		_, request := s.Resources.Requests[r.name]
		_, limit := s.Resources.Limits[r.name]
		// The API server defaults a missing request to the limit.
		if !request && !limit {
			ws = append(ws, warningAt(spec.Child("resources", "requests").Key(string(r.name)), "is not set: %s", r.withoutRequest))
		}
		if !limit {
			ws = append(ws, warningAt(spec.Child("resources", "limits").Key(string(r.name)), "is not set: %s", r.withoutLim))
		}
	}
	if a := s.Autoscaling; a != nil && a.GPU != nil && a.GPU.MetricName == "" && resolved.GPUResource != defaults.DefaultGPUResourceName {
		ws = append(ws, warningAt(spec.Child("autoscaling", "gpu", "metricName"),
			"is not set, so the HPA reads %s, the NVIDIA DCGM exporter's metric, while the pipeline requests %s; name the metric your GPUs' exporter serves",
			defaults.DefaultGPUMetricName, resolved.GPUResource))
	}
	ws = append(ws, hostPortWarnings(s.Ports, spec.Child("ports"))...)
	ws = append(ws, pdbWarnings(resolved, spec.Child("podDisruptionBudget"))...)
	ws = append(ws, ignoredAutoscalingWarnings(s.Autoscaling, resolved, spec.Child("autoscaling"))...)
	ws = append(ws, kedaWarnings(p, resolved, spec.Child("autoscaling"))...)
	return ws
}
