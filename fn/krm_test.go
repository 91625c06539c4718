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
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
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

// item indents a YAML object as an item of a ResourceList.
func item(obj string) string {
	return "- " + strings.ReplaceAll(strings.TrimSpace(obj), "\n", "\n  ") + "\n"
}

func inNamespace(pipeline, ns string) string {
	return strings.ReplaceAll(pipeline, "    name: scorer\n", "    name: scorer\n    namespace: "+ns+"\n")
}

func generatedOf(t *testing.T, nodes []*yaml.RNode) (map[string]*yaml.RNode, string) {
	t.Helper()
	byKey := map[string]*yaml.RNode{}
	var items strings.Builder
	for _, n := range nodes {
		items.WriteString(item(n.MustString()))
		if n.GetKind() != "MLPipeline" {
			byKey[n.GetKind()+" "+n.GetNamespace()+"/"+n.GetName()] = n
		}
	}
	return byKey, items.String()
}

// A later function moves an MLPipeline and what it generated to another
// namespace together (kpt set-namespace, kustomize namespace:): the objects
// stay the MLPipeline's, also those written by versions whose annotation
// named the old namespace, and two MLPipelines of one name in two
// namespaces never take each other's objects.
func TestOwnershipSurvivesANamespaceMove(t *testing.T) {
	moved := func(items, from, to string) string {
		return strings.ReplaceAll(items, "namespace: "+from+"\n", "namespace: "+to+"\n")
	}
	// settled renders twice: a rerun writes the bookkeeping annotations in
	// its own order, and from then on nothing changes.
	settled := func(items string) string {
		_, once := generatedOf(t, runResourceList(t, items))
		_, twice := generatedOf(t, runResourceList(t, once))
		return twice
	}
	first := settled(inNamespace(kptPipeline, "staging"))

	t.Run("moved together", func(t *testing.T) {
		rerun := moved(first, "staging", "prod")
		got, again := generatedOf(t, runResourceList(t, rerun))
		if len(got) != 3 || got["Deployment prod/scorer"] == nil {
			t.Fatalf("want the 3 objects in prod, got %v", got)
		}
		if again != rerun {
			t.Errorf("the rerun after the move changed something:\n%s", diffLines(rerun, again))
		}
	})

	t.Run("moved together, annotation of an older version", func(t *testing.T) {
		legacy := strings.ReplaceAll(first, OwnerAnnotationLine("scorer"), OwnerAnnotationLine("staging/scorer"))
		if legacy == first {
			t.Fatal("no owner annotation to rewrite")
		}
		got, _ := generatedOf(t, runResourceList(t, moved(legacy, "staging", "prod")))
		if len(got) != 3 || got["Deployment prod/scorer"].GetAnnotations()[v1alpha1.OwnerAnnotation] != "scorer" {
			t.Fatalf("want the 3 objects in prod, owned by scorer, got %v", got)
		}
	})

	t.Run("same name in two namespaces", func(t *testing.T) {
		both := settled(inNamespace(kptPipeline, "a") + inNamespace(kptPipeline, "b"))
		got, again := generatedOf(t, runResourceList(t, both))
		if len(got) != 6 || again != both {
			t.Fatalf("rerun over two namespaces: %d objects, changed: %v", len(got), again != both)
		}
		// Without b's MLPipeline, b's objects go and a's stay.
		var withoutB strings.Builder
		for _, n := range runResourceList(t, both) {
			if n.GetKind() == "MLPipeline" && n.GetNamespace() == "b" {
				continue
			}
			withoutB.WriteString(item(n.MustString()))
		}
		got, _ = generatedOf(t, runResourceList(t, withoutB.String()))
		if len(got) != 3 || got["Deployment a/scorer"] == nil || got["Deployment b/scorer"] != nil {
			t.Errorf("want only a's 3 objects, got %v", got)
		}
	})

	t.Run("same name moved into one namespace", func(t *testing.T) {
		// set-namespace over a package with a/scorer and b/scorer makes two
		// prod/scorer: an error, and nothing changes.
		both := moved(moved(settled(inNamespace(kptPipeline, "a")+inNamespace(kptPipeline, "b")), "a", "prod"), "b", "prod")
		in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + both
		var out bytes.Buffer
		rw := &kio.ByteReadWriter{Reader: strings.NewReader(in), Writer: &out, KeepReaderAnnotations: true}
		if err := framework.Execute(&fn.Processor{}, rw); err == nil || !strings.Contains(err.Error(), `duplicates the MLPipeline "prod/scorer"`) {
			t.Errorf("want the duplicate reported, got %v:\n%s", err, out.String())
		}
	})

	t.Run("moved without its MLPipeline", func(t *testing.T) {
		// Only the generated objects move: they are no longer next to their
		// MLPipeline, so they go, and the MLPipeline generates anew.
		pipelineStays := strings.Replace(moved(first, "staging", "prod"), "namespace: prod\n", "namespace: staging\n", 1)
		got, _ := generatedOf(t, runResourceList(t, pipelineStays))
		if len(got) != 3 || got["Deployment staging/scorer"] == nil {
			t.Errorf("want the 3 objects back in staging only, got %v", got)
		}
	})
}

