package fn

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/serverside"
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

// settings are the effective values of one pipeline after defaulting; the
// builders read them instead of re-deriving defaults.
type settings struct {
	// kubernetesVersion is the Kubernetes minor the pipeline is checked for.
	kubernetesVersion string

	containerName string
	gpuResource   corev1.ResourceName
	gpuCount      int32

	autoscaling bool
	// engine is hpa or keda: what autoscaling emits.
	engine       v1alpha1.AutoscalingEngine
	minReplicas  int32
	maxReplicas  int32
	targetCPU    *int32
	targetMemory *int32
	// defaultCPUTarget says targetCPU is the default, not the user's.
	defaultCPUTarget bool
	// gpuMetricName is the metric of spec.autoscaling.gpu, when it is set.
	gpuMetricName string
	// objectOrExternalMetric says the HPA has an Object or External metric,
	// which Kubernetes requires before minReplicas may be 0.
	objectOrExternalMetric bool
	replicas               int32

	pdb               bool
	pdbMinAvailable   *intstr.IntOrString
	pdbMaxUnavailable *intstr.IntOrString

	defaultSpread       bool
	defaultAntiAffinity bool

	podSecurityContext *corev1.PodSecurityContext
	automountToken     bool
	// main is the resolved container, initContainers the resolved
	// spec.initContainers, in order.
	main           containerDefaults
	initContainers []containerDefaults
	// writableTmp says the tmp emptyDir is added: some container has a
	// read-only root filesystem and mounts nothing at /tmp itself.
	writableTmp bool
	// sharedMemory is the size of the /dev/shm emptyDir, when there is one.
	sharedMemory *resource.Quantity

	// service says a Service is generated, of serviceType.
	service     bool
	serviceType corev1.ServiceType
}

// containerDefaults are the defaults resolved for one container.
type containerDefaults struct {
	securityContext *corev1.SecurityContext
	// tmpMount says the container gets the tmp emptyDir at /tmp.
	tmpMount bool
	// home says the container gets HOME=/tmp, first in its env.
	home bool
}

// resolve fills in every default of the API. kubernetesVersion is the
// run's default for spec.kubernetesVersion (the --kubernetes-version flag).
func resolve(p *v1alpha1.MLPipeline, kubernetesVersion string) settings {
	s := p.Spec
	out := settings{
		kubernetesVersion: s.KubernetesVersion,
		containerName:     s.ContainerName,
		gpuResource:       DefaultGPUResourceName,
		autoscaling:       true,
		engine:            v1alpha1.EngineHPA,
		minReplicas:       DefaultMinReplicas,
		replicas:          DefaultReplicas,
		pdb:               true,
	}
	if out.containerName == "" {
		out.containerName = p.Name
	}
	if out.kubernetesVersion == "" {
		out.kubernetesVersion = kubernetesVersion
	}
	if out.kubernetesVersion == "" {
		out.kubernetesVersion = serverside.DefaultVersion
	}
	if s.GPU != nil {
		out.gpuCount = s.GPU.Count
		if s.GPU.ResourceName != "" {
			out.gpuResource = corev1.ResourceName(s.GPU.ResourceName)
		}
	}
	if s.Replicas != nil {
		out.replicas = *s.Replicas
	}
	if a := s.Autoscaling; a != nil {
		out.autoscaling = ptr.Deref(a.Enabled, true)
		if a.Engine != "" {
			out.engine = a.Engine
		}
		out.minReplicas = ptr.Deref(a.MinReplicas, DefaultMinReplicas)
		out.maxReplicas = a.MaxReplicas
		out.targetCPU = a.TargetCPUUtilizationPercentage
		out.targetMemory = a.TargetMemoryUtilizationPercentage
		if a.GPU != nil {
			out.gpuMetricName = a.GPU.MetricName
			if out.gpuMetricName == "" {
				out.gpuMetricName = DefaultGPUMetricName
			}
		}
		out.objectOrExternalMetric = a.Queue != nil
		for _, m := range a.Metrics {
			if m.Type == autoscalingv2.ObjectMetricSourceType || m.Type == autoscalingv2.ExternalMetricSourceType {
				out.objectOrExternalMetric = true
			}
		}
	}
	if out.targetCPU == nil && out.targetMemory == nil && !hasMetricPresets(s.Autoscaling) {
		out.targetCPU = ptr.To(DefaultTargetCPU)
		out.defaultCPUTarget = true
	}

	if b := s.PodDisruptionBudget; b != nil {
		out.pdb = ptr.Deref(b.Enabled, true)
		out.pdbMinAvailable = b.MinAvailable
		out.pdbMaxUnavailable = b.MaxUnavailable
	}
	if out.pdbMinAvailable == nil && out.pdbMaxUnavailable == nil {
		out.pdbMaxUnavailable = ptr.To(intstr.FromInt32(1))
	}

	spread := s.Spread == nil || ptr.Deref(s.Spread.Enabled, true)
	out.defaultSpread = spread && s.TopologySpreadConstraints == nil
	out.defaultAntiAffinity = spread && s.Affinity == nil

	out.podSecurityContext = s.PodSecurityContext
	if out.podSecurityContext == nil {
		out.podSecurityContext = &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			RunAsUser:      ptr.To(DefaultRunAsID),
			RunAsGroup:     ptr.To(DefaultRunAsID),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		}
	}
	out.automountToken = ptr.Deref(s.AutomountServiceAccountToken, s.ServiceAccountName != "")
	out.main = resolveContainer(s.SecurityContext, s.Env, s.VolumeMounts)
	out.writableTmp = out.main.tmpMount
	for _, c := range s.InitContainers {
		d := resolveContainer(c.SecurityContext, c.Env, c.VolumeMounts)
		out.initContainers = append(out.initContainers, d)
		out.writableTmp = out.writableTmp || d.tmpMount
	}
	out.sharedMemory = s.SharedMemory

	out.serviceType = corev1.ServiceTypeClusterIP
	out.service = len(s.Ports) > 0
	if svc := s.Service; svc != nil {
		out.service = ptr.Deref(svc.Enabled, out.service)
		if svc.Type != "" {
			out.serviceType = svc.Type
		}
	}
	return out
}

// resolveContainer gives a container (the pipeline's or an init container)
// the hardened security context unless it has its own, and, while its root
// filesystem is read-only, a writable /tmp and HOME=/tmp unless it provides
// them itself.
func resolveContainer(sc *corev1.SecurityContext, env []corev1.EnvVar, mounts []corev1.VolumeMount) containerDefaults {
	if sc == nil {
		sc = &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.To(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			ReadOnlyRootFilesystem:   ptr.To(true),
		}
	}
	readOnly := ptr.Deref(sc.ReadOnlyRootFilesystem, false)
	return containerDefaults{
		securityContext: sc,
		tmpMount:        readOnly && !mountsPath(mounts, TmpMountPath),
		home:            readOnly && !setsEnv(env, HomeEnv),
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
