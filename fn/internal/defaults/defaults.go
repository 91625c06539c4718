package defaults

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
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
	// DefaultGPUMetricName is the NVIDIA DCGM exporter's GPU utilisation
	// gauge, as prometheus-adapter serves it.
	DefaultGPUMetricName = "DCGM_FI_DEV_GPU_UTIL"
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
	// ObjectOrExternalMetric says the HPA has an Object or External metric,
	// which Kubernetes requires before minReplicas may be 0.
	ObjectOrExternalMetric bool
	Replicas               int32

	PDB               bool
	PDBMinAvailable   *intstr.IntOrString
	PDBMaxUnavailable *intstr.IntOrString

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

	// Service says a Service is generated, of ServiceType.
	Service     bool
	ServiceType corev1.ServiceType
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

	out.ServiceType = corev1.ServiceTypeClusterIP
	out.Service = len(s.Ports) > 0
	if svc := s.Service; svc != nil {
		out.Service = ptr.Deref(svc.Enabled, out.Service)
		if svc.Type != "" {
			out.ServiceType = svc.Type
		}
	}
	return out
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
		TmpMount:        readOnly && !mountsPath(mounts, TmpMountPath),
		Home:            readOnly && !setsEnv(env, HomeEnv),
	}
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
	return a != nil && (a.GPU != nil || a.Queue != nil || len(a.Metrics) > 0 || a.KEDA != nil && len(a.KEDA.Triggers) > 0)
}

func mountsPath(mounts []corev1.VolumeMount, path string) bool {
	for _, m := range mounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}
