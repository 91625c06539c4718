package apiserver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// seedFixture is the pipeline equivalent to the Pulumi program the
// function replaced; its values are read back through the server.
const seedFixture = "seed-equivalent"

// runFixtures renders every success fixture (testdata/success/*) and checks
// its output. A fixture with apiserver-expect.txt shows a Pod Security
// warning: its output must be warned about or refused with that text, and
// every server finding must have a function warning.
func (s *suite) runFixtures(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "success", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no success fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { s.fixture(t, dir) })
	}
}

func (s *suite) fixture(t *testing.T, dir string) {
	config, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inputs, _ := filepath.Glob(filepath.Join(dir, "input*.yaml"))
	var items [][]byte
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, b)
	}
	r, err := render(s.bins.fn, config, items)
	if err != nil {
		t.Fatal(err)
	}
	saveOutput(t, "fixture/"+filepath.Base(dir), config, r)
	if r.failed {
		t.Fatalf("the function refuses the fixture: %s", joinResults(r.bySeverity("error")))
	}
	if expect, err := os.ReadFile(filepath.Join(dir, "apiserver-expect.txt")); err == nil {
		s.checkWarned(t, r, strings.TrimSpace(string(expect)))
		return
	}
	ns, ok := s.checkClean(t, r.objects)
	if !ok {
		return
	}
	t.Run("config-vs-crd", func(t *testing.T) {
		// The MLPipeline itself must fit the CRD too (the function does
		// not echo its functionConfig).
		objs := readObjects(t, filepath.Join(dir, "config.yaml"))
		for _, obj := range objs {
			if obj.GetKind() != "MLPipeline" || obj.GetAnnotations()[localConfig] == "true" {
				t.Logf("%s: not applied (local-config or not an MLPipeline)", describe(obj))
				continue
			}
			if as := s.c.applyAll(context.Background(), ns, []*unstructured.Unstructured{obj}); !as.clean() {
				t.Errorf("the CRD refuses or warns:\n%s", as.problems())
			} else {
				t.Logf("%s: accepted by the CRD", describe(obj))
			}
		}
	})
	if filepath.Base(dir) == seedFixture {
		s.seedValues(t, ns)
	}
}

// seedValues reads the seed-equivalent pipeline back through the API
// server's autoscaling/v1 conversion and checks the replaced program's
// values: min 1, max 10, 80 % CPU, requests 500m and limits 1 CPU.
func (s *suite) seedValues(t *testing.T, ns string) {
	ctx := context.Background()
	hpas, err := listAs[autoscalingv1.HorizontalPodAutoscaler](ctx, s.c,
		schema.GroupVersionResource{Group: "autoscaling", Version: "v1", Resource: "horizontalpodautoscalers"}, ns, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(hpas) != 1 {
		t.Fatalf("want exactly one HPA, got %d", len(hpas))
	}
	spec := hpas[0].Spec
	if spec.MinReplicas == nil || *spec.MinReplicas != 1 || spec.MaxReplicas != 10 ||
		spec.TargetCPUUtilizationPercentage == nil || *spec.TargetCPUUtilizationPercentage != 80 {
		t.Errorf("autoscaling/v1: got %+v, want minReplicas 1, maxReplicas 10, targetCPUUtilizationPercentage 80", spec)
	} else {
		t.Logf("autoscaling/v1: minReplicas 1, maxReplicas 10, targetCPUUtilizationPercentage 80")
	}
	deployments, err := listAs[appsv1.Deployment](ctx, s.c, deploymentsResource, ns, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deployments {
		if d.Name != hpas[0].Name {
			continue
		}
		res := d.Spec.Template.Spec.Containers[0].Resources
		// As millicores, whatever form the server stores ("1" or "1000m").
		if req, lim := res.Requests.Cpu().MilliValue(), res.Limits.Cpu().MilliValue(); req != 500 || lim != 1000 {
			t.Errorf("container cpu: requests %dm, limits %dm; want 500m and 1000m", req, lim)
		} else {
			t.Logf("container cpu: requests 500m, limits 1")
		}
		return
	}
	t.Errorf("no Deployment %s", hpas[0].Name)
}
