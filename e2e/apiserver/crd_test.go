package apiserver

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var crdsResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installCRD applies config/crd/ cleanly and waits until the server
// serves the MLPipeline kind, so that MLPipeline objects are applied too.
func (s *suite) installCRD(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "config", "crd", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("config/crd/ has no CRD")
	}
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
