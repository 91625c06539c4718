package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The tests re-run this test binary as the real command, so exit codes and
// stderr are those a user sees.
func TestMain(m *testing.M) {
	if os.Getenv("MLPIPELINE_FN_AS_COMMAND") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runCommand(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "MLPIPELINE_FN_AS_COMMAND=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// The four mistakes the README promises to catch: each exits 1 and names
// the field.
func TestBadConfigExitsOneWithFieldPath(t *testing.T) {
	for _, tc := range []struct{ fixture, field string }{
		{"typo-unknown-field", "spec.autoscaling.maxReplica: Forbidden: unknown field"},
		{"max-below-min", "spec.autoscaling.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"},
		{"cpu-target-without-request", "spec.autoscaling.targetCPUUtilizationPercentage: Invalid value: 60: needs spec.resources.requests[cpu]"},
		{"bad-quantity", `spec.resources.requests[cpu]: Invalid value: "500mc": must be a quantity`},
		{"spec-not-a-map", "spec: Invalid value: "},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			config := filepath.Join("testdata", "error", tc.fixture, "config.yaml")
			stdout, stderr, code := runCommand(t, "", config)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if !strings.Contains(stderr, config+": MLPipeline ") || !strings.Contains(stderr, tc.field) {
				t.Errorf("stderr does not name the file and %q:\n%s", tc.field, stderr)
			}
			if stdout != "" {
				t.Errorf("standalone output on error, want none:\n%s", stdout)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr:\n%s", stderr)
			}
		})
	}
}

