package validation

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

func validatePod(p *v1alpha1.MLPipeline, resolved defaults.Settings, fldPath *field.Path) field.ErrorList {
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
func validateVolumeNames(s v1alpha1.MLPipelineSpec, resolved defaults.Settings, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, v := range s.Volumes {
		if v.Name == defaults.TmpVolumeName && resolved.WritableTmp {
			errs = append(errs, field.Invalid(spec.Child("volumes").Index(i).Child("name"), v.Name, fmt.Sprintf(
				"is the writable volume the function mounts at %s; rename it or mount a volume at %s yourself", defaults.TmpMountPath, defaults.TmpMountPath)))
		}
	}
	return errs
}

// validateSharedMemory keeps /dev/shm to one owner: spec.sharedMemory, or a
// volume the user mounts there.
func validateSharedMemory(s v1alpha1.MLPipelineSpec, resolved defaults.Settings, spec *field.Path) field.ErrorList {
	if resolved.SharedMemory == nil {
		return nil
	}
	var errs field.ErrorList
	if resolved.SharedMemory.Sign() <= 0 {
		errs = append(errs, field.Invalid(spec.Child("sharedMemory"), resolved.SharedMemory.String(), "must be more than 0"))
	}
	for i, v := range s.Volumes {
		if v.Name == defaults.ShmVolumeName {
			errs = append(errs, field.Invalid(spec.Child("volumes").Index(i).Child("name"), v.Name,
				fmt.Sprintf("is the volume spec.sharedMemory mounts at %s; rename it", defaults.ShmMountPath)))
		}
	}
	for i, m := range s.VolumeMounts {
		if m.MountPath == defaults.ShmMountPath {
			errs = append(errs, field.Invalid(spec.Child("volumeMounts").Index(i).Child("mountPath"), m.MountPath,
				"is where spec.sharedMemory is mounted; leave out spec.sharedMemory or this mount"))
		}
	}
	return errs
}
