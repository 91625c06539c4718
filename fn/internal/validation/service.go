package validation

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

var serviceTypes = []corev1.ServiceType{corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer}

func validateService(s v1alpha1.MLPipelineSpec, resolved defaults.Settings, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	fldPath := spec.Child("service")
	if svc := s.Service; svc != nil {
		if svc.Type != "" && !slices.Contains(serviceTypes, svc.Type) {
			errs = append(errs, field.NotSupported(fldPath.Child("type"), svc.Type, serviceTypes))
		}
		errs = append(errs, validateGeneratedAnnotations(svc.Annotations, fldPath.Child("annotations"))...)
		if resolved.Service && len(s.Ports) == 0 {
			errs = append(errs, field.Invalid(fldPath.Child("enabled"), true, "a Service needs at least one entry in spec.ports"))
		}
	}
	if resolved.Service && len(s.Ports) > 1 {
		// The API server requires a name on every port of a multi-port Service.
		for i, port := range s.Ports {
			if port.Name == "" {
				errs = append(errs, field.Required(spec.Child("ports").Index(i).Child("name"),
					"when a Service is generated for more than one port, each needs a name"))
			}
		}
	}
	return errs
}
