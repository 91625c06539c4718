package yamlnode

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

func TestNodeToJSON(t *testing.T) {
	for in, want := range map[string]string{
		"a: 1":                                  `{"a":1}`,
		"a: 0x1F":                               `{"a":31}`,
		"a: 1.5e3":                              `{"a":1500}`,
		"a: '1'":                                `{"a":"1"}`,
		"a: true":                               `{"a":true}`,
		"a: null":                               `{"a":null}`,
		"a: ~":                                  `{"a":null}`,
		"a: 2024-01-01":                         `{"a":"2024-01-01"}`,
		"a: 500m":                               `{"a":"500m"}`,
		"a: [1, x, {b: c}]":                     `{"a":[1,"x",{"b":"c"}]}`,
		"a: \"quote \\\" and \\\\\"":            `{"a":"quote \" and \\"}`,
		"x: &v 3\ny: *v":                        `{"x":3,"y":3}`,
		"a: 1\na: 2":                            `{"a":1,"a":2}`,
		"<<: {a: 1}":                            `{"a":1}`,
		"'<<': {a: 1}":                          `{"\u003c\u003c":{"a":1}}`,
		"d: &d {a: 1, b: 2}\ne: {<<: *d, b: 3}": `{"d":{"a":1,"b":2},"e":{"b":3,"a":1}}`,
		"e: {b: 3, <<: {a: 1, b: 2}}":           `{"e":{"b":3,"a":1}}`,
		"e: {<<: [{a: 1}, {a: 2, c: 3}]}":       `{"e":{"a":1,"c":3}}`,
		"e: {<<: {<<: {a: 1}, b: 2}}":           `{"e":{"b":2,"a":1}}`,
	} {
		node, err := yaml.Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		got, err := ToJSON(node)
		if err != nil || string(got) != want {
			t.Errorf("%q: got %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"a: .inf", "<<: 5", "<<: {a: 1}\n<<: {b: 2}", "<<: [{a: 1}, x]", "a: &x {<<: *x}", "a: &x [1, *x]",
		"a: &a [1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f]"} {
		node, err := yaml.Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got, err := ToJSON(node); err == nil {
			t.Errorf("%q: want an error, got %s", in, got)
		}
	}
}

// Merge keys are read as kubectl reads them (sigs.k8s.io/yaml), in every
// success fixture that has them.
func TestMergeKeysReadAsKubectlDoes(t *testing.T) {
	files, _ := filepath.Glob("../../../testdata/success/*/config.yaml")
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		node, err := yaml.Parse(string(data))
		if err != nil || !hasMergeKeyAnywhere(node.YNode()) {
			continue
		}
		checked++
		ours, err := ToJSON(node)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		kubectl, err := sigsyaml.YAMLToJSON(data)
		if err != nil {
			t.Fatalf("%s: sigs.k8s.io/yaml: %v", f, err)
		}
		var a, b any
		if json.Unmarshal(ours, &a) != nil || json.Unmarshal(kubectl, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: read as\n%s\nkubectl reads\n%s", f, ours, kubectl)
		}
	}
	if checked == 0 {
		t.Fatal("no fixture with merge keys")
	}
}

func hasMergeKeyAnywhere(n *yaml.Node) bool {
	if n.Kind == yaml.MappingNode && hasMergeKey(n) {
		return true
	}
	for _, c := range n.Content {
		if hasMergeKeyAnywhere(c) {
			return true
		}
	}
	return false
}

// Merge keys are read as kustomize reads them (kyaml's DeAnchor, which
// kustomize applies before the function sees a config), so that every mode
// agrees, also where an explicit key comes before the merge key.
func TestMergeKeysReadAsKustomizeDoes(t *testing.T) {
	for _, in := range []string{
		"d: &d {a: 1, b: 2}\ne: {<<: *d, b: 3}",
		"e: {b: 3, <<: {a: 1, b: 2}}",
		"e: {<<: [{a: 1}, {a: 2, c: 3}]}",
		"e: {<<: {<<: {a: 1}, b: 2}}",
		"d: &d {a: 1}\ne: {<<: [*d, {a: 2, b: 2}], c: 3}",
	} {
		ours, err := ToJSON(yaml.MustParse(in))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		kustomized := yaml.MustParse(in)
		if err := kustomized.DeAnchor(); err != nil {
			t.Fatalf("%q: DeAnchor: %v", in, err)
		}
		theirs, err := ToJSON(kustomized)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if json.Unmarshal(ours, &a) != nil || json.Unmarshal(theirs, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%q: read as %s, kustomize reads %s", in, ours, theirs)
		}
	}
}
