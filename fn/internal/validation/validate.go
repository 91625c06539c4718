package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/fieldpath"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/serverside"
)

// validate checks every rule of the API and returns all problems at once,
// each at its field's path, as the API server's validation does. skip holds
// the paths whose values could not be decoded: rules that read another
// field do not run while that field is missing for that reason.
func validate(p *v1alpha1.MLPipeline, resolved defaults.Settings, skip fieldpath.Set) field.ErrorList {
	s := p.Spec
	spec := field.NewPath("spec")
	var errs field.ErrorList
	// The order is the order of the messages users read.
	errs = append(errs, validateMetadata(p, field.NewPath("metadata"))...)
	if v := s.KubernetesVersion; v != "" && !serverside.IsSupported(v) {
		errs = append(errs, field.NotSupported(spec.Child("kubernetesVersion"), v, serverside.Versions))
	}
	errs = append(errs, validateContainer(p, resolved, spec)...)
	errs = append(errs, validateContainers(p, resolved)...)
	errs = append(errs, validatePod(p, resolved, spec)...)
	errs = append(errs, validateAutoscaling(p, resolved, spec.Child("autoscaling"), skip)...)
	errs = append(errs, validateGeneratedAnnotations(s.Annotations, spec.Child("annotations"))...)
	errs = append(errs, validateService(s, resolved, spec)...)
	errs = append(errs, validateInitContainerImages(s, spec)...)
	errs = append(errs, validateSharedMemory(s, resolved, spec)...)
	return errs
}
