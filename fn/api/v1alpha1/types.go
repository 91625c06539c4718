package v1alpha1

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// MLPipeline describes one ML pipeline or model-serving worker. The function
// turns it into a Deployment, an autoscaling/v2 HorizontalPodAutoscaler, a
// policy/v1 PodDisruptionBudget and, when the container has ports, a v1
// Service.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=mlp
type MLPipeline struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec MLPipelineSpec `json:"spec"`
}

// MLPipelineSpec is what the user writes. Fields typed from core/v1 and
// autoscaling/v2 are passed through to the generated objects unchanged.
type MLPipelineSpec struct {
	// KubernetesVersion is the Kubernetes minor the objects are rendered and
	// validated for, "1.34" to "1.37": the API server's validation and Pod
	// Security run with that version's feature gates. Defaults to the
	// function's --kubernetes-version, itself "1.37".
	// +kubebuilder:validation:Enum="1.34";"1.35";"1.36";"1.37"
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`

	// Image is the container image reference; pin a tag or, better, a digest.
	// +kubebuilder:validation:MinLength=1
	Image string `json:"image"`
	// ContainerName defaults to metadata.name.
	// +optional
	ContainerName string `json:"containerName,omitempty"`
	// +optional
	Command []string `json:"command,omitempty"`
	// +optional
	Args []string `json:"args,omitempty"`
	// Env of the container. Unless it sets HOME, HOME=/tmp comes first while
	// the root filesystem is read-only, so caches under $HOME are writable.
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`
	// EnvFrom fills the environment from ConfigMaps and Secrets; spec.env
	// (and the HOME default) take precedence over it.
	// +optional
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty"`
	// +optional
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// +optional
	WorkingDir string `json:"workingDir,omitempty"`
	// Lifecycle hooks of the container, such as a preStop that drains work.
	// +optional
	Lifecycle *corev1.Lifecycle `json:"lifecycle,omitempty"`
	// Ports of the container; with any, a Service is generated (see service).
	// +optional
	Ports []corev1.ContainerPort `json:"ports,omitempty"`
	// Service configures the v1 Service generated for the ports.
	// +optional
	Service *ServiceSpec `json:"service,omitempty"`
	// Resources of the container. Requests are required for the utilization
	// targets that use them; claims name entries of resourceClaims.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// ResourceClaims of the pod (Dynamic Resource Allocation), for example a
	// GPU from a ResourceClaimTemplate.
	// +optional
	ResourceClaims []corev1.PodResourceClaim `json:"resourceClaims,omitempty"`
	// SharedMemory is the size of a memory-backed emptyDir mounted at
	// /dev/shm, for PyTorch DataLoader workers and NCCL; it counts against
	// the memory limit.
	// +optional
	SharedMemory *resource.Quantity `json:"sharedMemory,omitempty"`
	// GPU adds an extended-resource limit and the matching toleration.
	// +optional
	GPU *GPUSpec `json:"gpu,omitempty"`

	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// Affinity replaces the default preferred pod anti-affinity on hostname.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// TopologySpreadConstraints replace the default spread over hostnames.
	// +optional
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	// Spread switches the default spread (topology constraint and anti-affinity) on or off.
	// +optional
	Spread *SpreadSpec `json:"spread,omitempty"`
	// ServiceAccountName, when set, also turns the token automount back on.
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// AutomountServiceAccountToken defaults to false unless serviceAccountName is set.
	// +optional
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken,omitempty"`
	// +optional
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// InitContainers run before the container; one with restartPolicy Always
	// is a native sidecar. Each without a securityContext gets the hardened
	// container defaults.
	// +optional
	InitContainers []corev1.Container `json:"initContainers,omitempty"`
	// +optional
	PriorityClassName string `json:"priorityClassName,omitempty"`
	// RuntimeClassName selects a container runtime, such as nvidia.
	// +optional
	RuntimeClassName *string `json:"runtimeClassName,omitempty"`
	// TerminationGracePeriodSeconds is the pod's time to stop after SIGTERM
	// (and its preStop hook); the API server's default is 30.
	// +kubebuilder:validation:Minimum=0
	// +optional
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty"`

	// +optional
	ReadinessProbe *corev1.Probe `json:"readinessProbe,omitempty"`
	// +optional
	LivenessProbe *corev1.Probe `json:"livenessProbe,omitempty"`
	// +optional
	StartupProbe *corev1.Probe `json:"startupProbe,omitempty"`

	// +optional
	Volumes []corev1.Volume `json:"volumes,omitempty"`
	// VolumeMounts of the container; each names one of volumes.
	// +optional
	VolumeMounts []corev1.VolumeMount `json:"volumeMounts,omitempty"`

	// PodLabels are added to the pod template; they may not override selector labels.
	// +optional
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// +optional
	PodAnnotations map[string]string `json:"podAnnotations,omitempty"`
	// Annotations are added to every generated object (Deployment, HPA, PDB,
	// Service), not to the pods; the MLPipeline's own metadata.annotations
	// are never copied.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// PodSecurityContext replaces the hardened pod defaults when given.
	// +optional
	PodSecurityContext *corev1.PodSecurityContext `json:"podSecurityContext,omitempty"`
	// SecurityContext replaces the hardened container defaults when given.
	// +optional
	SecurityContext *corev1.SecurityContext `json:"securityContext,omitempty"`

	// Replicas is used only when autoscaling is disabled.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`
	// Strategy of the Deployment's rollouts, for example maxSurge 0 on a
	// scarce GPU pool.
	// +optional
	Strategy *appsv1.DeploymentStrategy `json:"strategy,omitempty"`
	// ProgressDeadlineSeconds of the Deployment; the API server's default
	// is 600, which a slow model load can exceed.
	// +kubebuilder:validation:Minimum=1
	// +optional
	ProgressDeadlineSeconds *int32 `json:"progressDeadlineSeconds,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	RevisionHistoryLimit *int32 `json:"revisionHistoryLimit,omitempty"`
	// +optional
	Autoscaling *AutoscalingSpec `json:"autoscaling,omitempty"`
	// +optional
	PodDisruptionBudget *PodDisruptionBudgetSpec `json:"podDisruptionBudget,omitempty"`
}

// ServiceSpec configures the v1 Service in front of the container's ports.
type ServiceSpec struct {
	// Enabled defaults to true when spec.ports is not empty.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// Type defaults to ClusterIP.
	// +kubebuilder:validation:Enum=ClusterIP;NodePort;LoadBalancer
	// +optional
	Type corev1.ServiceType `json:"type,omitempty"`
	// Annotations of the Service only, on top of spec.annotations.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// GPUSpec requests GPUs (or any extended resource) for the container.
type GPUSpec struct {
	// Count of devices; 0 means none.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Count int32 `json:"count,omitempty"`
	// ResourceName is the extended resource, nvidia.com/gpu by default.
	// +optional
	ResourceName string `json:"resourceName,omitempty"`
}

// SpreadSpec controls the default spreading of pods over nodes.
type SpreadSpec struct {
	// Enabled defaults to true.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// AutoscalingSpec configures the HorizontalPodAutoscaler, or with engine
// keda the KEDA ScaledObject.
type AutoscalingSpec struct {
	// Enabled defaults to true.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// Engine is hpa (the default: an autoscaling/v2 HorizontalPodAutoscaler)
	// or keda (a keda.sh/v1alpha1 ScaledObject, from which KEDA makes and
	// owns the HPA).
	// +optional
	Engine AutoscalingEngine `json:"engine,omitempty"`
	// MinReplicas defaults to 1. It may be 0 (scale to zero, Kubernetes
	// v1.37 and later) when the HPA has an Object or External metric, such
	// as queue.
	// +kubebuilder:validation:Minimum=0
	// +optional
	MinReplicas *int32 `json:"minReplicas,omitempty"`
	// MaxReplicas is required when autoscaling is enabled.
	// +kubebuilder:validation:Minimum=1
	// +optional
	MaxReplicas int32 `json:"maxReplicas,omitempty"`
	// TargetCPUUtilizationPercentage defaults to 80 when no other metric is set.
	// +kubebuilder:validation:Minimum=1
	// +optional
	TargetCPUUtilizationPercentage *int32 `json:"targetCPUUtilizationPercentage,omitempty"`
	// +kubebuilder:validation:Minimum=1
	// +optional
	TargetMemoryUtilizationPercentage *int32 `json:"targetMemoryUtilizationPercentage,omitempty"`
	// GPU scales on the GPU utilisation of the pods, a Pods metric.
	// +optional
	GPU *GPUMetricSpec `json:"gpu,omitempty"`
	// Queue scales on the backlog of a queue, an External metric.
	// +optional
	Queue *QueueMetricSpec `json:"queue,omitempty"`
	// Metrics are appended after the cpu, memory, gpu and queue targets.
	// +optional
	Metrics []autoscalingv2.MetricSpec `json:"metrics,omitempty"`
	// +optional
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
	// KEDA holds KEDA's own settings; only with engine keda.
	// +optional
	KEDA *KEDASpec `json:"keda,omitempty"`
}

// GPUMetricSpec scales on per-pod GPU utilisation as a metrics adapter serves
// it under custom.metrics.k8s.io, for example prometheus-adapter over the
// NVIDIA DCGM exporter. It needs spec.gpu.count.
type GPUMetricSpec struct {
	// TargetUtilizationPercentage is the average GPU utilisation per pod to
	// keep, 1 to 100.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	TargetUtilizationPercentage int32 `json:"targetUtilizationPercentage"`
	// MetricName defaults to DCGM_FI_DEV_GPU_UTIL, the DCGM exporter's gauge.
	// +optional
	MetricName string `json:"metricName,omitempty"`
	// PodLabel is the label that names the pod on the metric's series, with
	// engine keda: pod (the default) where Prometheus keeps the DCGM
	// exporter's labels, exported_pod where it renames them.
	// +optional
	PodLabel GPUPodLabel `json:"podLabel,omitempty"`
}

// QueueMetricSpec scales on a queue's backlog: replicas = ceil(backlog /
// targetPerReplica). With engine hpa a metrics adapter serves the backlog
// under external.metrics.k8s.io (metricName); with engine keda the KEDA
// scaler named in scaler reads the queue itself.
type QueueMetricSpec struct {
	// MetricName is the external metric that gives the backlog; required
	// with engine hpa, refused with engine keda.
	// +optional
	MetricName string `json:"metricName,omitempty"`
	// Selector picks the queue among the metric's series; engine hpa only.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
	// TargetPerReplica is the backlog one worker is meant to carry.
	TargetPerReplica *resource.Quantity `json:"targetPerReplica"`
	// Activation is the backlog above which KEDA wakes the worker from
	// zero, written into the scaler's activation field; engine keda only.
	// +optional
	Activation *resource.Quantity `json:"activation,omitempty"`
	// Scaler is the KEDA scaler that reads the queue; required with engine
	// keda.
	// +optional
	Scaler *KEDAScaler `json:"scaler,omitempty"`
}

// PodDisruptionBudgetSpec configures the PodDisruptionBudget.
type PodDisruptionBudgetSpec struct {
	// Enabled defaults to true.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// +optional
	MinAvailable *intstr.IntOrString `json:"minAvailable,omitempty"`
	// MaxUnavailable defaults to 1 when neither is given.
	// +optional
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`
}
