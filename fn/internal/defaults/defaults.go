package defaults

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/serverside"
)

// Defaults of the MLPipeline API. They are resolved here and nowhere else.
const (
	DefaultGPUResourceName       = "nvidia.com/gpu"
	DefaultMinReplicas     int32 = 1
	DefaultReplicas        int32 = 1
	DefaultTargetCPU       int32 = 80
	// The API server's defaults that warnings reason with: a Deployment's
	// progress deadline, and a probe's period and failure threshold.
	DefaultProgressDeadlineSeconds int32 = 600
	DefaultProbePeriodSeconds      int32 = 10
	DefaultProbeFailureThreshold   int32 = 3
	// DefaultUnhealthyPodEvictionPolicy lets a drain evict a pod that never
	// became Ready (a model that hangs while loading): under the API
	// server's IfHealthyBudget such a pod blocks every drain of its node.
	DefaultUnhealthyPodEvictionPolicy = policyv1.AlwaysAllow
	// DefaultGPUMetricName is the NVIDIA DCGM exporter's GPU utilisation
	// gauge, as prometheus-adapter serves it.
	DefaultGPUMetricName = "DCGM_FI_DEV_GPU_UTIL"
	// DefaultServingQueueMetricName is vLLM's gauge of the requests waiting
	// in a pod.
	DefaultServingQueueMetricName = "vllm:num_requests_waiting"
	// DefaultRunAsID is high enough for kube-score and unlikely to collide with
	// a host user, so images built to run as root still start under runAsNonRoot.
	DefaultRunAsID int64 = 10001
	// TmpVolumeName is the writable emptyDir mounted at /tmp when the root
	// filesystem is read-only.
	TmpVolumeName = "tmp"
	TmpMountPath  = "/tmp"
	// HomeEnv is set to TmpMountPath while the root filesystem is read-only
	// and the user does not set it: with uid 10001 and no passwd entry, HOME
	// would be "/", and caches under $HOME/.cache (Hugging Face, torch hub,
	// pip) could not be written.
	HomeEnv = "HOME"
	// ShmVolumeName is the memory-backed emptyDir mounted at /dev/shm when
	// spec.sharedMemory is set.
	ShmVolumeName = "dshm"
	ShmMountPath  = "/dev/shm"
	// ModelVolumeName is the image volume of spec.model, mounted read-only
	// at spec.model.mountPath, DefaultModelMountPath unless given.
	ModelVolumeName       = "model"
	DefaultModelMountPath = "/models"
	// PodTemplateHashLabel is the label the Deployment controller puts on the
	// pods of each revision; the default spread constraint matches on it so
	// that a rollout's new pods spread among themselves.
	PodTemplateHashLabel = "pod-template-hash"
)

