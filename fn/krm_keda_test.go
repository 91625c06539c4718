package fn_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
)

// A kpt package switches engine and back, rendered in place each time: the
// other engine's object, generated earlier, goes; the new one takes the
// pipeline's file; the Deployment and PDB keep their place; and an HPA
// written by hand for another Deployment is never touched.
func TestSwitchingEnginePrunesTheOtherEnginesObject(t *testing.T) {
	hpaEngine := kptPipeline
	kedaEngine := strings.Replace(kptPipeline, "autoscaling: {maxReplicas: 3}",
		"autoscaling: {engine: keda, maxReplicas: 3}", 1)
	if kedaEngine == hpaEngine {
		t.Fatal("the test pipeline has no autoscaling line to switch")
	}
	handWritten := item(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: other
  annotations:
    internal.config.kubernetes.io/path: other.yaml
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: other}
  maxReplicas: 2`)

	// Each render runs over the previous one's items with the pipeline
	// replaced by the next engine's.
	_, items := generatedOf(t, runResourceList(t, hpaEngine+handWritten))
	for _, step := range []struct {
		pipeline, want, gone string
	}{
		{kedaEngine, "ScaledObject", "HorizontalPodAutoscaler"},
		{hpaEngine, "HorizontalPodAutoscaler", "ScaledObject"},
	} {
		rest := strings.SplitN(items, "\n- ", 2)[1] // the items after the pipeline
		byKey, next := generatedOf(t, runResourceList(t, step.pipeline+"- "+rest))
		items = next
		if _, ok := byKey[step.gone+" /scorer"]; ok {
			t.Errorf("switching to %s left the %s generated earlier", step.want, step.gone)
		}
		if _, ok := byKey["HorizontalPodAutoscaler /other"]; !ok {
			t.Errorf("switching to %s removed the hand-written HPA of another Deployment", step.want)
		}
		got, ok := byKey[step.want+" /scorer"]
		if !ok {
			t.Fatalf("switching engines generated no %s; got %v", step.want, keys(byKey))
		}
		if path, index, _ := kioutil.GetFileAnnotations(got); path != "pipelines/scorer.generated.yaml" || index != "1" {
			t.Errorf("%s at %q index %q, want pipelines/scorer.generated.yaml 1, the place of the object it replaces", step.want, path, index)
		}
		for _, kind := range []string{"Deployment", "PodDisruptionBudget"} {
			if _, ok := byKey[kind+" /scorer"]; !ok {
				t.Errorf("switching to %s lost the %s", step.want, kind)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
