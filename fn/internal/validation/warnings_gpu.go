package validation

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
)

// gpuWarnings are about what GPU servers need beyond other pipelines.
func gpuWarnings(p *v1alpha1.MLPipeline, resolved defaults.Settings, spec *field.Path) []Finding {
	var ws []Finding
	ws = append(ws, gpuSurgeWarnings(p, resolved, spec.Child("strategy"))...)
	s := p.Spec
	if resolved.GPUs && s.StartupProbe == nil && (s.LivenessProbe != nil || s.ReadinessProbe != nil) {
		why := "the readiness probe then runs from the start, and a liveness probe added later would have the kubelet kill the container while it loads"
		if s.LivenessProbe != nil {
			why = "the liveness probe runs from the start, so the kubelet kills and restarts the container while it is still loading its model, over and over"
		}
		ws = append(ws, warningAt(WarnGPUNoStartupProbe, spec.Child("startupProbe"),
			"is not set on a GPU server with a %s: %s; set a startupProbe whose failureThreshold × periodSeconds covers the model's load time",
			probesWord(s.LivenessProbe != nil, s.ReadinessProbe != nil), why))
	}
	if resolved.GPUCount > 1 && resolved.SharedMemory == nil && !defaults.MountsPath(s.VolumeMounts, defaults.ShmMountPath) {
		ws = append(ws, warningAt(WarnGPUNoSharedMemory, spec.Child("sharedMemory"),
			"is not set while the pod has %d GPUs: /dev/shm is the container runtime's 64 MiB, too little for NCCL between the GPUs of a pod (and for DataLoader workers); set sharedMemory, for example 16Gi",
			resolved.GPUCount))
	}
	return ws
}

func probesWord(liveness, readiness bool) string {
	switch {
	case liveness && readiness:
		return "liveness and a readiness probe"
	case liveness:
		return "liveness probe"
	}
	return "readiness probe"
}

// gpuSurgeWarnings: a rolling update that surges needs that many spare
// GPUs; on a full GPU pool the new pods stay Pending and the rollout
// stalls until its progress deadline.
func gpuSurgeWarnings(p *v1alpha1.MLPipeline, resolved defaults.Settings, fldPath *field.Path) []Finding {
	if !resolved.GPUs || resolved.GPUStrategyDefault || resolved.Strategy == nil {
		return nil
	}
	word, n := "replicas", resolved.Replicas
	if resolved.Autoscaling {
		word, n = "maxReplicas", resolved.MaxReplicas
	}
	surge := objects.MaxSurge(*resolved.Strategy, n)
	if surge == 0 {
		return nil
	}
	at := fldPath
	if r := resolved.Strategy.RollingUpdate; r != nil && r.MaxSurge != nil {
		at = fldPath.Child("rollingUpdate", "maxSurge")
	}
	needs := "their resource claims' devices to spare"
	if resolved.GPUCount > 0 {
		needs = fmt.Sprintf("%d %s to spare", int64(surge)*int64(resolved.GPUCount), resolved.GPUResource)
	}
	return []Finding{warningAt(WarnGPUSurge, at,
		"lets a rolling update at %s %d start %d more pod(s) (maxSurge %s), which need %s: on a full GPU pool they stay Pending and the rollout stalls; "+
			"set rollingUpdate.maxSurge: 0 and maxUnavailable: 1 (the default with GPUs when spec.strategy is not set), or keep that many GPUs free",
		word, n, surge, objects.SurgeText(*resolved.Strategy), needs)}
}