// Settings are the effective values of one pipeline after defaulting; the
// builders read them instead of re-deriving defaults.
type Settings struct {
	// KubernetesVersion is the Kubernetes minor the pipeline is checked for.
	KubernetesVersion string

	ContainerName string
	GPUResource   corev1.ResourceName
	GPUCount      int32
	// GPUs says the pods get GPUs, from spec.gpu.count or through
	// spec.resourceClaims.
	GPUs bool
	// Strategy is the Deployment's: the user's, or for a pipeline with GPUs
	// gpuStrategy (then GPUStrategyDefault), or nil for the API server's.
	Strategy           *appsv1.DeploymentStrategy
	GPUStrategyDefault bool

	Autoscaling bool
	// Engine is hpa or keda: what autoscaling emits.
	Engine       v1alpha1.AutoscalingEngine
	MinReplicas  int32
	MaxReplicas  int32
	TargetCPU    *int32
	TargetMemory *int32
	// DefaultCPUTarget says TargetCPU is the default, not the user's.
	DefaultCPUTarget bool
	// GPUMetricName is the metric of spec.autoscaling.gpu, when it is set.
	GPUMetricName string
	// ServingQueueMetricName is the metric of spec.autoscaling.servingQueue,
	// when it is set.
	ServingQueueMetricName string
	// ObjectOrExternalMetric says the HPA has an Object or External metric,
	// which Kubernetes requires before minReplicas may be 0.
	ObjectOrExternalMetric bool
	Replicas               int32

	PDB                           bool
	PDBMinAvailable               *intstr.IntOrString
	PDBMaxUnavailable             *intstr.IntOrString
	PDBUnhealthyPodEvictionPolicy policyv1.UnhealthyPodEvictionPolicyType

	DefaultSpread       bool
	DefaultAntiAffinity bool

	PodSecurityContext *corev1.PodSecurityContext
	AutomountToken     bool
	// Main is the resolved container, InitContainers the resolved
	// spec.initContainers, in order.
	Main           Container
	InitContainers []Container
	// WritableTmp says the tmp emptyDir is added: some container has a
	// read-only root filesystem and mounts nothing at /tmp itself.
	WritableTmp bool
	// SharedMemory is the size of the /dev/shm emptyDir, when there is one.
	SharedMemory *resource.Quantity
	// ModelMountPath is where spec.model is mounted, "" without one.
	ModelMountPath string

	// ProgressDeadlineSeconds is the Deployment's, the API server's default
	// when spec.progressDeadlineSeconds is not set.
	ProgressDeadlineSeconds int32
	// StartupSeconds is the longest the startup probe lets the container
	// start (initialDelaySeconds + failureThreshold × periodSeconds), 0
	// without one.
	StartupSeconds int64

	// Service says a Service is generated, of ServiceType.
	Service     bool
	ServiceType corev1.ServiceType
	// ServicePorts are the ports the Service exposes, in order:
	// spec.service.ports' entries that name a port of the pod's serving
	// containers, or every port of the container.
	ServicePorts []ServicePort
	// ServiceHeadless says the Service has clusterIP None.
	ServiceHeadless bool
}

// ServicePort is one port of the Service and the container port behind it.
type ServicePort struct {
	// Entry is the index of its entry in spec.service.ports, or -1 for a
	// default port; Port is then the index of the port in spec.ports.
	Entry int
	Port  int
	// Container is the container port it targets.
	Container corev1.ContainerPort
	// Number is the Service's port number; AppProtocol as the user gave it.
	Number      int32
	AppProtocol *string
}

// Container holds the defaults resolved for one container.
type Container struct {
	SecurityContext *corev1.SecurityContext
	// TmpMount says the container gets the tmp emptyDir at /tmp.
	TmpMount bool
	// Home says the container gets HOME=/tmp, first in its env.
	Home bool
}

