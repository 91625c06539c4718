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
// It must never panic, and when it fails on an MLPipeline it must say why
// in an error result.
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
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := framework.Execute(&fn.Processor{}, &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &out})
		var results framework.Results
		if errors.As(err, &results) && results.ExitCode() == 0 {
			t.Errorf("failed without an error result: %v", err)
		}
	})
}
