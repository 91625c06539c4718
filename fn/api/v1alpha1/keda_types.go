package v1alpha1

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// AutoscalingEngine is what scales the Deployment.
// +kubebuilder:validation:Enum=hpa;keda
type AutoscalingEngine string

const (
	// EngineHPA emits an autoscaling/v2 HorizontalPodAutoscaler.
	EngineHPA AutoscalingEngine = "hpa"
	// EngineKEDA emits a keda.sh/v1alpha1 ScaledObject; KEDA makes the HPA.
	EngineKEDA AutoscalingEngine = "keda"
)

// GPUPodLabel is the label of a GPU metric's series that names the pod.
// +kubebuilder:validation:Enum=pod;exported_pod
type GPUPodLabel string

const (
	// GPUPodLabelPod is the DCGM exporter's own label, kept when Prometheus
	// scrapes it with honor_labels.
	GPUPodLabelPod GPUPodLabel = "pod"
	// GPUPodLabelExportedPod is the same label where Prometheus renamed it
	// because the scrape target has a pod label of its own.
	GPUPodLabelExportedPod GPUPodLabel = "exported_pod"
)

// KEDASpec holds KEDA's own settings of the ScaledObject (engine keda).
type KEDASpec struct {
	// PollingInterval is how often, in seconds, KEDA checks the triggers
	// (KEDA's default is 30).
	// +kubebuilder:validation:Minimum=1
	// +optional
	PollingInterval *int32 `json:"pollingInterval,omitempty"`
	// CooldownPeriod is how long, in seconds, KEDA waits after the last
	// active trigger before it scales to zero (KEDA's default is 300).
	// +kubebuilder:validation:Minimum=0
	// +optional
	CooldownPeriod *int32 `json:"cooldownPeriod,omitempty"`
	// InitialCooldownPeriod is how long, in seconds, after the ScaledObject
	// is created KEDA waits before it first scales to zero.
	// +kubebuilder:validation:Minimum=0
	// +optional
	InitialCooldownPeriod *int32 `json:"initialCooldownPeriod,omitempty"`
	// IdleReplicaCount is the replica count while no trigger is active; it
	// must be below minReplicas.
	// +kubebuilder:validation:Minimum=0
	// +optional
	IdleReplicaCount *int32 `json:"idleReplicaCount,omitempty"`
	// Fallback is the replica count KEDA keeps while a scaler keeps failing.
	// +optional
	Fallback *KEDAFallback `json:"fallback,omitempty"`
	// PrometheusAddress is the Prometheus server the presets' prometheus
	// triggers query (the gpu preset), such as
	// http://prometheus.monitoring:9090.
	// +optional
	PrometheusAddress string `json:"prometheusAddress,omitempty"`
	// Triggers are passed through to the ScaledObject after the presets'
	// triggers, for any scaler KEDA has.
	// +optional
	Triggers []KEDATrigger `json:"triggers,omitempty"`
}

// KEDAFallback is KEDA's fallback: after failureThreshold failed checks of
// a scaler, KEDA scales to replicas.
type KEDAFallback struct {
	// +kubebuilder:validation:Minimum=0
	FailureThreshold int32 `json:"failureThreshold"`
	// +kubebuilder:validation:Minimum=0
	Replicas int32 `json:"replicas"`
	// Behavior is KEDA's fallback behavior (KEDA's default is static).
	// +kubebuilder:validation:Enum=static;currentReplicas;currentReplicasIfHigher;currentReplicasIfLower
	// +optional
	Behavior string `json:"behavior,omitempty"`
}

// KEDAScaler names the KEDA scaler of the queue preset; the preset writes
// the target and activation into the scaler's own metadata fields.
type KEDAScaler struct {
	// Type is the scaler: redis, rabbitmq, kafka, aws-sqs-queue,
	// gcp-pubsub, azure-servicebus, nats-jetstream or prometheus. Any other
	// scaler goes into keda.triggers.
	// +kubebuilder:validation:MinLength=1
	Type string `json:"type"`
	// Metadata is the scaler's metadata, without its target and activation
	// fields.
	// +optional
	Metadata map[string]string `json:"metadata,omitempty"`
	// +optional
	AuthenticationRef *KEDAAuthenticationRef `json:"authenticationRef,omitempty"`
}

// KEDATrigger is a KEDA trigger, passed through to the ScaledObject.
type KEDATrigger struct {
	// +kubebuilder:validation:MinLength=1
	Type string `json:"type"`
	// Name identifies the trigger; unique among the triggers.
	// +optional
	Name string `json:"name,omitempty"`
	// Metadata is the scaler's metadata.
	Metadata map[string]string `json:"metadata"`
	// +optional
	AuthenticationRef *KEDAAuthenticationRef `json:"authenticationRef,omitempty"`
	// MetricType is the HPA's target type for the trigger's metric:
	// AverageValue (KEDA's default) or Value, or Utilization for cpu and
	// memory.
	// +kubebuilder:validation:Enum=AverageValue;Value;Utilization
	// +optional
	MetricType autoscalingv2.MetricTargetType `json:"metricType,omitempty"`
	// UseCachedMetrics serves the HPA's reads from KEDA's last poll.
	// +optional
	UseCachedMetrics bool `json:"useCachedMetrics,omitempty"`
}

// KEDAAuthenticationRef names a TriggerAuthentication or
// ClusterTriggerAuthentication.
type KEDAAuthenticationRef struct {
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// Kind defaults to TriggerAuthentication.
	// +kubebuilder:validation:Enum=TriggerAuthentication;ClusterTriggerAuthentication
	// +optional
	Kind string `json:"kind,omitempty"`
}
