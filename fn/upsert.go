package fn

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/validation"
)

// pipelineOutput is what one pipeline generates, in output order.
type pipelineOutput struct {
	owner  string
	origin origin
	nodes  []*yaml.RNode
	// capacity is the pipeline's capacity envelope, for a result.
	capacity string
}

// objectKey identifies an object across API versions: an autoscaling/v1 HPA
// and an autoscaling/v2 HPA of the same name are the same object.
type objectKey struct{ group, kind, namespace, name string }

// generatedKinds are the kinds the function writes, by group ("" is the
// core group, apiVersion v1).
var generatedKinds = map[string]string{
	"Deployment":              "apps",
	"HorizontalPodAutoscaler": "autoscaling",
	"PodDisruptionBudget":     "policy",
	"Service":                 "",
	"ScaledObject":            "keda.sh",
}

func keyOf(node *yaml.RNode) (objectKey, bool) {
	kind := node.GetKind()
	group, _, grouped := strings.Cut(node.GetApiVersion(), "/")
	if !grouped {
		group = ""
	}
	if want, ok := generatedKinds[kind]; !ok || want != group {
		return objectKey{}, false
	}
	return objectKey{group: group, kind: kind, namespace: node.GetNamespace(), name: node.GetName()}, true
}

// reconcile merges the generated objects into the items. An object this
// function generated earlier for the same pipeline is replaced in place and
// keeps its orchestrator bookkeeping (file path and index), so reruns never
// duplicate; one whose pipeline is gone, or that the pipeline no longer
// generates, is removed; any other object of the same kind and name is the
// user's, and is never overwritten. Everything else is returned untouched.
// pruneOthers is false when the run sees only its own MLPipeline, so objects
// generated from MLPipelines it cannot see are kept.
func reconcile(items []*yaml.RNode, outputs []pipelineOutput, pruneOthers bool, itemFiles map[*yaml.Node]string) ([]*yaml.RNode, framework.Results) {
	type desired struct {
		node   *yaml.RNode
		out    *pipelineOutput
		placed bool
	}
	want := map[objectKey]*desired{}
	inView := map[string]bool{}
	for i := range outputs {
		inView[outputs[i].owner] = true
		for _, n := range outputs[i].nodes {
			k, _ := keyOf(n)
			want[k] = &desired{node: n, out: &outputs[i]}
		}
	}

	var results framework.Results
	merged := make([]*yaml.RNode, 0, len(items)+len(want))
	for _, item := range items {
		key, generatedKind := keyOf(item)
		if !generatedKind {
			merged = append(merged, item)
			continue
		}
		owner := ownerOf(item)
		d, wanted := want[key]
		switch {
		case wanted && owner != d.out.owner:
			remedy := "rename the MLPipeline or remove the existing " + key.kind
			if key.kind == "Service" {
				remedy += ", or set spec.service.enabled: false to keep it instead of the generated one"
			}
			results = append(results, d.out.origin.result(framework.Error, validation.FindingAt("metadata.name",
				"would generate %s, but %s already exists%s and was not generated from this MLPipeline; %s",
				describe(key), describe(key), fileSuffix(originOf(item, itemFiles[item.YNode()])), remedy)))
			merged = append(merged, item)
		case wanted && d.placed:
			// A second copy of a generated object: keep one.
		case wanted:
			if err := carryBookkeeping(item, d.node); err != nil {
				results = append(results, d.out.origin.result(framework.Error, validation.FindingAt("", "updating %s: %v", describe(key), err)))
			}
			d.placed = true
			merged = append(merged, d.node)
		case owner != "" && (pruneOthers || inView[owner]):
			why := "which is no longer among the resources"
			if inView[owner] {
				why = "which no longer generates it"
			}
			results = append(results, originOf(item, itemFiles[item.YNode()]).result(framework.Info, validation.FindingAt("",
				"removed: it was generated from MLPipeline %q, %s", owner, why)))
		default:
			merged = append(merged, item)
		}
	}
	for i := range outputs {
		for index, n := range outputs[i].nodes {
			k, _ := keyOf(n)
			if want[k].placed {
				continue
			}
			// The index is the object's place among what the pipeline
			// generates, so an object added on a later render (an HPA once
			// autoscaling is switched on) does not share one.
			if err := placeInFile(n, outputs[i].origin, index); err != nil {
				results = append(results, outputs[i].origin.result(framework.Error, validation.FindingAt("", "placing %s: %v", describe(k), err)))
			}
			merged = append(merged, n)
		}
	}
	return merged, results
}

// ownerOf is the MLPipeline a generated object says it came from, as
// "namespace/name" like pipelineOutput.owner; "" for an object the function
// did not generate. The annotation holds only the MLPipeline's name: the
// namespace is the object's own, since the function puts every object in its
// MLPipeline's namespace. So a namespace change applied to an MLPipeline and
// to what it generated (kpt set-namespace, kustomize namespace:) keeps them
// together, and reruns change nothing. Older versions wrote
// "namespace/name"; only the name of those counts, for the same reason.
func ownerOf(item *yaml.RNode) string {
	annotation := item.GetAnnotations()[v1alpha1.OwnerAnnotation]
	if annotation == "" {
		return ""
	}
	if i := strings.LastIndexByte(annotation, '/'); i >= 0 {
		annotation = annotation[i+1:]
	}
	return objects.OwnerKey(item.GetNamespace(), annotation)
}

func carryBookkeeping(from, to *yaml.RNode) error {
	annotations := from.GetAnnotations()
	// Sorted: map order would make the output bytes differ between runs.
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		for _, prefix := range v1alpha1.BookkeepingPrefixes {
			if strings.HasPrefix(k, prefix) {
				if err := to.PipeE(yaml.SetAnnotation(k, annotations[k])); err != nil {
					return fmt.Errorf("annotation %s: %w", k, err)
				}
				break
			}
		}
	}
	return nil
}

// placeInFile gives a new object a file next to its MLPipeline, so that
// kpt writes the generated objects of a pipeline together, in one file of
// their own: <name>.generated.yaml, or <namespace>.<name>.generated.yaml for
// a namespaced pipeline, so that pipelines of the same name in different
// namespaces do not share a file. Without a pipeline file (kustomize,
// standalone) there is none.
func placeInFile(node *yaml.RNode, pipeline origin, index int) error {
	if pipeline.annotatedPath == "" {
		return nil
	}
	name := pipeline.ref.Name + ".generated.yaml"
	if pipeline.ref.Namespace != "" {
		name = pipeline.ref.Namespace + "." + name
	}
	file := path.Join(path.Dir(pipeline.annotatedPath), name)
	if err := node.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, file)); err != nil {
		return err
	}
	return node.PipeE(yaml.SetAnnotation(kioutil.IndexAnnotation, strconv.Itoa(index)))
}

func describe(k objectKey) string {
	return fmt.Sprintf("%s %q", k.kind, objects.OwnerKey(k.namespace, k.name))
}
