package objects

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

const hostnameTopologyKey = "kubernetes.io/hostname"

// podTemplate builds the pod template shared by the Deployment's pods.
func podTemplate(p *v1alpha1.MLPipeline, resolved defaults.Settings) corev1.PodTemplateSpec {
	s := p.Spec
	spec := corev1.PodSpec{
		InitContainers:                initContainers(s.InitContainers, resolved),
		Containers:                    []corev1.Container{container(p, resolved)},
		NodeSelector:                  s.NodeSelector,
		Tolerations:                   tolerations(s, resolved),
		Affinity:                      s.Affinity,
		TopologySpreadConstraints:     s.TopologySpreadConstraints,
		ServiceAccountName:            s.ServiceAccountName,
		AutomountServiceAccountToken:  &resolved.AutomountToken,
		ImagePullSecrets:              s.ImagePullSecrets,
		SecurityContext:               resolved.PodSecurityContext,
		Volumes:                       s.Volumes,
		TerminationGracePeriodSeconds: s.TerminationGracePeriodSeconds,
		PriorityClassName:             s.PriorityClassName,
		RuntimeClassName:              s.RuntimeClassName,
		ResourceClaims:                s.ResourceClaims,
	}
	// The defaults select the pipeline's own pods, so replicas spread over
	// nodes and one node's loss never takes all of them.
	selector := &metav1.LabelSelector{MatchLabels: selectorLabels(p)}
	if resolved.DefaultSpread {
		spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{
			MaxSkew:           1,
			TopologyKey:       hostnameTopologyKey,
			WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector:     selector,
			// Only the pods of the same revision count, so that during a
			// rollout the new pods spread among themselves too.
			MatchLabelKeys: []string{defaults.PodTemplateHashLabel},
		}}
	}
	if resolved.DefaultAntiAffinity {
		spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
				Weight: 100,
				PodAffinityTerm: corev1.PodAffinityTerm{
					TopologyKey:   hostnameTopologyKey,
					LabelSelector: selector,
				},
			}},
		}}
	}
	var added []corev1.Volume
	if resolved.WritableTmp {
		added = append(added, corev1.Volume{
			Name:         defaults.TmpVolumeName,
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}},
		})
	}
	if resolved.SharedMemory != nil {
		size := resolved.SharedMemory.DeepCopy()
		added = append(added, corev1.Volume{
			Name: defaults.ShmVolumeName,
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{
				Medium: corev1.StorageMediumMemory, SizeLimit: &size,
			}},
		})
	}
	if len(added) > 0 {
		spec.Volumes = append(append([]corev1.Volume(nil), s.Volumes...), added...)
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: podLabels(p), Annotations: s.PodAnnotations},
		Spec:       spec,
	}
}

func container(p *v1alpha1.MLPipeline, resolved defaults.Settings) corev1.Container {
	s := p.Spec
	c := corev1.Container{
		Name:            resolved.ContainerName,
		Image:           s.Image,
		Command:         s.Command,
		Args:            s.Args,
		WorkingDir:      s.WorkingDir,
		Ports:           s.Ports,
		EnvFrom:         s.EnvFrom,
		Env:             s.Env,
		Resources:       containerResources(s.Resources, resolved),
		VolumeMounts:    s.VolumeMounts,
		ReadinessProbe:  s.ReadinessProbe,
		LivenessProbe:   s.LivenessProbe,
		StartupProbe:    s.StartupProbe,
		Lifecycle:       s.Lifecycle,
		ImagePullPolicy: s.ImagePullPolicy,
	}
	c = withDefaults(c, resolved.Main)
	if resolved.SharedMemory != nil {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: defaults.ShmVolumeName, MountPath: defaults.ShmMountPath})
	}
	return c
}

// initContainers are the user's init containers and native sidecars, with
// the same defaults as the pipeline's container.
func initContainers(cs []corev1.Container, resolved defaults.Settings) []corev1.Container {
	if len(cs) == 0 {
		return nil
	}
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i] = withDefaults(c, resolved.InitContainers[i])
	}
	return out
}

// IsSidecar says an init container is a native sidecar: it runs beside the
// main container for the pod's life (restartPolicy Always).
func IsSidecar(c corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// withDefaults applies a container's resolved defaults without changing the
// user's slices: the security context, HOME=/tmp first in env (so that the
// user's variables can refer to $(HOME)), and the /tmp mount.
func withDefaults(c corev1.Container, d defaults.Container) corev1.Container {
	c.SecurityContext = d.SecurityContext
	if d.Home {
		c.Env = append([]corev1.EnvVar{{Name: defaults.HomeEnv, Value: defaults.TmpMountPath}}, c.Env...)
	}
	if d.TmpMount {
		c.VolumeMounts = append(append([]corev1.VolumeMount(nil), c.VolumeMounts...), corev1.VolumeMount{
			Name: defaults.TmpVolumeName, MountPath: defaults.TmpMountPath,
		})
	} else {
		c.VolumeMounts = append([]corev1.VolumeMount(nil), c.VolumeMounts...)
	}
	return c
}

// containerResources adds the GPU limit to the user's resources without
// changing the user's maps.
func containerResources(r corev1.ResourceRequirements, resolved defaults.Settings) corev1.ResourceRequirements {
	if resolved.GPUCount <= 0 {
		return r
	}
	limits := corev1.ResourceList{}
	for k, v := range r.Limits {
		limits[k] = v
	}
	limits[resolved.GPUResource] = *resource.NewQuantity(int64(resolved.GPUCount), resource.DecimalSI)
	r.Limits = limits
	return r
}

// tolerations lets GPU pods onto nodes tainted for the GPU resource, as GPU
// node pools usually are.
func tolerations(s v1alpha1.MLPipelineSpec, resolved defaults.Settings) []corev1.Toleration {
	if resolved.GPUCount <= 0 {
		return s.Tolerations
	}
	gpu := corev1.Toleration{
		Key:      string(resolved.GPUResource),
		Operator: corev1.TolerationOpExists,
		Effect:   corev1.TaintEffectNoSchedule,
	}
	for _, t := range s.Tolerations {
		if covers(t, gpu) {
			return s.Tolerations
		}
	}
	return append(append([]corev1.Toleration(nil), s.Tolerations...), gpu)
}

// covers reports whether the user's toleration t already tolerates every
// taint that want (an Exists toleration) does, so want would only repeat it:
// Exists on the same key or on every key, for the same effect or for all.
func covers(t, want corev1.Toleration) bool {
	return t.Operator == corev1.TolerationOpExists &&
		(t.Key == want.Key || t.Key == "") &&
		(t.Effect == want.Effect || t.Effect == "")
}
