package apiserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/version"
)

// runKubectlSmoke applies one standalone output of the function with the
// release's own kubectl, as a user would: `kubectl apply --server-side
// --validate=strict`, a dry run and then for real, with no error and
// nothing on stderr (where kubectl prints the server's warnings). The
// negative control applies the unknown-field control the same way, which
// must fail.
func (s *suite) runKubectlSmoke(t *testing.T) {
	dir := filepath.Join(repoRoot, "testdata", "success", seedFixture)
	cmd := exec.Command(s.bins.fn, filepath.Join(dir, "config.yaml"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("rendering %s standalone: %v\n%s", seedFixture, err, errOut.String())
	}
	rendered := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(rendered, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	if err := s.kubectlWithinSkew(t); err != nil {
		t.Fatal(err)
	}
	t.Run("seed-equivalent", func(t *testing.T) {
		ns := s.kubectlNamespace(t)
		for _, dry := range []string{"--dry-run=server", ""} {
			stderr, err := s.kubectlApply(ns, rendered, dry)
			if err != nil || stderr != "" {
				t.Fatalf("kubectl apply %s: %v\n%s", dry, err, stderr)
			}
			t.Logf("kubectl apply --server-side --validate=strict %s: clean", dry)
		}
		if _, err := getAs[appsv1.Deployment](context.Background(), s.c, deploymentsResource, ns, "ml-pipeline"); err != nil {
			t.Fatalf("after kubectl apply: %v", err)
		}
	})
	t.Run("negative-control", func(t *testing.T) {
		ns := s.kubectlNamespace(t)
		stderr, err := s.kubectlApply(ns, filepath.Join("testdata", "negative", "unknown-field.yaml"), "--dry-run=server")
		if err == nil || !strings.Contains(stderr, ".spec.replica: field not declared in schema") {
			t.Fatalf("kubectl apply of an unknown field: %v, stderr %q; want a failure naming .spec.replica", err, stderr)
		}
		t.Logf("refused as expected: %s", strings.TrimSpace(stderr))
	})
}

// kubectlWithinSkew checks that kubectl is within one minor version of the
// server, the skew kubectl supports.
func (s *suite) kubectlWithinSkew(t *testing.T) error {
	s.kubectlCache = t.TempDir()
	out, err := exec.Command(s.c.kubectl, "version", "--client", "-o", "json").Output()
	if err != nil {
		return fmt.Errorf("kubectl version: %w", err)
	}
	var client struct {
		ClientVersion version.Info `json:"clientVersion"`
	}
	if err := json.Unmarshal(out, &client); err != nil {
		return err
	}
	server, err := s.c.serverVersion()
	if err != nil {
		return err
	}
	c, _ := strconv.Atoi(client.ClientVersion.Minor)
	v, _ := strconv.Atoi(server.Minor)
	if c-v > 1 || v-c > 1 || client.ClientVersion.Major != server.Major {
		return fmt.Errorf("kubectl %s is outside the supported skew (one minor version) of kube-apiserver %s",
			client.ClientVersion.GitVersion, server.GitVersion)
	}
	t.Logf("kubectl %s, kube-apiserver %s", client.ClientVersion.GitVersion, server.GitVersion)
	return nil
}

func (s *suite) kubectlNamespace(t *testing.T) string {
	ns := fmt.Sprintf("e2e-%d", namespaces.Add(1))
	if err := s.c.newNamespace(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns
}

// kubectlApply runs kubectl apply --server-side --validate=strict and
// returns its stderr.
func (s *suite) kubectlApply(ns, file, dryRun string) (string, error) {
	args := []string{"--kubeconfig", s.c.kubecfg, "--request-timeout=60s", "apply", "--server-side",
		"--field-manager=" + fieldManager, "--validate=strict", "-n", ns, "-f", file}
	if dryRun != "" {
		args = append(args, dryRun)
	}
	cmd := exec.Command(s.c.kubectl, args...)
	cmd.Env = append(os.Environ(), "KUBECACHEDIR="+s.kubectlCache)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	return errOut.String(), err
}
