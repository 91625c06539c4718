package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var crdsResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installCRD applies config/crd/ cleanly and waits until the server
// serves the MLPipeline kind, so that MLPipeline objects are applied too;
// KEDA's CRDs likewise, so that the ScaledObjects of `engine: keda` are
// checked against KEDA's own schema like every other output.
func (s *suite) installCRD(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "config", "crd", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("config/crd/ has no CRD")
	}
	files = append(files, kedaCRDs(t)...)
	ctx := context.Background()
	objs := readObjects(t, files...)
	as := s.c.applyAll(ctx, "", objs)
	for _, a := range as {
		t.Log(a)
	}
	if !as.clean() {
		t.Fatalf("the CRD is refused or warned about:\n%s", as.problems())
	}
	for _, obj := range objs {
		err := waitFor(ctx, time.Minute, func() error {
			crd, err := getAs[apiextensionsv1.CustomResourceDefinition](ctx, s.c, crdsResource, "", obj.GetName())
			if err != nil {
				return err
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return nil
				}
			}
			return fmt.Errorf("CRD %s is not Established", obj.GetName())
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("CRD %s Established", obj.GetName())
	}
}

// kedaCRDs are the CRD files of the KEDA release that e2e/keda pins (one
// version for both harnesses), read from the Go module cache.
func kedaCRDs(t *testing.T) []string {
	t.Helper()
	const module = "github.com/kedacore/keda/v2"
	download := exec.Command("go", "mod", "download", "-json", module)
	download.Dir = filepath.Join(repoRoot, "e2e", "keda")
	out, err := download.Output()
	if err != nil {
		t.Fatalf("downloading %s as e2e/keda pins it: %v", module, err)
	}
	var mod struct{ Dir, Version string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("reading where %s is: %v (%s)", module, err, out)
	}
	files, _ := filepath.Glob(filepath.Join(mod.Dir, "config", "crd", "bases", "*.yaml"))
	if len(files) == 0 {
		t.Fatalf("KEDA %s has no CRDs in config/crd/bases", mod.Version)
	}
	t.Logf("KEDA %s CRDs: %d files", mod.Version, len(files))
	return files
}
