package fn

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// validate checks every rule of the API and returns all problems at once,
// each at its field's path, as the API server's validation does. skip holds
// the paths whose values could not be decoded: rules that read another
// field do not run while that field is missing for that reason.
func validate(p *v1alpha1.MLPipeline, resolved settings, skip pathSet) field.ErrorList {
	spec := field.NewPath("spec")
	var errs field.ErrorList
	errs = append(errs, validateMetadata(p, field.NewPath("metadata"))...)
	errs = append(errs, validateContainer(p, resolved, spec)...)
	errs = append(errs, validatePod(p, resolved, spec, skip)...)
	errs = append(errs, validatePassThrough(p.Spec, resolved, spec)...)
	errs = append(errs, validateAutoscaling(p, resolved, spec.Child("autoscaling"), skip)...)
	errs = append(errs, validatePDB(p.Spec.PodDisruptionBudget, spec.Child("podDisruptionBudget"))...)
	errs = append(errs, validateServing(p, resolved, spec, skip)...)
	return errs
}

func validateMetadata(p *v1alpha1.MLPipeline, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if p.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), ""))
	} else {
		errs = append(errs, dns1123Label(fldPath.Child("name"), p.Name)...)
	}
	if p.Namespace != "" {
		errs = append(errs, dns1123Label(fldPath.Child("namespace"), p.Namespace)...)
	}
	errs = append(errs, inOrder(metav1validation.ValidateLabels(p.Labels, fldPath.Child("labels")))...)
	errs = append(errs, reservedLabelConflicts(p, p.Labels, fldPath.Child("labels"))...)
	return errs
}

func validateContainer(p *v1alpha1.MLPipeline, resolved settings, fldPath *field.Path) field.ErrorList {
	s := p.Spec
	var errs field.ErrorList
	if s.Image == "" {
		errs = append(errs, field.Required(fldPath.Child("image"), ""))
	} else if _, err := parseImageRef(s.Image); err != nil {
		errs = append(errs, field.Invalid(fldPath.Child("image"), s.Image, err.Error()))
	}
	if s.ContainerName != "" {
		errs = append(errs, dns1123Label(fldPath.Child("containerName"), s.ContainerName)...)
	}
	errs = append(errs, validateEnv(s.Env, fldPath.Child("env"))...)
	errs = append(errs, validatePorts(s.Ports, fldPath.Child("ports"))...)
	errs = append(errs, validateResources(s.Resources, fldPath.Child("resources"))...)
	errs = append(errs, validateGPU(s, resolved, fldPath)...)
	return errs
}

func validateEnv(env []corev1.EnvVar, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, e := range env {
		name := fldPath.Index(i).Child("name")
		switch {
		case e.Name == "":
			errs = append(errs, field.Required(name, ""))
		case seen[e.Name]:
			errs = append(errs, field.Duplicate(name, e.Name))
		default:
			seen[e.Name] = true
		}
	}
	return errs
}

func validatePorts(ports []corev1.ContainerPort, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seenName := map[string]bool{}
	seenNumber := map[string]bool{}
	for i, port := range ports {
		idxPath := fldPath.Index(i)
		errs = append(errs, portNumber(port.ContainerPort, true, idxPath.Child("containerPort"))...)
		errs = append(errs, portNumber(port.HostPort, false, idxPath.Child("hostPort"))...)
		// The API server warns about a port number given twice for the same protocol.
		protocol := port.Protocol
		if protocol == "" {
			protocol = corev1.ProtocolTCP
		}
		number := fmt.Sprintf("%d/%s", port.ContainerPort, protocol)
		if seenNumber[number] {
			errs = append(errs, field.Duplicate(idxPath.Child("containerPort"), number))
		}
		seenNumber[number] = true
		if port.Name == "" {
			continue
		}
		errs = append(errs, invalidFor(idxPath.Child("name"), port.Name, validation.IsValidPortName(port.Name))...)
		if seenName[port.Name] {
			errs = append(errs, field.Duplicate(idxPath.Child("name"), port.Name))
		}
		seenName[port.Name] = true
	}
	return errs
}

