package fn

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/validation"
)

// autoscalerConflicts finds, among the items, an HPA or a ScaledObject that
// the function did not generate for a pipeline and that scales the
// pipeline's Deployment while the pipeline autoscales it too: the HPA
// controller refuses to act on a Deployment two HPAs select
// (AmbiguousSelector), and KEDA's admission webhook refuses a ScaledObject
// for a Deployment an HPA already scales. The function's own object of the
// other engine, generated earlier, is not one: it is pruned.
func autoscalerConflicts(items []*yaml.RNode, outputs []pipelineOutput, itemFiles map[*yaml.Node]string) framework.Results {
	var results framework.Results
	for i := range outputs {
		out := &outputs[i]
		var deployment, scaler *yaml.RNode
		for _, n := range out.nodes {
			switch n.GetKind() {
			case "Deployment":
				deployment = n
			case "HorizontalPodAutoscaler", "ScaledObject":
				scaler = n
			}
		}
		if deployment == nil || scaler == nil {
			continue
		}
		for _, item := range items {
			if !isAutoscalerOf(item, deployment) || ownerOf(item) == out.owner {
				continue
			}
			if key, generated := keyOf(item); generated && key.name == scaler.GetName() && key.kind == scaler.GetKind() {
				continue // reconcile reports an object of the generated name
			}
			why := map[[2]string]string{
				{"HorizontalPodAutoscaler", "HorizontalPodAutoscaler"}: "the HPA controller acts on no Deployment that two HPAs select",
				{"HorizontalPodAutoscaler", "ScaledObject"}:            "KEDA makes an HPA for that ScaledObject, and the HPA controller acts on no Deployment that two HPAs select",
				{"ScaledObject", "HorizontalPodAutoscaler"}:            "KEDA's admission webhook refuses a ScaledObject for a Deployment that an HPA scales",
				{"ScaledObject", "ScaledObject"}:                       "KEDA's admission webhook refuses a second ScaledObject for one Deployment",
			}[[2]string{scaler.GetKind(), item.GetKind()}]
			results = append(results, out.origin.result(framework.Error, validation.FindingAt("spec.autoscaling",
				"the generated %s would scale Deployment %q, which %s %q%s scales already: %s; remove that %s, or set spec.autoscaling.enabled: false to keep it",
				scaler.GetKind(), objects.OwnerKey(deployment.GetNamespace(), deployment.GetName()), item.GetKind(),
				objects.OwnerKey(item.GetNamespace(), item.GetName()), fileSuffix(originOf(item, itemFiles[item.YNode()])), why, item.GetKind())))
		}
	}
	return results
}

// isAutoscalerOf says whether item is an HPA or a ScaledObject whose
// scaleTargetRef names the Deployment (a ScaledObject's kind defaults to
// Deployment).
func isAutoscalerOf(item, deployment *yaml.RNode) bool {
	group, _, _ := strings.Cut(item.GetApiVersion(), "/")
	switch {
	case item.GetKind() == "HorizontalPodAutoscaler" && group == "autoscaling":
	case item.GetKind() == "ScaledObject" && group == objects.ScaledObjectGroupVersion.Group:
	default:
		return false
	}
	if item.GetNamespace() != deployment.GetNamespace() {
		return false
	}
	ref := func(field string) string {
		n, err := item.Pipe(yaml.Lookup("spec", "scaleTargetRef", field))
		if err != nil || n == nil {
			return ""
		}
		return yaml.GetValue(n)
	}
	kind, apiVersion := ref("kind"), ref("apiVersion")
	if kind == "" && item.GetKind() == "ScaledObject" {
		kind = "Deployment"
	}
	refGroup, _, _ := strings.Cut(apiVersion, "/")
	return ref("name") == deployment.GetName() && kind == "Deployment" && (apiVersion == "" || refGroup == "apps")
}
