package validation

import (
	"strings"
	"testing"
)

func TestParseImageRef(t *testing.T) {
	digest := "@sha256:" + strings.Repeat("a", 64)
	for _, tc := range []struct {
		ref      string
		valid    bool
		floating bool
	}{
		{"nginx", true, true},
		{"nginx:latest", true, true},
		{"nginx:1.27", true, false},
		{"nginx" + digest, true, false},
		{"nginx:latest" + digest, true, false},
		{"registry.example.com:5000/team/model-server:v1.2.3", true, false},
		{"localhost/mlpipeline-fn:dev", true, false},
		{"[::1]:5000/a/b:c", true, false},
		{"a__b/c-d.e:1", true, false},
		{"", false, false},
		{"Nginx:1", false, false},
		{"nginx:", false, false},
		{"nginx:1 ", false, false},
		{"nginx@sha256:abc", false, false},
		{"-nginx:1", false, false},
		{"nginx:" + strings.Repeat("t", 128), true, false},
		{"nginx:" + strings.Repeat("t", 129), false, false},
		{"nginx@sha256:" + strings.Repeat("0", 32), true, false},
		{"nginx@sha256:" + strings.Repeat("0", 31), false, false},
		{strings.Repeat("a", 256) + ":1", false, false},
	} {
		ref, err := parseImageRef(tc.ref)
		if (err == nil) != tc.valid {
			t.Errorf("%q: valid=%v, want %v (%v)", tc.ref, err == nil, tc.valid, err)
			continue
		}
		if floating, _ := ref.floating(); err == nil && floating != tc.floating {
			t.Errorf("%q: floating=%v, want %v", tc.ref, floating, tc.floating)
		}
	}
}
