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
	ws = append(ws, floatingImageWarnings(s.Image, spec.Child("image"))...)
	if s.Model != nil {
		ws = append(ws, floatingImageWarnings(s.Model.Image, spec.Child("model", "image"))...)
	}
	switch {
	case resolved.Autoscaling && resolved.MinReplicas == 0 && len(s.Ports) > 0:
		ws = append(ws, warningAt(WarnScaleToZeroWithPorts, spec.Child("autoscaling", "minReplicas"),
			"is 0 although the container has ports: while the autoscaler (the HPA, or KEDA) holds the pipeline at zero, a Service routes requests to no pod and they fail; "+
				"request-driven servers need a layer that buffers requests and drives the metric, queue consumers do not; set 1 or more to keep one pod serving"))
	// Only a server loses requests while its one pod is drained; a queue
	// worker's backlog waits. A pod of several GPUs is the user's trade-off:
	// a second one idles that many GPUs.
	case resolved.Autoscaling && resolved.MinReplicas == 1 && len(s.Ports) > 0 && resolved.GPUCount <= 1:
		ws = append(ws, warningAt(WarnSingleReplica, spec.Child("autoscaling", "minReplicas"),
			"is 1 although the container serves on ports: while load is low a single pod serves every request, and a node drain or crash leaves none; set 2 or more to keep serving"))
	}
	if len(s.Ports) > 0 && s.ReadinessProbe == nil {
		ws = append(ws, warningAt(WarnNoReadinessProbe, spec.Child("readinessProbe"),
			"is not set although the container has ports: a Service would send requests to pods that have not loaded their model yet"))
	}
	if resolved.Autoscaling && s.Replicas != nil {
		ws = append(ws, warningAt(WarnReplicasIgnored, spec.Child("replicas"),
			"is ignored while autoscaling is enabled: the HPA owns the replica count, and a replicas field would reset it on every sync"))
	}
	if shm, limit := resolved.SharedMemory, s.Resources.Limits[corev1.ResourceMemory]; shm != nil && !limit.IsZero() && shm.Cmp(limit) > 0 {
		ws = append(ws, warningAt(WarnSharedMemoryAboveLimit, spec.Child("sharedMemory"),
			"%s is more than the memory limit %s (%s): /dev/shm counts against it, so filling it gets the container OOM-killed; raise the limit or lower sharedMemory",
			shm.String(), limit.String(), spec.Child("resources", "limits").Key(string(corev1.ResourceMemory))))
	}
	// A quantity without a unit is bytes: "16" for /dev/shm is 16 bytes.
	if shm := resolved.SharedMemory; shm != nil && shm.Sign() > 0 && shm.Value() < 1<<20 {
		ws = append(ws, warningAt(WarnSharedMemoryWithoutUnit, spec.Child("sharedMemory"),
			"is %s, %d bytes: a quantity without a unit is bytes, which no data loader can use; write 16Gi for 16 GiB", shm.String(), shm.Value()))
	}
	for _, r := range []struct {
		name                       corev1.ResourceName
		requestID, limitID         string
		withoutRequest, withoutLim string
	}{
		{corev1.ResourceMemory, WarnNoMemoryRequest, WarnNoMemoryLimit,
			"without a memory request (or a limit, which it defaults to) the scheduler overcommits nodes",
			"without a memory limit one pod can take the node's memory from its neighbours"},
		{corev1.ResourceEphemeralStorage, WarnNoEphemeralRequest, WarnNoEphemeralLimit,
			"without an ephemeral-storage request (or a limit, which it defaults to) the scheduler does not count scratch files and logs",
			"without an ephemeral-storage limit, scratch files and logs can fill the node's disk and get pods evicted"},
	} {
		_, request := s.Resources.Requests[r.name]
		_, limit := s.Resources.Limits[r.name]
		// The API server defaults a missing request to the limit.
		if !request && !limit {
			ws = append(ws, warningAt(r.requestID, spec.Child("resources", "requests").Key(string(r.name)), "is not set: %s", r.withoutRequest))
		}
		if !limit {
			ws = append(ws, warningAt(r.limitID, spec.Child("resources", "limits").Key(string(r.name)), "is not set: %s", r.withoutLim))
		}
	}
	if a := s.Autoscaling; a != nil && a.GPU != nil && a.GPU.MetricName == "" && resolved.GPUResource != defaults.DefaultGPUResourceName {
		ws = append(ws, warningAt(WarnGPUMetricName, spec.Child("autoscaling", "gpu", "metricName"),
			"is not set, so the HPA reads %s, the NVIDIA DCGM exporter's metric, while the pipeline requests %s; name the metric your GPUs' exporter serves",
			defaults.DefaultGPUMetricName, resolved.GPUResource))
	}
	ws = append(ws, gpuWarnings(p, resolved, spec)...)
	if resolved.StartupSeconds > int64(resolved.ProgressDeadlineSeconds) {
		deadline := "is"
		if s.ProgressDeadlineSeconds == nil {
			deadline = "is not set, so it is the API server's"
		}
		ws = append(ws, warningAt(WarnProgressDeadline, spec.Child("progressDeadlineSeconds"),
			"%s %d, less than the %d s the startup probe allows the container to start (initialDelaySeconds + failureThreshold × periodSeconds): "+
				"a rollout whose pods start slowly but within the probe's budget is reported failed (ProgressDeadlineExceeded); set it above %d",
			deadline, resolved.ProgressDeadlineSeconds, resolved.StartupSeconds, resolved.StartupSeconds))
	}
	ws = append(ws, hostPortWarnings(s.Ports, spec.Child("ports"))...)
	ws = append(ws, pdbWarnings(resolved, spec.Child("podDisruptionBudget"))...)
	ws = append(ws, ignoredAutoscalingWarnings(s.Autoscaling, resolved, spec.Child("autoscaling"))...)
	ws = append(ws, kedaWarnings(p, resolved, spec.Child("autoscaling"))...)
	return ws
}

// floatingImageWarnings: a tag that moves changes what runs under a
// Deployment, and a rollback cannot bring the old image back.
func floatingImageWarnings(image string, fldPath *field.Path) []Finding {
	ref, err := parseImageRef(image)
	if err != nil {
		return nil
	}
	if floating, why := ref.floating(); floating {
		return []Finding{warningAt(WarnImageNotPinned, fldPath,
			"%q %s: the image can change under a running Deployment and rollbacks cannot restore it; pin a version tag or a digest", image, why)}
	}
	return nil
}
