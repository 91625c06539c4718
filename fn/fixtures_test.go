package fn_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/frameworktestutil"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn"
)

// updateGolden rewrites the fixtures' expected files from the actual output
// (`make update-golden`); review the diff before committing it.
var updateGolden = os.Getenv("UPDATE_GOLDEN") == "1"

const testdata = "../testdata"

// TestFixtures runs every testdata case through the command, standalone:
// config.yaml (+ input*.yaml) must give expected.yaml, or exactly the
// errors.txt that the user sees on stderr.
func TestFixtures(t *testing.T) {
	checker := frameworktestutil.CommandResultsChecker{
		TestDataDirectory:        testdata,
		Command:                  quietCommand,
		UpdateExpectedFromActual: updateGolden,
		ErrorAssertionFunc:       frameworktestutil.RequireStrippedStringsEqual,
	}
	checker.Assert(t)
}

// TestFixtureResults checks the results (warnings and info) each success
// case reports as a KRM function, which standalone output does not show.
func TestFixtureResults(t *testing.T) {
	for _, dir := range caseDirs(t, "success") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, results, err := runKRM(t, dir, "")
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			compareGolden(t, filepath.Join(dir, "results.yaml"), results)
		})
	}
}

// TestRerunOverOwnOutput runs each success case over its own output, as kpt
// fn render does in place: nothing may change, and nothing may duplicate.
func TestRerunOverOwnOutput(t *testing.T) {
	for _, dir := range caseDirs(t, "success") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			expected := filepath.Join(dir, "expected.yaml")
			want, err := os.ReadFile(expected)
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			cmd := quietCommand()
			cmd.SetArgs([]string{filepath.Join(dir, "config.yaml"), expected})
			cmd.SetOut(&out)
			cmd.SetErr(&errOut)
			if err := cmd.Execute(); err != nil {
				t.Fatalf("rerun failed: %v\n%s", err, errOut.String())
			}
			if out.String() != string(want) {
				t.Errorf("rerun changed the output:\n%s", diffLines(string(want), out.String()))
			}
		})
	}
}

// quietCommand is the command without warnings on stderr: the checker takes
// any stderr for an error. results.yaml holds the warnings instead.
func quietCommand() *cobra.Command {
	cmd := fn.NewCommand("test")
	if err := cmd.Flags().Set("warnings", "false"); err != nil {
		panic(err)
	}
	return cmd
}

func caseDirs(t *testing.T, kind string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(testdata, kind, "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no %s cases under %s: %v", kind, testdata, err)
	}
	return dirs
}

// runKRM runs a case as a KRM function: config.yaml as the functionConfig
// and the input files' objects as items, annotated with their file as kpt
// does when pathAnnotate is set. It returns the items and the results.
func runKRM(t *testing.T, dir, pathAnnotate string) (string, string, error) {
	t.Helper()
	config, err := yaml.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inputs, _ := filepath.Glob(filepath.Join(dir, "input*.yaml"))
	var items []*yaml.RNode
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: pathAnnotate == ""}).Read()
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, nodes...)
	}
	rl := &framework.ResourceList{Items: items, FunctionConfig: config}
	err = (&fn.Processor{}).Process(rl)
	var out strings.Builder
	if werr := (kio.ByteWriter{Writer: &out}).Write(rl.Items); werr != nil {
		t.Fatal(werr)
	}
	var results string
	if len(rl.Results) > 0 {
		b, merr := yaml.Marshal(rl.Results)
		if merr != nil {
			t.Fatal(merr)
		}
		results = string(b)
	}
	return out.String(), results, err
}

func compareGolden(t *testing.T, path, actual string) {
	t.Helper()
	if updateGolden {
		if err := os.WriteFile(path, []byte(actual), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden (make update-golden writes it): %v", err)
	}
	if string(want) != actual {
		t.Errorf("%s differs (make update-golden rewrites it):\n%s", path, diffLines(string(want), actual))
	}
}

// diffLines shows the first differing lines; enough to see what changed.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return "(same lines, different bytes)"
}