// OwnerAnnotationLine is the owner annotation as it appears in an item.
func OwnerAnnotationLine(owner string) string {
	return v1alpha1.OwnerAnnotation + ": " + owner + "\n"
}

// In a ResourceList the YAML parser's line numbers count the lines of what
// kpt sent, not of the user's file: messages give no line there.
func TestKRMErrorsGiveNoResourceListLines(t *testing.T) {
	config, err := yaml.ReadFile("../testdata/error/merge-key-not-a-map/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	padding := strings.Repeat(item("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: filler}\ndata: {a: b}"), 10)
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + padding + item(config.MustString())
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: strings.NewReader(in), Writer: &out}
	if err := framework.Execute(&fn.Processor{}, rw); err == nil {
		t.Fatal("want an error")
	}
	results, err := yaml.Parse(out.String())
	if err != nil {
		t.Fatal(err)
	}
	joined := results.Field("results").Value.MustString()
	if !strings.Contains(joined, "a merge key (<<) takes a map") || strings.Contains(joined, "line ") {
		t.Errorf("want the merge-key error without a line number, got:\n%s", joined)
	}
}

// kpt fn eval without --fn-config sends an empty ConfigMap named
// function-input: that is no functionConfig, and the items' MLPipelines are
// rendered. A ConfigMap with data is still not an MLPipeline.
func TestKptDefaultFunctionConfigIsNoConfig(t *testing.T) {
	for _, tc := range []struct {
		config string
		ok     bool
	}{
		{"{apiVersion: v1, kind: ConfigMap, metadata: {name: function-input}, data: {}}", true},
		{"{apiVersion: v1, kind: ConfigMap, metadata: {name: function-input}}", true},
		{"{apiVersion: v1, kind: ConfigMap, metadata: {name: function-input}, data: {image: x}}", false},
		{"{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}", false},
	} {
		rl := &framework.ResourceList{Items: mustParseItems(t, kptPipeline), FunctionConfig: yaml.MustParse(tc.config)}
		err := (&fn.Processor{}).Process(rl)
		if (err == nil) != tc.ok {
			t.Errorf("functionConfig %s: error %v, want ok=%v", tc.config, err, tc.ok)
		}
		if tc.ok && len(rl.Items) != 4 {
			t.Errorf("functionConfig %s: %d items, want the MLPipeline and 3 generated objects", tc.config, len(rl.Items))
		}
	}
}

func mustParseItems(t *testing.T, items string) []*yaml.RNode {
	t.Helper()
	list, err := yaml.Parse("items:\n" + items)
	if err != nil {
		t.Fatal(err)
	}
	elems, err := list.Pipe(yaml.Lookup("items"))
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := elems.Elements()
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}
