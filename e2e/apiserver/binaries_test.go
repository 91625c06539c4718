package apiserver

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the repository, two levels above this package.
var repoRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}()

// outDir keeps the servers' logs and the rendered outputs.
var outDir = filepath.Join(repoRoot, "out", "e2e-apiserver")

// binaries are the programs the test runs.
type binaries struct {
	apiserver, etcd, kubectl, controllerManager string // pinned, from hack/k8s-binaries
	fn                                          string // the function, built by make build
	kustomize                                   string // pinned, make bin/kustomize
}

// The control-plane binaries come from envtest's own settings
// (TEST_ASSET_KUBE_APISERVER, TEST_ASSET_ETCD, TEST_ASSET_KUBECTL) and
// TEST_ASSET_KUBE_CONTROLLER_MANAGER; any that is unset comes from
// hack/k8s-binaries/build.sh, which builds them once into a cache.
var assetVariables = map[string]string{
	"kube-apiserver":          "TEST_ASSET_KUBE_APISERVER",
	"etcd":                    "TEST_ASSET_ETCD",
	"kubectl":                 "TEST_ASSET_KUBECTL",
	"kube-controller-manager": "TEST_ASSET_KUBE_CONTROLLER_MANAGER",
}

func findBinaries(t *testing.T) binaries {
	t.Helper()
	paths := map[string]string{}
	var missing []string
	for name, variable := range assetVariables {
		if p := os.Getenv(variable); p != "" {
			paths[name] = p
		} else {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Logf("building or reusing %s (hack/k8s-binaries/build.sh; the first build takes about 15 minutes)", strings.Join(missing, ", "))
		cmd := exec.Command(filepath.Join(repoRoot, "hack", "k8s-binaries", "build.sh"), missing...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("hack/k8s-binaries/build.sh: %v", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			if name, path, ok := strings.Cut(sc.Text(), "="); ok {
				paths[name] = path
			}
		}
	}
	b := binaries{
		apiserver:         paths["kube-apiserver"],
		etcd:              paths["etcd"],
		kubectl:           paths["kubectl"],
		controllerManager: paths["kube-controller-manager"],
		fn:                envOr("MLPIPELINE_FN", filepath.Join(repoRoot, "bin", "mlpipeline-fn")),
		kustomize:         envOr("KUSTOMIZE", filepath.Join(repoRoot, "bin", "kustomize")),
	}
	for _, p := range []string{b.apiserver, b.etcd, b.kubectl, b.controllerManager, b.fn, b.kustomize} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%v: run the test with make e2e-apiserver, which builds what it needs", err)
		}
	}
	return b
}

func envOr(variable, fallback string) string {
	if v := os.Getenv(variable); v != "" {
		return v
	}
	return fallback
}

// logFile opens a log under outDir, closed when the test ends.
func logFile(t *testing.T, name string) *os.File {
	t.Helper()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(outDir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
