package fn

import (
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// validateServing checks the Service, the annotations, shared memory and the
// container, pod and Deployment fields that are passed through, as the API
// server would check them at apply time.
func validateServing(p *v1alpha1.MLPipeline, resolved settings, spec *field.Path) field.ErrorList {
	s := p.Spec
	var errs field.ErrorList
	errs = append(errs, validateGeneratedAnnotations(s.Annotations, spec.Child("annotations"))...)
	errs = append(errs, validateService(s, resolved, spec)...)
	errs = append(errs, validateInitContainerImages(s, spec)...)
	errs = append(errs, validateSharedMemory(s, resolved, spec)...)
	return errs
}

// validateGeneratedAnnotations checks annotations that go on generated
// objects: valid keys and values, and none of the keys the function and the
// orchestrators keep for their own bookkeeping.
func validateGeneratedAnnotations(annotations map[string]string, fldPath *field.Path) field.ErrorList {
	// apimachinery's rule, the server's, at the field the user wrote: on the
	// generated objects the user's and the function's annotations are one
	// map, whose errors name no key.
	errs := apivalidation.ValidateAnnotations(annotations, fldPath)
	for _, key := range sortedKeys(annotations) {
		if key == OwnerAnnotation {
			errs = append(errs, field.Forbidden(fldPath.Key(key), "is set by the function: pruning and updates rely on it"))
			continue
		}
		for _, prefix := range bookkeepingPrefixes {
			if strings.HasPrefix(key, prefix) {
				errs = append(errs, field.Forbidden(fldPath.Key(key),
					fmt.Sprintf("%s annotations are the orchestrators' bookkeeping (kpt, kustomize), carried over from earlier renders", prefix)))
				break
			}
		}
	}
	return errs
}

var serviceTypes = []corev1.ServiceType{corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer}

func validateService(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	fldPath := spec.Child("service")
	if svc := s.Service; svc != nil {
		if svc.Type != "" && !slices.Contains(serviceTypes, svc.Type) {
			errs = append(errs, field.NotSupported(fldPath.Child("type"), svc.Type, serviceTypes))
		}
		errs = append(errs, validateGeneratedAnnotations(svc.Annotations, fldPath.Child("annotations"))...)
		if resolved.service && len(s.Ports) == 0 {
			errs = append(errs, field.Invalid(fldPath.Child("enabled"), true, "a Service needs at least one entry in spec.ports"))
		}
	}
	if resolved.service && len(s.Ports) > 1 {
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

var pullPolicies = []corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}

// defaultTerminationGracePeriod is the API server's default, in seconds.
const defaultTerminationGracePeriod int64 = 30

// validateInitContainerImages reads each init container's image as the
// main one's: a reference the function can parse (the warnings read it).
func validateInitContainerImages(s v1alpha1.MLPipelineSpec, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range s.InitContainers {
		if c.Image == "" {
			continue
		}
		if _, err := parseImageRef(c.Image); err != nil {
			errs = append(errs, field.Invalid(spec.Child("initContainers").Index(i).Child("image"), c.Image, err.Error()))
		}
	}
	return errs
}

// validateSharedMemory keeps /dev/shm to one owner: spec.sharedMemory, or a
// volume the user mounts there.
func validateSharedMemory(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) field.ErrorList {
	if resolved.sharedMemory == nil {
		return nil
	}
	var errs field.ErrorList
	if resolved.sharedMemory.Sign() <= 0 {
		errs = append(errs, field.Invalid(spec.Child("sharedMemory"), resolved.sharedMemory.String(), "must be more than 0"))
	}
	for i, v := range s.Volumes {
		if v.Name == ShmVolumeName {
			errs = append(errs, field.Invalid(spec.Child("volumes").Index(i).Child("name"), v.Name,
				fmt.Sprintf("is the volume spec.sharedMemory mounts at %s; rename it", ShmMountPath)))
		}
	}
	for i, m := range s.VolumeMounts {
		if m.MountPath == ShmMountPath {
			errs = append(errs, field.Invalid(spec.Child("volumeMounts").Index(i).Child("mountPath"), m.MountPath,
				"is where spec.sharedMemory is mounted; leave out spec.sharedMemory or this mount"))
		}
	}
	return errs
}

var strategyTypes = []appsv1.DeploymentStrategyType{appsv1.RollingUpdateDeploymentStrategyType, appsv1.RecreateDeploymentStrategyType}
