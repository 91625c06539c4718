package v1alpha1

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// MLPipeline describes one ML pipeline or model-serving worker. The function
// turns it into a Deployment, an autoscaling/v2 HorizontalPodAutoscaler and a
// policy/v1 PodDisruptionBudget.
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
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`
	// +optional
	Ports []corev1.ContainerPort `json:"ports,omitempty"`
	// Resources of the container. Requests are required for the utilization
	// targets that use them.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
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
	// +optional
	Autoscaling *AutoscalingSpec `json:"autoscaling,omitempty"`
	// +optional
	PodDisruptionBudget *PodDisruptionBudgetSpec `json:"podDisruptionBudget,omitempty"`
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

// AutoscalingSpec configures the HorizontalPodAutoscaler.
type AutoscalingSpec struct {
	// Enabled defaults to true.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
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
}

// QueueMetricSpec scales on a queue's backlog as a metrics adapter serves it
// under external.metrics.k8s.io: replicas = ceil(backlog / targetPerReplica).
type QueueMetricSpec struct {
	// MetricName is the external metric that gives the backlog.
	// +kubebuilder:validation:MinLength=1
	MetricName string `json:"metricName"`
	// Selector picks the queue among the metric's series.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
	// TargetPerReplica is the backlog one worker is meant to carry.
	TargetPerReplica *resource.Quantity `json:"targetPerReplica"`
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
