package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

func validateGPU(s v1alpha1.MLPipelineSpec, resolved defaults.Settings, spec *field.Path) field.ErrorList {
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
		if _, given := list.items[resolved.GPUResource]; given && resolved.GPUCount > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child("count"),
				fmt.Sprintf("conflicts with %s; set the GPU count in one place",
					spec.Child("resources", list.name).Key(string(resolved.GPUResource)))))
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
