package validation

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
)

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

func reservedLabelConflicts(p *v1alpha1.MLPipeline, labels map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	reserved := objects.ReservedLabels(p)
	for _, key := range slices.Sorted(maps.Keys(labels)) {
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

// inOrder sorts the errors of one validation over a map (labels,
// annotations, a node selector), which come in Go's random map order, by
// field, bad value and detail, so that the same input always gives the
// same messages in the same order.
func inOrder(errs field.ErrorList) field.ErrorList {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		if va, vb := fmt.Sprint(a.BadValue), fmt.Sprint(b.BadValue); va != vb {
			return va < vb
		}
		return a.Detail < b.Detail
	})
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
	for _, key := range slices.Sorted(maps.Keys(annotations)) {
		if key == v1alpha1.OwnerAnnotation {
			errs = append(errs, field.Forbidden(fldPath.Key(key), "is set by the function: pruning and updates rely on it"))
			continue
		}
		for _, prefix := range v1alpha1.BookkeepingPrefixes {
			if strings.HasPrefix(key, prefix) {
				errs = append(errs, field.Forbidden(fldPath.Key(key),
					fmt.Sprintf("%s annotations are the orchestrators' bookkeeping (kpt, kustomize), carried over from earlier renders", prefix)))
				break
			}
		}
	}
	return errs
}