// Resolve fills in every default of the API. kubernetesVersion is the
// run's default for spec.kubernetesVersion (the --kubernetes-version flag).
func Resolve(p *v1alpha1.MLPipeline, kubernetesVersion string) Settings {
	s := p.Spec
	out := Settings{
		KubernetesVersion: s.KubernetesVersion,
		ContainerName:     s.ContainerName,
		GPUResource:       DefaultGPUResourceName,
		Autoscaling:       true,
		Engine:            v1alpha1.EngineHPA,
		MinReplicas:       DefaultMinReplicas,
		Replicas:          DefaultReplicas,
		PDB:               true,
	}
	if out.ContainerName == "" {
		out.ContainerName = p.Name
	}
	if out.KubernetesVersion == "" {
		out.KubernetesVersion = kubernetesVersion
	}
	if out.KubernetesVersion == "" {
		out.KubernetesVersion = serverside.DefaultVersion
	}
	if s.GPU != nil {
		out.GPUCount = s.GPU.Count
		if s.GPU.ResourceName != "" {
			out.GPUResource = corev1.ResourceName(s.GPU.ResourceName)
		}
	}
	out.GPUs = out.GPUCount > 0 || len(s.ResourceClaims) > 0
	out.Strategy = s.Strategy
	if out.Strategy == nil && out.GPUs {
		out.Strategy = gpuStrategy()
		out.GPUStrategyDefault = true
	}
	if s.Replicas != nil {
		out.Replicas = *s.Replicas
	}
	if a := s.Autoscaling; a != nil {
		out.Autoscaling = ptr.Deref(a.Enabled, true)
		if a.Engine != "" {
			out.Engine = a.Engine
		}
		out.MinReplicas = ptr.Deref(a.MinReplicas, DefaultMinReplicas)
		out.MaxReplicas = a.MaxReplicas
		out.TargetCPU = a.TargetCPUUtilizationPercentage
		out.TargetMemory = a.TargetMemoryUtilizationPercentage
		if a.GPU != nil {
			out.GPUMetricName = a.GPU.MetricName
			if out.GPUMetricName == "" {
				out.GPUMetricName = DefaultGPUMetricName
			}
		}
		if a.ServingQueue != nil {
			out.ServingQueueMetricName = a.ServingQueue.MetricName
			if out.ServingQueueMetricName == "" {
				out.ServingQueueMetricName = DefaultServingQueueMetricName
			}
		}
		out.ObjectOrExternalMetric = a.Queue != nil
		for _, m := range a.Metrics {
			if m.Type == autoscalingv2.ObjectMetricSourceType || m.Type == autoscalingv2.ExternalMetricSourceType {
				out.ObjectOrExternalMetric = true
			}
		}
	}
	if out.TargetCPU == nil && out.TargetMemory == nil && !hasMetricPresets(s.Autoscaling) {
		out.TargetCPU = ptr.To(DefaultTargetCPU)
		out.DefaultCPUTarget = true
	}

	if b := s.PodDisruptionBudget; b != nil {
		out.PDB = ptr.Deref(b.Enabled, true)
		out.PDBMinAvailable = b.MinAvailable
		out.PDBMaxUnavailable = b.MaxUnavailable
		out.PDBUnhealthyPodEvictionPolicy = ptr.Deref(b.UnhealthyPodEvictionPolicy, "")
	}
	if out.PDBUnhealthyPodEvictionPolicy == "" {
		out.PDBUnhealthyPodEvictionPolicy = DefaultUnhealthyPodEvictionPolicy
	}
	if out.PDBMinAvailable == nil && out.PDBMaxUnavailable == nil {
		out.PDBMaxUnavailable = ptr.To(intstr.FromInt32(1))
	}

	spread := s.Spread == nil || ptr.Deref(s.Spread.Enabled, true)
	out.DefaultSpread = spread && s.TopologySpreadConstraints == nil
	out.DefaultAntiAffinity = spread && s.Affinity == nil

	out.PodSecurityContext = s.PodSecurityContext
	if out.PodSecurityContext == nil {
		out.PodSecurityContext = &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			RunAsUser:      ptr.To(DefaultRunAsID),
			RunAsGroup:     ptr.To(DefaultRunAsID),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		}
	}
	out.AutomountToken = ptr.Deref(s.AutomountServiceAccountToken, s.ServiceAccountName != "")
	out.Main = resolveContainer(s.SecurityContext, s.Env, s.VolumeMounts)
	out.WritableTmp = out.Main.TmpMount
	for _, c := range s.InitContainers {
		d := resolveContainer(c.SecurityContext, c.Env, c.VolumeMounts)
		out.InitContainers = append(out.InitContainers, d)
		out.WritableTmp = out.WritableTmp || d.TmpMount
	}
	out.SharedMemory = s.SharedMemory
	if s.Model != nil {
		out.ModelMountPath = s.Model.MountPath
		if out.ModelMountPath == "" {
			out.ModelMountPath = DefaultModelMountPath
		}
	}
	out.ProgressDeadlineSeconds = ptr.Deref(s.ProgressDeadlineSeconds, DefaultProgressDeadlineSeconds)
	if pr := s.StartupProbe; pr != nil {
		out.StartupSeconds = int64(pr.InitialDelaySeconds) +
			int64(orDefault(pr.FailureThreshold, DefaultProbeFailureThreshold))*int64(orDefault(pr.PeriodSeconds, DefaultProbePeriodSeconds))
	}

	out.ServiceType = corev1.ServiceTypeClusterIP
	out.ServicePorts = servicePorts(s)
	out.Service = len(s.Ports) > 0
	if svc := s.Service; svc != nil {
		out.Service = ptr.Deref(svc.Enabled, out.Service || len(svc.Ports) > 0)
		if svc.Type != "" {
			out.ServiceType = svc.Type
		}
		out.ServiceHeadless = ptr.Deref(svc.Headless, false)
	}
	return out
}

