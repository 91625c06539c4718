package fn_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn"
)

// TestNonGeneratedItemsAreByteIdentical is a property test: whatever other
// objects surround MLPipelines, each comes out exactly as it went in,
// comments included.
func TestNonGeneratedItemsAreByteIdentical(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for run := range 50 {
		var docs []string
		for i := range 1 + rng.Intn(12) {
			docs = append(docs, randomObject(rng, run, i))
		}
		pipeline := fmt.Sprintf(pipelineTemplate, run)
		at := rng.Intn(len(docs) + 1)
		input := append(append(append([]string(nil), docs[:at]...), pipeline), docs[at:]...)

		out := runStandalone(t, pipeline, strings.Join(input, "---\n"))
		got := map[string]bool{}
		for _, doc := range strings.Split(out, "---\n") {
			got[doc] = true
		}
		for _, doc := range append(docs, pipeline) {
			if !got[doc] {
				t.Fatalf("run %d: item changed or lost:\n%s\noutput:\n%s", run, doc, out)
			}
		}
		if n := strings.Count(out, "---\n") + 1; n != len(docs)+4 {
			t.Fatalf("run %d: %d documents out, want %d in + 3 generated", run, n, len(docs)+1)
		}
	}
}

const pipelineTemplate = `apiVersion: mlpipeline.dev/v1alpha1
kind: MLPipeline
metadata:
  name: pipeline-%d # the pipeline's comment stays too
spec:
  image: registry.example.com/ml/p:1.0.0
  resources:
    requests:
      cpu: 100m
  autoscaling:
    maxReplicas: 2
`

// randomObject writes an object in the canonical layout kpt and kustomize
// hand to functions (two-space indent, compact sequences).
func randomObject(rng *rand.Rand, run, i int) string {
	name := fmt.Sprintf("obj-%d-%d", run, i)
	comment := []string{"", " # owned by the data team", " # TODO: split"}[rng.Intn(3)]
	switch rng.Intn(4) {
	case 0:
		return fmt.Sprintf("# config for %s\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s%s\ndata:\n  key: \"%d\"\n  quoted: 'single'\n  block: |\n    line one\n    line two\n",
			name, name, comment, rng.Intn(1000))
	case 1:
		return fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\nspec:\n  ports:\n  - port: %d%s\n    targetPort: 8080\n", name, 1+rng.Intn(65535), comment)
	case 2:
		// A Deployment nobody generated, with a name no pipeline uses.
		return fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  labels:\n    app: %s%s\nspec:\n  replicas: %d\n  selector:\n    matchLabels:\n      app: %s\n  template:\n    metadata:\n      labels:\n        app: %s\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n",
			name, name, comment, rng.Intn(5), name, name)
	default:
		return fmt.Sprintf("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: %s\n  annotations:\n    note: \"%s\"\nspec:\n  sizes: [1, 2, 3]\n  flow: {a: b}%s\n", name, strings.Repeat("x", rng.Intn(20)), comment)
	}
}

// runStandalone renders config with the input on stdin.
func runStandalone(t *testing.T, config, input string) string {
	t.Helper()
	configFile := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	cmd := fn.NewCommand("test")
	cmd.SetArgs([]string{configFile, "-"})
	cmd.SetIn(strings.NewReader(input))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	return out.String()
}
