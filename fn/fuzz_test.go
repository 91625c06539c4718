package fn_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn"
)

// FuzzResourceList feeds arbitrary bytes to the function as a ResourceList.
// It must never panic; it may fail without an error result only when the
// input cannot be read as YAML at all; and what it writes on success must
// read back. Every fixture under testdata seeds the corpus (fixtureSeeds),
// so mutation starts from inputs that reach deep into the function.
func FuzzResourceList(f *testing.F) {
	for _, seed := range fixtureSeeds(f) {
		f.Add(seed)
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

// fixtureSeeds turns every testdata case into the ResourceLists the
// orchestrators send: config.yaml as the functionConfig with the input
// files' objects as items (kpt fn eval --fn-config, kustomize), the same
// items with config.yaml among them and no functionConfig (kpt fn render of
// a package), and for a success case config.yaml over its own expected.yaml
// (a second render in place). Each is built from the files' bytes, so
// inputs YAML decoders would reject (duplicate keys) stay as they are.
//
// The kpt-like seed of each case must do what its fixture says (success, or
// error results): a seed that kyaml cannot read or that misses its case
// would seed nothing.
func fixtureSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	for _, kind := range []string{"success", "error"} {
		dirs, err := filepath.Glob(filepath.Join(testdata, kind, "*"))
		if err != nil || len(dirs) == 0 {
			f.Fatalf("no %s cases under %s: %v", kind, testdata, err)
		}
		for _, dir := range dirs {
			config := readFile(f, filepath.Join(dir, "config.yaml"))
			var inputs [][]byte
			files, _ := filepath.Glob(filepath.Join(dir, "input*.yaml"))
			for _, file := range files {
				inputs = append(inputs, documents(readFile(f, file))...)
			}
			krm := resourceListOf(config, inputs)
			checkSeed(f, dir, krm, kind == "success")
			seeds = append(seeds, krm, resourceListOf(nil, append([][]byte{config}, inputs...)))
			if kind == "success" {
				seeds = append(seeds, resourceListOf(config, documents(readFile(f, filepath.Join(dir, "expected.yaml")))))
			}
		}
	}
	return seeds
}

// checkSeed runs a seed as the fuzz target does and fails unless kyaml reads
// it and the function succeeds (ok) or reports error results (!ok).
func checkSeed(f *testing.F, dir string, in []byte, ok bool) {
	f.Helper()
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(in)}
	items, err := rw.Read()
	if err != nil {
		f.Fatalf("%s: the seed does not read as a ResourceList: %v\n%s", dir, err, in)
	}
	err = (&fn.Processor{}).Process(&framework.ResourceList{Items: items, FunctionConfig: rw.FunctionConfig})
	var results framework.Results
	switch {
	case ok && err != nil:
		f.Fatalf("%s: the seed of a success case fails: %v", dir, err)
	case !ok && !(errors.As(err, &results) && results.ExitCode() != 0):
		f.Fatalf("%s: the seed of an error case gives no error result: %v", dir, err)
	}
}

func readFile(f *testing.F, path string) []byte {
	f.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$\n?`)

// documents splits a multi-document YAML file, dropping documents that hold
// nothing but comments.
func documents(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range docSeparator.Split(string(b), -1) {
		for _, line := range strings.Split(d, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				docs = append(docs, []byte(d))
				break
			}
		}
	}
	return docs
}

// resourceListOf writes a ResourceList around the documents' own bytes,
// indented as items (and functionConfig, when not nil).
func resourceListOf(functionConfig []byte, items [][]byte) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
	if functionConfig != nil {
		b.WriteString("functionConfig:\n")
		indent(&b, functionConfig, "  ")
	}
	if len(items) == 0 {
		b.WriteString("items: []\n")
	} else {
		b.WriteString("items:\n")
	}
	for _, item := range items {
		indent(&b, item, "- ")
	}
	return []byte(b.String())
}

// indent writes doc with first before its first line and two spaces before
// every other line.
func indent(b *strings.Builder, doc []byte, first string) {
	for i, line := range strings.Split(strings.TrimRight(string(doc), "\n"), "\n") {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString("  ")
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
}
