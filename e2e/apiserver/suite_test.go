package apiserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// suite is one cluster and what the checks share.
type suite struct {
	bins binaries
	c    *cluster
	// serviceControl is the first Service check, whose other labels make
	// the negative control of the Service check.
	serviceControl *serviceCheck
	kubectlCache   string // kubectl's discovery cache
}

// namespaces numbers the test namespaces: one fresh namespace per case
// keeps cases apart.
var namespaces atomic.Int32

// check applies objs into a fresh namespace (dry run, then for real),
// then, if every object was accepted, creates a Pod from each Deployment's
// template as a dry run. It logs each object's answer.
func (s *suite) check(t *testing.T, objs []*unstructured.Unstructured) (string, answers) {
	t.Helper()
	ctx := context.Background()
	ns := fmt.Sprintf("e2e-%d", namespaces.Add(1))
	if err := s.c.newNamespace(ctx, ns); err != nil {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
	as := s.c.applyAll(ctx, ns, objs)
	applied := true
	for _, a := range as {
		applied = applied && a.err == nil
	}
	if applied {
		pods, err := s.c.podsFromTemplates(ctx, ns)
		if err != nil {
			t.Fatal(err)
		}
		as = append(as, pods...)
	}
	for _, a := range as {
		t.Logf("namespace %s: %s", ns, a)
	}
	return ns, as
}

// checkClean is the whole check for output the server must accept: every
// object and every Pod from a template accepted with no warning, and
// every generated Service selecting exactly its Deployment's pods.
func (s *suite) checkClean(t *testing.T, objs []*unstructured.Unstructured) (string, bool) {
	t.Helper()
	if len(objs) == 0 {
		t.Errorf("no objects to apply")
		return "", false
	}
	ns, as := s.check(t, objs)
	if !as.clean() {
		t.Errorf("the server refuses or warns:\n%s", as.problems())
		return ns, false
	}
	s.checkServices(t, ns)
	return ns, true
}

func (s *suite) checkServices(t *testing.T, ns string) {
	t.Helper()
	checks, err := s.c.checkServices(context.Background(), ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, check := range checks {
		if check.err != nil {
			t.Errorf("Service %s: %v", check.service, check.err)
			continue
		}
		t.Logf("Service %s: %s", check.service, check.note)
		if s.serviceControl == nil {
			s.serviceControl = &check
		}
	}
}

// saveOutput keeps what a case applied under out/e2e-apiserver/, for
// reading after a failure.
func saveOutput(t *testing.T, name string, input []byte, r rendering) {
	var b strings.Builder
	b.WriteString("# input\n")
	b.Write(input)
	for _, obj := range r.objects {
		out, _ := yaml.Marshal(obj.Object)
		b.WriteString("---\n")
		b.Write(out)
	}
	for _, res := range r.results {
		b.WriteString("# " + res.String() + "\n")
	}
	path := filepath.Join(outDir, "cases", strings.ReplaceAll(name, "/", "_")+".yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
		_ = os.WriteFile(path, []byte(b.String()), 0o644)
	}
}

// requireNoUnattributedWarnings fails the test if the server sent a
// warning outside of the per-object recordings.
func requireNoUnattributedWarnings(t *testing.T) {
	unattributed.mu.Lock()
	defer unattributed.mu.Unlock()
	if len(unattributed.warnings) > 0 {
		t.Errorf("warnings outside any object's request: %s", strings.Join(unattributed.warnings, "; "))
	}
}
