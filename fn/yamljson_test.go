package fn

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestNodeToJSON(t *testing.T) {
	for in, want := range map[string]string{
		"a: 1":                       `{"a":1}`,
		"a: 0x1F":                    `{"a":31}`,
		"a: 1.5e3":                   `{"a":1500}`,
		"a: '1'":                     `{"a":"1"}`,
		"a: true":                    `{"a":true}`,
		"a: null":                    `{"a":null}`,
		"a: ~":                       `{"a":null}`,
		"a: 2024-01-01":              `{"a":"2024-01-01"}`,
		"a: 500m":                    `{"a":"500m"}`,
		"a: [1, x, {b: c}]":          `{"a":[1,"x",{"b":"c"}]}`,
		"a: \"quote \\\" and \\\\\"": `{"a":"quote \" and \\"}`,
		"x: &v 3\ny: *v":             `{"x":3,"y":3}`,
		"a: 1\na: 2":                 `{"a":1,"a":2}`,
	} {
		node, err := yaml.Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		got, err := nodeToJSON(node)
		if err != nil || string(got) != want {
			t.Errorf("%q: got %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"a: .inf", "<<: {a: 1}", "a: &x [1, *x]",
		"a: &a [1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f]"} {
		node, err := yaml.Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got, err := nodeToJSON(node); err == nil {
			t.Errorf("%q: want an error, got %s", in, got)
		}
	}
}
