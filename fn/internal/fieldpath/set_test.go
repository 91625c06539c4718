package fieldpath

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestSet(t *testing.T) {
	invalid := Set{field.NewPath("spec", "volumes").Index(1), field.NewPath("spec", "resources", "requests").Key("cpu")}
	for _, tc := range []struct {
		path         string
		has, covered bool
	}{
		{"spec.volumes", true, false},
		{"spec.volumes[1]", true, true},
		{"spec.volumes[1].name", true, true},
		{"spec.volumes[10]", false, false},
		{"spec.volumeMounts", false, false},
		{"spec", true, false},
		{"spec.resources.requests", true, false},
		{"spec.resources.requests[cpu]", true, true},
		{"spec.resources.requests[cpus]", false, false},
	} {
		p := field.NewPath(tc.path) // a path with one segment prints as given
		if got := invalid.Has(p); got != tc.has {
			t.Errorf("Has(%s) = %v, want %v", tc.path, got, tc.has)
		}
		if got := invalid.Covers(tc.path); got != tc.covered {
			t.Errorf("Covers(%s) = %v, want %v", tc.path, got, tc.covered)
		}
	}
}