// servicePorts resolves spec.service.ports against the ports of the
// container and of the native sidecars, in that order of precedence; an
// entry that names none is left out (validation reports it). Without
// spec.service.ports, every port of the container is exposed on its own
// number.
func servicePorts(s v1alpha1.MLPipelineSpec) []ServicePort {
	if s.Service == nil || len(s.Service.Ports) == 0 {
		out := make([]ServicePort, 0, len(s.Ports))
		for i, cp := range s.Ports {
			out = append(out, ServicePort{Entry: -1, Port: i, Container: cp, Number: cp.ContainerPort})
		}
		return out
	}
	var out []ServicePort
	for i, entry := range s.Service.Ports {
		cp, ok := ServingPort(s, entry.Name)
		if !ok {
			continue
		}
		number := entry.Port
		if number == 0 {
			number = cp.ContainerPort
		}
		out = append(out, ServicePort{Entry: i, Container: cp, Number: number, AppProtocol: entry.AppProtocol})
	}
	return out
}

// ServingPort finds the port called name among the container's ports and
// then the native sidecars' (the containers that run beside it).
func ServingPort(s v1alpha1.MLPipelineSpec, name string) (corev1.ContainerPort, bool) {
	for _, cp := range s.Ports {
		if cp.Name == name {
			return cp, true
		}
	}
	for _, c := range s.InitContainers {
		if !IsSidecar(c) {
			continue
		}
		for _, cp := range c.Ports {
			if cp.Name == name {
				return cp, true
			}
		}
	}
	return corev1.ContainerPort{}, false
}

// IsSidecar says an init container is a native sidecar: it runs beside the
// main container for the pod's life (restartPolicy Always).
func IsSidecar(c corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// gpuStrategy is the rollout of a pipeline with GPUs: one old pod goes
// before its replacement starts, so a rollout needs no spare GPU. The API
// server's default, 25 % surge, needs spare GPUs, and on a full GPU pool
// its new pods stay Pending and the rollout stalls.
func gpuStrategy() *appsv1.DeploymentStrategy {
	return &appsv1.DeploymentStrategy{
		Type: appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{
			MaxSurge:       ptr.To(intstr.FromInt32(0)),
			MaxUnavailable: ptr.To(intstr.FromInt32(1)),
		},
	}
}

// resolveContainer gives a container (the pipeline's or an init container)
// the hardened security context unless it has its own, and, while its root
// filesystem is read-only, a writable /tmp and HOME=/tmp unless it provides
// them itself.
func resolveContainer(sc *corev1.SecurityContext, env []corev1.EnvVar, mounts []corev1.VolumeMount) Container {
	if sc == nil {
		sc = &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.To(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			ReadOnlyRootFilesystem:   ptr.To(true),
		}
	}
	readOnly := ptr.Deref(sc.ReadOnlyRootFilesystem, false)
	return Container{
		SecurityContext: sc,
		TmpMount:        readOnly && !MountsPath(mounts, TmpMountPath),
		Home:            readOnly && !setsEnv(env, HomeEnv),
	}
}

// orDefault is v, or def for the zero the API server defaults.
func orDefault(v, def int32) int32 {
	if v == 0 {
		return def
	}
	return v
}

func setsEnv(env []corev1.EnvVar, name string) bool {
	for _, e := range env {
		if e.Name == name {
			return true
		}
	}
	return false
}

// hasMetricPresets reports whether the user chose any metric besides cpu
// and memory; only a pipeline with none gets the default CPU target.
func hasMetricPresets(a *v1alpha1.AutoscalingSpec) bool {
	return a != nil && (a.GPU != nil || a.ServingQueue != nil || a.Queue != nil || len(a.Metrics) > 0 || a.KEDA != nil && len(a.KEDA.Triggers) > 0)
}

// MountsPath says a container mounts something at path itself.
func MountsPath(mounts []corev1.VolumeMount, path string) bool {
	for _, m := range mounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}