func validateGPU(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) field.ErrorList {
	if s.GPU == nil {
		return nil
	}
	fldPath := spec.Child("gpu")
	var errs field.ErrorList
	if s.GPU.Count < 0 {
		errs = append(errs, field.Invalid(fldPath.Child("count"), s.GPU.Count, "must be 0 or more"))
	}
	if s.GPU.ResourceName != "" {
		if msg := extendedResourceNameError(s.GPU.ResourceName); msg != "" {
			errs = append(errs, field.Invalid(fldPath.Child("resourceName"), s.GPU.ResourceName, msg))
		}
	}
	for _, list := range []struct {
		name  string
		items corev1.ResourceList
	}{{"limits", s.Resources.Limits}, {"requests", s.Resources.Requests}} {
		if _, given := list.items[resolved.gpuResource]; given && resolved.gpuCount > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child("count"),
				fmt.Sprintf("conflicts with %s; set the GPU count in one place",
					spec.Child("resources", list.name).Key(string(resolved.gpuResource)))))
		}
	}
	return errs
}

// extendedResourceNameError applies the API server's rule: a domain-prefixed
// name outside kubernetes.io, usable as a resource quota key.
func extendedResourceNameError(name string) string {
	domain, _, found := strings.Cut(name, "/")
	switch {
	case !found:
		return "must be domain-prefixed, like nvidia.com/gpu"
	case domain == "kubernetes.io" || strings.HasSuffix(domain, ".kubernetes.io"):
		return "must not be in the kubernetes.io domain"
	}
	if msgs := validation.IsQualifiedName(name); len(msgs) > 0 {
		return strings.Join(msgs, "; ")
	}
	if msgs := validation.IsQualifiedName("requests." + name); len(msgs) > 0 {
		return "is too long to be used as a resource quota key"
	}
	return ""
}

func validatePod(p *v1alpha1.MLPipeline, resolved settings, fldPath *field.Path, skip pathSet) field.ErrorList {
	s := p.Spec
	var errs field.ErrorList
	errs = append(errs, inOrder(metav1validation.ValidateLabels(s.PodLabels, fldPath.Child("podLabels")))...)
	errs = append(errs, reservedLabelConflicts(p, s.PodLabels, fldPath.Child("podLabels"))...)
	errs = append(errs, inOrder(apivalidation.ValidateAnnotations(s.PodAnnotations, fldPath.Child("podAnnotations")))...)
	if s.ServiceAccountName != "" {
		errs = append(errs, invalidFor(fldPath.Child("serviceAccountName"), s.ServiceAccountName, validation.IsDNS1123Subdomain(s.ServiceAccountName))...)
	}
	if s.Replicas != nil && *s.Replicas < 0 {
		errs = append(errs, field.Invalid(fldPath.Child("replicas"), *s.Replicas, "must be 0 or more"))
	}
	errs = append(errs, validateVolumes(s, resolved, fldPath, skip)...)
	return append(errs, validateTolerations(s.Tolerations, fldPath.Child("tolerations"))...)
}

// validateVolumes checks volume names and that every mount names a declared
// volume once its path is free.
func validateVolumes(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path, skip pathSet) field.ErrorList {
	var errs field.ErrorList
	volumes := map[string]bool{}
	for i, v := range s.Volumes {
		name := spec.Child("volumes").Index(i).Child("name")
		if v.Name == "" {
			errs = append(errs, field.Required(name, ""))
			continue
		}
		errs = append(errs, dns1123Label(name, v.Name)...)
		if volumes[v.Name] {
			errs = append(errs, field.Duplicate(name, v.Name))
		}
		if v.Name == TmpVolumeName && resolved.writableTmp {
			errs = append(errs, field.Invalid(name, v.Name, fmt.Sprintf(
				"is the writable volume the function mounts at %s; rename it or mount a volume at %s yourself", TmpMountPath, TmpMountPath)))
		}
		volumes[v.Name] = true
	}
	return append(errs, validateMounts(s.VolumeMounts, volumes, skip.has(spec.Child("volumes")), spec.Child("volumeMounts"))...)
}

