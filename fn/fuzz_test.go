package fn_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn"
)

// FuzzResourceList feeds arbitrary bytes to the function as a ResourceList.
// It must never panic; it may fail without an error result only when the
// input cannot be read as YAML at all; and what it writes on success must
// read back.
func FuzzResourceList(f *testing.F) {
	configs, _ := filepath.Glob(filepath.Join(testdata, "*", "*", "config.yaml"))
	for _, c := range configs {
		b, err := os.ReadFile(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- "),
			bytes.ReplaceAll(b, []byte("\n"), []byte("\n  "))...))
	}
	f.Add([]byte("kind: ResourceList\nitems: [{apiVersion: mlpipeline.dev/v1alpha1, kind: MLPipeline, metadata: {name: x}, spec: []}]"))
	f.Add([]byte("kind: ResourceList\nitems: [{apiVersion: mlpipeline.dev/v1alpha1, kind: MLPipeline, metadata: {name: x}, spec: &s {image: a, args: [*s]}}]"))
	f.Add([]byte("kind: ResourceList\nitems:\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: x, annotations: {mlpipeline.dev/generated-from: x}}}\n" +
		"- {apiVersion: mlpipeline.dev/v1alpha1, kind: MLPipeline, metadata: {name: x}, spec: {image: a:1, resources: {requests: {cpu: 1}}, autoscaling: {maxReplicas: 2}}}"))
	// Inputs the fuzzer found once: a mapping key without a value, which
	// made kyaml's accessors index past the end, and a scalar metadata.
	f.Add([]byte("kind: List\nitems: \n 0:\n -"))
	f.Add([]byte("kind: List\nitems:\n- apiVersion: 0\n  kind: 0\n  metadata: 0"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rw := &kio.ByteReadWriter{Reader: bytes.NewReader(in)}
		items, err := rw.Read()
		if err != nil {
			return // not a ResourceList kyaml can read: framework.Execute reports that
		}
		rl := &framework.ResourceList{Items: items, FunctionConfig: rw.FunctionConfig}
		err = (&fn.Processor{}).Process(rl)
		var results framework.Results
		switch {
		case errors.As(err, &results):
			if results.ExitCode() == 0 {
				t.Errorf("failed without an error result: %v", err)
			}
		case err != nil:
			t.Errorf("failed with a bare error, not results: %v", err)
		default:
			var out bytes.Buffer
			if err := (kio.ByteWriter{Writer: &out}).Write(rl.Items); err != nil {
				t.Fatalf("writing the output: %v", err)
			}
			if _, err := (&kio.ByteReader{Reader: &out}).Read(); err != nil {
				t.Errorf("output does not read back: %v\n%s", err, out.String())
			}
		}
	})
}
