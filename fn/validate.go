package fn

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/serverside"
)

// validate checks every rule of the API and returns all problems at once,
// each at its field's path, as the API server's validation does. skip holds
// the paths whose values could not be decoded: rules that read another
// field do not run while that field is missing for that reason.
func validate(p *v1alpha1.MLPipeline, resolved settings, skip pathSet) field.ErrorList {
	spec := field.NewPath("spec")
	var errs field.ErrorList
	errs = append(errs, validateMetadata(p, field.NewPath("metadata"))...)
	if v := p.Spec.KubernetesVersion; v != "" && !serverside.IsSupported(v) {
		errs = append(errs, field.NotSupported(spec.Child("kubernetesVersion"), v, serverside.Versions))
	}
	errs = append(errs, validateContainer(p, resolved, spec)...)
	errs = append(errs, validateContainers(p, resolved)...)
	errs = append(errs, validatePod(p, resolved, spec)...)
	errs = append(errs, validateAutoscaling(p, resolved, spec.Child("autoscaling"), skip)...)
	errs = append(errs, validateServing(p, resolved, spec)...)
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
	errs = append(errs, validateGPU(s, resolved, fldPath)...)
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

func validatePod(p *v1alpha1.MLPipeline, resolved settings, fldPath *field.Path) field.ErrorList {
	s := p.Spec
	var errs field.ErrorList
	errs = append(errs, reservedLabelConflicts(p, s.PodLabels, fldPath.Child("podLabels"))...)
	// With autoscaling on, replicas is not emitted: the server never sees it.
	if s.Replicas != nil && *s.Replicas < 0 {
		errs = append(errs, field.Invalid(fldPath.Child("replicas"), *s.Replicas, "must be 0 or more"))
	}
	return append(errs, validateVolumeNames(s, resolved, fldPath)...)
}

// validateVolumeNames keeps the names of the function's own volumes free.
func validateVolumeNames(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, v := range s.Volumes {
		if v.Name == TmpVolumeName && resolved.writableTmp {
			errs = append(errs, field.Invalid(spec.Child("volumes").Index(i).Child("name"), v.Name, fmt.Sprintf(
				"is the writable volume the function mounts at %s; rename it or mount a volume at %s yourself", TmpMountPath, TmpMountPath)))
		}
	}
	return errs
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
