package fn_test

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn"
)

const kptPipeline = `- apiVersion: mlpipeline.dev/v1alpha1
  kind: MLPipeline
  metadata:
    name: scorer
    annotations:
      config.kubernetes.io/local-config: "true"
      internal.config.kubernetes.io/path: pipelines/scorer.yaml
      internal.config.kubernetes.io/index: "0"
  spec:
    image: registry.example.com/scorer:1.0.0
    resources: {requests: {cpu: 100m}}
    autoscaling: {maxReplicas: 3}
`

func runResourceList(t *testing.T, items string) []*yaml.RNode {
	t.Helper()
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + items
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: strings.NewReader(in), Writer: &out, KeepReaderAnnotations: true}
	if err := framework.Execute(&fn.Processor{}, rw); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	nodes, err := (&kio.ByteReader{Reader: &out, OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// kpt writes each item to the file in its path annotation: new objects go
// next to their MLPipeline, in a file of their own.
func TestNewObjectsGoNextToTheirPipeline(t *testing.T) {
	nodes := runResourceList(t, kptPipeline)
	if len(nodes) != 4 {
		t.Fatalf("got %d items, want the pipeline and 3 generated", len(nodes))
	}
	for i, n := range nodes[1:] {
		path, index, _ := kioutil.GetFileAnnotations(n)
		if path != "pipelines/scorer.generated.yaml" || index != string(rune('0'+i)) {
			t.Errorf("%s: path %q index %q, want pipelines/scorer.generated.yaml %d", n.GetKind(), path, index, i)
		}
	}
}

// An object the user moved to another file stays there on the next render.
func TestUpdatedObjectsKeepTheirFile(t *testing.T) {
	var moved strings.Builder
	for i, n := range runResourceList(t, kptPipeline)[1:] {
		if err := n.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, "deploy/all.yaml")); err != nil {
			t.Fatal(err)
		}
		if err := n.PipeE(yaml.SetAnnotation(kioutil.IndexAnnotation, string(rune('5'+i)))); err != nil {
			t.Fatal(err)
		}
		moved.WriteString("- " + strings.ReplaceAll(strings.TrimSpace(n.MustString()), "\n", "\n  ") + "\n")
	}
	nodes := runResourceList(t, kptPipeline+moved.String())
	if len(nodes) != 4 {
		t.Fatalf("got %d items, want 4: a rerun must not duplicate", len(nodes))
	}
	for i, n := range nodes[1:] {
		path, index, _ := kioutil.GetFileAnnotations(n)
		if path != "deploy/all.yaml" || index != string(rune('5'+i)) {
			t.Errorf("%s moved to %q index %q, want deploy/all.yaml %d", n.GetKind(), path, index, 5+i)
		}
	}
}

// Pipelines of the same name in two namespaces must not share a file.
func TestNamespacedPipelinesGetTheirOwnFiles(t *testing.T) {
	pipeline := func(ns string) string {
		return strings.ReplaceAll(kptPipeline, "    name: scorer\n", "    name: scorer\n    namespace: "+ns+"\n")
	}
	files := map[string]bool{}
	for _, n := range runResourceList(t, pipeline("a")+pipeline("b")) {
		if n.GetKind() == "MLPipeline" {
			continue
		}
		path, index, _ := kioutil.GetFileAnnotations(n)
		if files[path+"#"+index] {
			t.Errorf("two objects at %s index %s", path, index)
		}
		files[path+"#"+index] = true
	}
	if !files["pipelines/a.scorer.generated.yaml#0"] || !files["pipelines/b.scorer.generated.yaml#0"] {
		t.Errorf("want a.scorer.generated.yaml and b.scorer.generated.yaml, got %v", files)
	}
}

// The same input gives the same bytes, also when reruns carry many
// bookkeeping annotations (which live in a map).
func TestRerunIsDeterministic(t *testing.T) {
	var first string
	for range 10 {
		var items strings.Builder
		items.WriteString(kptPipeline)
		for _, n := range runResourceList(t, kptPipeline)[1:] {
			for _, k := range []string{"config.kubernetes.io/origin", "kustomize.config.k8s.io/id", "internal.config.kubernetes.io/seqindent", "config.kubernetes.io/local-config"} {
				if err := n.PipeE(yaml.SetAnnotation(k, "x")); err != nil {
					t.Fatal(err)
				}
			}
			items.WriteString("- " + strings.ReplaceAll(strings.TrimSpace(n.MustString()), "\n", "\n  ") + "\n")
		}
		var out strings.Builder
		for _, n := range runResourceList(t, items.String()) {
			out.WriteString(n.MustString())
		}
		if first == "" {
			first = out.String()
		} else if out.String() != first {
			t.Fatalf("two runs over the same input gave different bytes:\n%s", diffLines(first, out.String()))
		}
	}
}
