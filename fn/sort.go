package fn

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Map iteration order is random; results and errors must not be.

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedResourceNames(list corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(list))
	for k := range list {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
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
