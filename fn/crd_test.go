package fn_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	openapierrors "k8s.io/kube-openapi/pkg/validation/errors"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
	"k8s.io/kube-openapi/pkg/validation/validate"
	sigsyaml "sigs.k8s.io/yaml"
)

const crdFile = "../config/crd/mlpipeline.dev_mlpipelines.yaml"

// TestCRDUpToDate regenerates the CRD from the Go types and compares it with
// the committed one (make generate fixes a difference).
func TestCRDUpToDate(t *testing.T) {
	controllerGen := os.Getenv("CONTROLLER_GEN")
	if controllerGen == "" {
		t.Skip("CONTROLLER_GEN is not set; `make test` sets it")
	}
	out := t.TempDir()
	cmd := exec.Command(controllerGen, "crd:crdVersions=v1", "paths=./api/...", "output:crd:artifacts:config="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("controller-gen: %v\n%s", err, b)
	}
	got, err := os.ReadFile(filepath.Join(out, filepath.Base(crdFile)))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(crdFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s is out of date with fn/api; run make generate", crdFile)
	}
}

// TestCRDAcceptsEveryValidConfig keeps the CRD and the function's own
// validation in step: editors and the API server use the CRD, so it must
// accept every config the function accepts and reject what it can express.
//
// The rejected cases are the error fixtures: the CRD's verdict on each
// one's config.yaml is kept in testdata/crd-verdicts.txt (make
// update-golden rewrites it), so a fixture the CRD stops rejecting, or
// starts to, shows in the diff. A rejection must also be at a field the
// function reports, or at spec as a whole: the CRD may not refuse a field
// the function accepts.
func TestCRDAcceptsEveryValidConfig(t *testing.T) {
	validator := crdValidator(t)
	for _, dir := range caseDirs(t, "success") {
		path := filepath.Join(dir, "config.yaml")
		if res := validator.Validate(readObject(t, path)); !res.IsValid() {
			t.Errorf("%s: the CRD rejects a valid config: %v", path, res.Errors)
		}
	}
	var verdicts strings.Builder
	verdicts.WriteString("# The CRD's verdict on each error fixture's config.yaml (TestCRDAcceptsEveryValidConfig; make update-golden rewrites it).\n")
	rejected := 0
	seen := map[string]bool{}
	for _, dir := range caseDirs(t, "error") {
		name := filepath.Base(dir)
		obj, err := readYAMLObject(filepath.Join(dir, "config.yaml"))
		if err != nil {
			fmt.Fprintf(&verdicts, "%s: unread: %v\n", name, err)
			continue
		}
		res := validator.Validate(obj)
		if res.IsValid() {
			fmt.Fprintf(&verdicts, "%s: accepted\n", name)
			continue
		}
		rejected++
		errorsText, err := os.ReadFile(filepath.Join(dir, "errors.txt"))
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, e := range res.Errors {
			found = append(found, e.Error())
			field := crdErrorField(e)
			if field == "" || strings.Contains(string(errorsText), field) {
				continue
			}
			if _, known := crdOnly[name+" "+field]; known {
				seen[name+" "+field] = true
				continue
			}
			t.Errorf("%s: the CRD rejects %s, where the function reports nothing: %v", name, field, e)
		}
		slices.Sort(found)
		fmt.Fprintf(&verdicts, "%s: rejected: %s\n", name, strings.Join(found, "; "))
	}
	for known := range crdOnly {
		if !seen[known] {
			t.Errorf("crdOnly lists %q, which the CRD no longer rejects alone: remove it", known)
		}
	}
	if rejected == 0 {
		t.Errorf("the CRD rejects no error fixture: %s", verdicts.String())
	}
	compareGolden(t, filepath.Join(testdata, "crd-verdicts.txt"), verdicts.String())
}

// crdOnly are the CRD's rejections, by case and field, that the function's
// errors.txt does not show, and why.
var crdOnly = map[string]string{
	// Alone, -1 is refused by the function too ("must be greater than or
	// equal to 0"); beside the case's other errors the server's validation
	// does not report it.
	"pod-field-rules spec.terminationGracePeriodSeconds": "reported only when it is the config's one error",
}

// crdErrorField is the field of a schema error as the function's messages
// write it: spec.resources.requests[cpu] for spec.resources.requests.cpu
// (a map key); "" for an error about the object as a whole (".spec is
// required"), which any error of the function's matches.
func crdErrorField(err error) string {
	var v *openapierrors.Validation
	if !errors.As(err, &v) || v.Name == "" || strings.HasPrefix(v.Name, ".") {
		return ""
	}
	name := v.Name
	for _, m := range []string{".requests.", ".limits.", ".nodeSelector.", ".podLabels.", ".annotations."} {
		if head, key, ok := strings.Cut(name, m); ok {
			name = head + m[:len(m)-1] + "[" + key + "]"
		}
	}
	return name
}

func crdValidator(t *testing.T) *validate.SchemaValidator {
	t.Helper()
	var crd struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema json.RawMessage `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	b, err := os.ReadFile(crdFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := sigsyaml.Unmarshal(b, &crd); err != nil {
		t.Fatal(err)
	}
	var schema spec.Schema
	if err := json.Unmarshal(crd.Spec.Versions[0].Schema.OpenAPIV3Schema, &schema); err != nil {
		t.Fatal(err)
	}
	return validate.NewSchemaValidator(&schema, nil, "", strfmt.Default)
}

func readObject(t *testing.T, path string) map[string]any {
	t.Helper()
	obj, err := readYAMLObject(path)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// readYAMLObject reads a config as kubectl does (sigs.k8s.io/yaml).
func readYAMLObject(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if err := sigsyaml.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	return obj, nil
}
