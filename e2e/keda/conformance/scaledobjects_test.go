package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the function's repository, two levels above this module.
const repoRoot = "../../.."

// renderedEnv names a directory of the function's output to check as well:
// e2e/keda/run.sh renders its pipelines there and runs this test on them.
const renderedEnv = "KEDA_E2E_RENDERED"

// TestGeneratedScaledObjects: every ScaledObject the function generates (the
// golden outputs of testdata/success, and the e2e pipelines' output when
// $KEDA_E2E_RENDERED names it) decodes strictly into KEDA's type and passes
// KEDA's cluster-free validation.
func TestGeneratedScaledObjects(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "testdata/success/*/expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv(renderedEnv); dir != "" {
		rendered, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rendered) == 0 {
			t.Fatalf("$%s=%s holds no *.yaml", renderedEnv, dir)
		}
		files = append(files, rendered...)
	}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sos, err := ScaledObjects(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, so := range sos {
			if err := Validate(so); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			checked++
		}
	}
	// Without a ScaledObject to check this test would pass on nothing.
	if checked == 0 {
		t.Fatalf("no ScaledObject in %d files (testdata/success/*/expected.yaml, $%s)", len(files), renderedEnv)
	}
	t.Logf("%d ScaledObjects in %d files decode strictly into KEDA's v1alpha1.ScaledObject and pass its validation", checked, len(files))
}

// TestNegativeControls: the hand-written ScaledObjects of ../negative are
// refused, each at the check it was written to fail, so the checks above can
// fail.
func TestNegativeControls(t *testing.T) {
	for _, tc := range []struct {
		file, want string
	}{
		{"misspelt-field.yaml", `unknown field "spec.minReplicaCont"`},
		{"idle-not-below-min.yaml", "IdleReplicaCount=1 must be less than MinReplicaCount=1"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../negative", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			sos, err := ScaledObjects(data)
			if err == nil {
				if len(sos) != 1 {
					t.Fatalf("got %d ScaledObjects, want 1", len(sos))
				}
				err = Validate(sos[0])
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestScaledObjectsStream: objects of other kinds are skipped, a ScaledObject
// of another API version and a value of the wrong type are refused.
func TestScaledObjectsStream(t *testing.T) {
	for _, tc := range []struct {
		name, stream, wantErr string
		want                  int
	}{
		{name: "other kinds skipped", stream: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {name: a}\n  triggers: [{type: cpu, metricType: Utilization, metadata: {value: \"50\"}}]\n", want: 1},
		{name: "wrong version", stream: "apiVersion: keda.sh/v1beta1\nkind: ScaledObject\nmetadata: {name: a}\n", wantErr: `apiVersion "keda.sh/v1beta1"`},
		{name: "wrong type", stream: "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {name: a}\n  maxReplicaCount: \"5\"\n", wantErr: "cannot unmarshal string"},
		{name: "duplicate field", stream: "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {name: a}\n  maxReplicaCount: 5\n  maxReplicaCount: 6\n", wantErr: `already set in map`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sos, err := ScaledObjects([]byte(tc.stream))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(sos) != tc.want {
				t.Fatalf("got %d ScaledObjects, error %v; want %d", len(sos), err, tc.want)
			}
		})
	}
}
