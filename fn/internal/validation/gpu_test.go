package validation

import (
	"testing"
)

func TestExtendedResourceName(t *testing.T) {
	for name, valid := range map[string]bool{
		"nvidia.com/gpu":             true,
		"amd.com/gpu":                true,
		"example.com/" + "x":         true,
		"gpu":                        false,
		"kubernetes.io/gpu":          false,
		"node.kubernetes.io/gpu":     false,
		"nvidia.com/":                false,
		"nvidia.com/" + longName(64): false,
	} {
		if got := extendedResourceNameError(name) == ""; got != valid {
			t.Errorf("%q: valid=%v, want %v", name, got, valid)
		}
	}
}