// validateMounts checks a container's mounts: each names a declared volume
// (unless spec.volumes could not be decoded) at a path of its own.
func validateMounts(mounts []corev1.VolumeMount, volumes map[string]bool, volumesInvalid bool, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	mountPaths := map[string]bool{}
	for i, m := range mounts {
		idxPath := fldPath.Index(i)
		if !volumes[m.Name] && !volumesInvalid {
			errs = append(errs, field.Invalid(idxPath.Child("name"), m.Name, "is not declared in spec.volumes"))
		}
		switch {
		case m.MountPath == "":
			errs = append(errs, field.Required(idxPath.Child("mountPath"), ""))
		case mountPaths[m.MountPath]:
			errs = append(errs, field.Duplicate(idxPath.Child("mountPath"), m.MountPath))
		default:
			mountPaths[m.MountPath] = true
		}
	}
	return errs
}

// validateTolerations checks what the API server would reject at apply
// time: an unknown operator or effect, a value with Exists, a key missing
// with Equal.
func validateTolerations(tolerations []corev1.Toleration, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, t := range tolerations {
		idxPath := fldPath.Index(i)
		switch t.Operator {
		case corev1.TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, field.Invalid(idxPath.Child("value"), t.Value, "must be empty when operator is Exists"))
			}
		case "", corev1.TolerationOpEqual:
			if t.Key == "" {
				errs = append(errs, field.Required(idxPath.Child("key"), "unless operator is Exists"))
			}
		default:
			errs = append(errs, field.NotSupported(idxPath.Child("operator"), t.Operator,
				[]corev1.TolerationOperator{corev1.TolerationOpExists, corev1.TolerationOpEqual}))
		}
		switch t.Effect {
		case "", corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			errs = append(errs, field.NotSupported(idxPath.Child("effect"), t.Effect,
				[]corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute}))
		}
		if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
			errs = append(errs, field.Forbidden(idxPath.Child("tolerationSeconds"), "only used with effect NoExecute"))
		}
		if t.Key != "" {
			errs = append(errs, invalidFor(idxPath.Child("key"), t.Key, validation.IsQualifiedName(t.Key))...)
		}
	}
	return errs
}

func validatePDB(b *v1alpha1.PodDisruptionBudgetSpec, fldPath *field.Path) field.ErrorList {
	if b == nil {
		return nil
	}
	var errs field.ErrorList
	if b.MinAvailable != nil && b.MaxUnavailable != nil {
		errs = append(errs, field.Forbidden(fldPath.Child("minAvailable"), "set minAvailable or maxUnavailable, not both"))
	}
	errs = append(errs, intOrPercent(b.MinAvailable, fldPath.Child("minAvailable"))...)
	errs = append(errs, intOrPercent(b.MaxUnavailable, fldPath.Child("maxUnavailable"))...)
	return errs
}

func intOrPercent(v *intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	if v == nil {
		return nil
	}
	if v.Type == intstr.Int {
		if v.IntVal < 0 {
			return field.ErrorList{field.Invalid(fldPath, v.IntVal, "must be 0 or more")}
		}
		return nil
	}
	var pct int
	if _, err := fmt.Sscanf(v.StrVal, "%d%%", &pct); err != nil || fmt.Sprintf("%d%%", pct) != v.StrVal || pct < 0 || pct > 100 {
		return field.ErrorList{field.Invalid(fldPath, v.StrVal, "must be a whole number or a percentage from 0% to 100%")}
	}
	return nil
}

func reservedLabelConflicts(p *v1alpha1.MLPipeline, labels map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	reserved := reservedLabels(p)
	for _, key := range sortedKeys(labels) {
		if want, ok := reserved[key]; ok && labels[key] != want {
			errs = append(errs, field.Invalid(fldPath.Key(key), labels[key],
				fmt.Sprintf("is set by the function to %q (the selector and ownership rely on it)", want)))
		}
	}
	return errs
}

func dns1123Label(fldPath *field.Path, value string) field.ErrorList {
	return invalidFor(fldPath, value, validation.IsDNS1123Label(value))
}

// invalidFor turns the messages of one of apimachinery's IsXxx checks of
// value into errors at fldPath.
func invalidFor(fldPath *field.Path, value string, msgs []string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range msgs {
		errs = append(errs, field.Invalid(fldPath, value, msg))
	}
	return errs
}

func portNumber(port int32, required bool, fldPath *field.Path) field.ErrorList {
	if port == 0 && !required {
		return nil
	}
	if port < 1 || port > 65535 {
		return field.ErrorList{field.Invalid(fldPath, port, "must be 1 to 65535")}
	}
	return nil
}
