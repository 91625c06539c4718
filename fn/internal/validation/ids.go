package validation

import "k8s.io/apimachinery/pkg/util/sets"

// The ids of the warnings. They are part of the API: users list them in
// IgnoreWarningsAnnotation, so an id never changes once released.
const (
	WarnImageNotPinned          = "image-not-pinned"
	WarnScaleToZeroWithPorts    = "scale-to-zero-with-ports"
	WarnSingleReplica           = "single-replica"
	WarnNoReadinessProbe        = "no-readiness-probe"
	WarnReplicasIgnored         = "replicas-ignored"
	WarnSharedMemoryAboveLimit  = "shared-memory-above-limit"
	WarnSharedMemoryWithoutUnit = "shared-memory-without-unit"
	WarnNoMemoryRequest         = "no-memory-request"
	WarnNoMemoryLimit           = "no-memory-limit"
	WarnNoEphemeralRequest      = "no-ephemeral-storage-request"
	WarnNoEphemeralLimit        = "no-ephemeral-storage-limit"
	WarnGPUMetricName           = "gpu-metric-name"
	WarnHostPort                = "host-port"
	WarnPDBBlocksDrains         = "pdb-blocks-drains"
	WarnAutoscalingIgnored      = "autoscaling-settings-ignored"
	WarnAPIServer               = "api-server-warning"
	WarnPodSecurity             = "pod-security-restricted"
	WarnGPUSurge                = "gpu-rollout-surge"
	WarnGPUNoStartupProbe       = "gpu-no-startup-probe"
	WarnGPUNoSharedMemory       = "gpu-no-shared-memory"
	WarnProgressDeadline        = "progress-deadline-below-startup"
	WarnKEDASettingsIgnored     = "keda-settings-ignored"
	WarnKEDAQueryAnyNamespace   = "keda-query-any-namespace"
	WarnKEDAIdleReplicasIgnored = "keda-idle-replicas-ignored"
	WarnUnknownID               = "unknown-warning-id"
)

// WarningIDs are every warning id, for the README's table (a test keeps it
// complete) and to tell an unknown id in IgnoreWarningsAnnotation.
var WarningIDs = sets.New(
	WarnImageNotPinned, WarnScaleToZeroWithPorts, WarnSingleReplica, WarnNoReadinessProbe,
	WarnReplicasIgnored, WarnSharedMemoryAboveLimit, WarnSharedMemoryWithoutUnit,
	WarnNoMemoryRequest, WarnNoMemoryLimit, WarnNoEphemeralRequest, WarnNoEphemeralLimit,
	WarnGPUMetricName, WarnHostPort, WarnPDBBlocksDrains, WarnAutoscalingIgnored,
	WarnAPIServer, WarnPodSecurity, WarnGPUSurge, WarnGPUNoStartupProbe, WarnGPUNoSharedMemory,
	WarnProgressDeadline, WarnKEDASettingsIgnored, WarnKEDAQueryAnyNamespace, WarnKEDAIdleReplicasIgnored,
	WarnUnknownID,
)
