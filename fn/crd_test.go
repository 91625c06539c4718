package fn_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

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
func TestCRDAcceptsEveryValidConfig(t *testing.T) {
	validator := crdValidator(t)
	configs, _ := filepath.Glob(filepath.Join(testdata, "success", "*", "config.yaml"))
	for _, c := range configs {
		if res := validator.Validate(readObject(t, c)); !res.IsValid() {
			t.Errorf("%s: the CRD rejects a valid config: %v", c, res.Errors)
		}
	}
	for _, c := range []string{"missing-image", "replica-bounds", "gpu-rules", "spec-not-a-map", "wrong-types",
		"service-rules", "pod-field-rules", "deployment-field-rules", "engine-unknown", "keda-settings-bounds", "keda-gpu-without-prometheus", "keda-trigger-rules"} {
		path := filepath.Join(testdata, "error", c, "config.yaml")
		if res := validator.Validate(readObject(t, path)); res.IsValid() {
			t.Errorf("%s: the CRD accepts a config the function rejects", path)
		}
	}
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
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := sigsyaml.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	return obj
}