func TestKRMModeReportsResultsAndExitsOne(t *testing.T) {
	in := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: mlpipeline.dev/v1alpha1
  kind: MLPipeline
  metadata:
    name: p
    annotations:
      internal.config.kubernetes.io/path: pipelines/p.yaml
      internal.config.kubernetes.io/index: "0"
  spec:
    image: registry.example.com/p:1.0.0
    autoscaling: {maxReplicas: 1, minReplicas: 3}
`
	stdout, stderr, code := runCommand(t, in)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, want := range []string{"severity: error", "path: spec.autoscaling.maxReplicas", "path: pipelines/p.yaml", "name: p"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("ResourceList output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "pipelines/p.yaml: MLPipeline p: spec.autoscaling.maxReplicas") {
		t.Errorf("stderr lacks the file, object and field:\n%s", stderr)
	}
}

func TestMalformedResourceListIsAnErrorNotAPanic(t *testing.T) {
	for name, in := range map[string]string{
		"not yaml":     "items: [\n  - {",
		"item not KRM": "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- metadata: {name: x}\n",
		"scalar item":  "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- just a string\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, stderr, code := runCommand(t, in)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if !strings.HasPrefix(stderr, "error: ") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("want a one-line error, got:\n%s", stderr)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	stdout, _, code := runCommand(t, "", "--version")
	if code != 0 || !strings.Contains(stdout, "version") {
		t.Errorf("--version: code %d, output %q", code, stdout)
	}
	stdout, _, code = runCommand(t, "", "--help")
	if code != 0 || !strings.Contains(stdout, "mlpipeline-fn [CONFIG [FILE...|-]]") {
		t.Errorf("--help: code %d, output %q", code, stdout)
	}
}

// Standalone files are read one by one: a file that does not start with
// "---" must not merge into the last object of the file before it, and
// problems in a resource file name that file.
func TestStandaloneReadsEachFileOnItsOwn(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	config := filepath.Join("testdata", "success", "minimal", "config.yaml")
	// No trailing newline and no leading "---": the case kyaml's reader merged.
	svc := write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80")
	cm := write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n")
	stdout, stderr, code := runCommand(t, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n", config, svc, cm, "-")
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	for _, want := range []string{"kind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n---\n",
		"kind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n", "kind: Secret", "kind: Deployment"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	typo := write("typo.yaml", "apiVersion: mlpipeline.dev/v1alpha1\nkind: MLPipeline\nmetadata:\n  name: other\nspec:\n  image: a:1\n  imagee: b\n")
	if _, stderr, code := runCommand(t, "", config, typo); code != 1 || !strings.Contains(stderr, typo+": MLPipeline other: spec.imagee: Forbidden: unknown field") {
		t.Errorf("exit code %d, stderr does not name %s and the field:\n%s", code, typo, stderr)
	}
}

// What cannot be a config is an error naming the file, never a silent
// empty or partial result.
func TestStandaloneConfigMustBeOneObject(t *testing.T) {
	dir := t.TempDir()
	pipeline, err := os.ReadFile(filepath.Join("testdata", "success", "minimal", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ content, want string }{
		"two.yaml":   {string(pipeline) + "---\n" + strings.Replace(string(pipeline), "name: ", "name: b", 1), "holds 2 YAML documents"},
		"empty.yaml": {"# nothing yet\n", "holds no object"},
		"dash.yaml":  {"---\n", "holds no object"},
		"obj.yaml":   {"{}\n", "holds an empty object"},
		"list.yaml":  {"- a\n", "is not a Kubernetes object (a YAML map) but a list"},
		"bad.yaml":   {"a: [\n", "not valid YAML"},
		"cm.yaml":    {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", "kind: is a ConfigMap (v1), not an MLPipeline"},
		"case.yaml":  {"apiVersion: mlpipeline.dev/v1alpha1\nkind: MlPipeline\nmetadata:\n  name: x\n", "kinds are case-sensitive"},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := runCommand(t, "", p)
			if code != 1 || stdout != "" || !strings.Contains(stderr, p+": ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit code %d, stdout %q; stderr should name %s and say %q:\n%s", code, stdout, p, tc.want, stderr)
			}
		})
	}
}

func TestFlagErrorsAreReported(t *testing.T) {
	for _, args := range [][]string{{"--bogus"}, {"--warnings=maybe", "x.yaml"}} {
		_, stderr, code := runCommand(t, "", args...)
		if code != 1 || !strings.Contains(stderr, "error: ") || !strings.Contains(stderr, "--help") {
			t.Errorf("%v: exit code %d, stderr %q; want 1 and the error", args, code, stderr)
		}
	}
}

// Items kyaml cannot read as objects still get a ResourceList back, with an
// error result naming each one, and the items as they came.
func TestKRMModeNamesItemsThatAreNoObjects(t *testing.T) {
	for name, tc := range map[string]struct{ item, want string }{
		"list item":          {"[a, b]", "items[1] is not a Kubernetes object: it is a list, not a map"},
		"metadata a list":    {"{apiVersion: v1, kind: ConfigMap, metadata: [x]}", "items[1] is not a Kubernetes object: metadata is a list, not a map"},
		"annotations a list": {"{apiVersion: v1, kind: ConfigMap, metadata: {name: a, annotations: [x]}}", "items[1] is not a Kubernetes object: metadata.annotations is a list, not a map"},
		"annotations a word": {"{apiVersion: v1, kind: ConfigMap, metadata: {name: a, annotations: x}}", "items[1] is not a Kubernetes object: metadata.annotations is a plain value, not a map"},
	} {
		t.Run(name, func(t *testing.T) {
			in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: ok}}\n- " + tc.item + "\n"
			stdout, stderr, code := runCommand(t, in)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			for _, want := range []string{"kind: ResourceList", "- " + tc.item + "\n", "severity: error", tc.want} {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, "error: "+tc.want) {
				t.Errorf("stderr lacks the error:\n%s", stderr)
			}
		})
	}
}

// A functionConfig that is no object is an error naming it, not a crash.
func TestKRMModeNamesAFunctionConfigThatIsNoObject(t *testing.T) {
	for _, tc := range []struct{ config, want string }{
		{"[x]", "the functionConfig is not a Kubernetes object: it is a list, not a map"},
		{"{apiVersion: v1, kind: ConfigMap, metadata: [x]}", "the functionConfig is not a Kubernetes object: metadata is a list, not a map"},
	} {
		in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: " + tc.config + "\n"
		stdout, stderr, code := runCommand(t, in)
		if code != 1 || !strings.Contains(stdout, tc.want) || !strings.Contains(stderr, "error: "+tc.want) || strings.Contains(stderr, "internal error") {
			t.Errorf("%s: exit code %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", tc.config, code, tc.want, stdout, stderr)
		}
	}
}

// Plain YAML piped in without arguments is rendered like a ResourceList's
// items, but on error nothing goes to stdout: there are no results to carry
// the problems, only the unchanged input.
func TestPlainYAMLOnStdinPrintsNothingOnError(t *testing.T) {
	pipeline, err := os.ReadFile(filepath.Join("testdata", "success", "minimal", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCommand(t, string(pipeline))
	if code != 0 || !strings.Contains(stdout, "kind: Deployment") {
		t.Errorf("valid plain YAML: exit code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	bad := strings.Replace(string(pipeline), "spec:", "spec:\n  imagee: x", 1)
	stdout, stderr, code = runCommand(t, bad)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "spec.imagee: Forbidden: unknown field") {
		t.Errorf("invalid plain YAML: exit code %d, stdout %q, stderr %q; want 1, nothing, the error", code, stdout, stderr)
	}
}

// The capacity line goes to stderr in standalone mode, never to stdout
// (kustomize and kpt read objects from stdout); in KRM mode it is a result,
// and stderr has no capacity line (kpt shows the results itself).
func TestCapacityLineOnStderrOnlyStandalone(t *testing.T) {
	config := filepath.Join("testdata", "success", "gpu-model-server", "config.yaml")
	const want = "capacity at maxReplicas 8: requests cpu 32, memory 256Gi, ephemeral-storage 160Gi, nvidia.com/gpu 8"
	stdout, stderr, code := runCommand(t, "", config)
	if code != 0 {
		t.Fatalf("exit code %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "info: "+config+": MLPipeline ml-serving/llm-server: "+want) {
		t.Errorf("standalone stderr lacks the capacity line:\n%s", stderr)
	}
	if strings.Contains(stdout, "capacity") {
		t.Errorf("standalone stdout carries the capacity line:\n%s", stdout)
	}
	if _, quiet, _ := runCommand(t, "", "--warnings=false", config); quiet != "" {
		t.Errorf("--warnings=false still prints on stderr:\n%s", quiet)
	}

	b, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  " +
		strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", "\n  ") + "\n"
	stdout, stderr, code = runCommand(t, in)
	if code != 0 {
		t.Fatalf("KRM mode exit code %d:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "message: '"+want) {
		t.Errorf("KRM results lack the capacity line:\n%s", stdout)
	}
	if strings.Contains(stderr, "capacity") {
		t.Errorf("KRM mode prints the capacity line on stderr:\n%s", stderr)
	}
}

// An unsupported --kubernetes-version is an error on stderr naming the
// flag and the versions there are, in both modes (it exited 1 silently).
func TestUnsupportedKubernetesVersionIsReported(t *testing.T) {
	config := filepath.Join("testdata", "success", "minimal", "config.yaml")
	for _, args := range [][]string{
		{"--kubernetes-version=1.33", config},
		{"--kubernetes-version=v1.37", config},
		{"--kubernetes-version=1.38"},
	} {
		_, stderr, code := runCommand(t, "", args...)
		if code != 1 || !strings.Contains(stderr, "error: --kubernetes-version") || !strings.Contains(stderr, "1.34, 1.35, 1.36, 1.37") {
			t.Errorf("%v: exit code %d, stderr %q; want 1 and the supported versions", args, code, stderr)
		}
	}
	// The negative control: a supported version renders.
	if _, stderr, code := runCommand(t, "", "--kubernetes-version=1.35", config); code != 0 {
		t.Errorf("--kubernetes-version=1.35: exit code %d, stderr %q", code, stderr)
	}
}

// "--warnings false" reads "false" as the config file; the error says to
// write "--warnings=false" instead of "reading false: no such file".
func TestBoolFlagWithSpaceSaysToUseEquals(t *testing.T) {
	config := filepath.Join("testdata", "success", "minimal", "config.yaml")
	_, stderr, code := runCommand(t, "", "--warnings", "false", config)
	if code != 1 || !strings.Contains(stderr, "write --warnings=false") {
		t.Errorf("exit code %d, stderr %q; want 1 and the hint", code, stderr)
	}
	// The negative control: with "=" it renders.
	if _, stderr, code := runCommand(t, "", "--warnings=false", config); code != 0 {
		t.Errorf("--warnings=false: exit code %d, stderr %q", code, stderr)
	}
}

// In KRM mode stderr carries the warnings, each with its id, for kustomize,
// which shows no results; under kpt, which prints the results itself, the
// warnings are only in the results, so that each shows once.
func TestKRMWarningsOnStderrUnlessKptShowsResults(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "success", "minimal", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const warning = "warning: MLPipeline minimal: spec.resources.limits[memory]: is not set"
	item := "  " + strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", "\n  ")
	kustomize := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n-" + strings.TrimPrefix(item, " ") + "\n"
	kpt := strings.Replace(kustomize, "  name: minimal\n", "  name: minimal\n    annotations:\n      internal.config.kubernetes.io/seqindent: compact\n", 1)
	if kpt == kustomize {
		t.Fatal("the kpt annotation was not added")
	}
	for _, tc := range []struct {
		name, in string
		onStderr bool
	}{{"kustomize", kustomize, true}, {"kpt", kpt, false}} {
		stdout, stderr, code := runCommand(t, tc.in)
		if code != 0 || !strings.Contains(stdout, "id: no-memory-limit") {
			t.Errorf("%s: exit code %d, the results lack the warning's id:\n%s\n%s", tc.name, code, stdout, stderr)
		}
		if got := strings.Contains(stderr, warning) && strings.Contains(stderr, "[no-memory-limit]"); got != tc.onStderr {
			t.Errorf("%s: warning with its id on stderr: %v, want %v:\n%s", tc.name, got, tc.onStderr, stderr)
		}
		// The same for errors: a typo is on stderr for kustomize, and only
		// in the results for kpt, which printed it twice.
		typo := strings.Replace(tc.in, "maxReplicas:", "maxReplica:", 1)
		if typo == tc.in {
			t.Fatal("the typo was not made")
		}
		stdout, stderr, code = runCommand(t, typo)
		if code != 1 || !strings.Contains(stdout, "spec.autoscaling.maxReplica") {
			t.Errorf("%s: exit code %d, the results lack the error:\n%s\n%s", tc.name, code, stdout, stderr)
		}
		if got := strings.Contains(stderr, "error: MLPipeline minimal: spec.autoscaling.maxReplica: Forbidden"); got != tc.onStderr {
			t.Errorf("%s: error on stderr: %v, want %v:\n%s", tc.name, got, tc.onStderr, stderr)
		}
	}
}
