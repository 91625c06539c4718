package fn

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/validation"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/yamlnode"
)

// pipelineSource is one MLPipeline to generate from, and where it came from.
type pipelineSource struct {
	node   *yaml.RNode
	origin origin
}

// collected is what a ResourceList holds for the function.
type collected struct {
	sources []pipelineSource
	results framework.Results
	// onlyFunctionConfig is set when the one MLPipeline comes from outside the
	// items (kpt fn eval --fn-config, a standalone config file): objects
	// generated from other MLPipelines are then not this run's business, and
	// must not be pruned just because their MLPipelines are out of view.
	onlyFunctionConfig bool
}

// collectPipelines finds the MLPipelines among the items and in the
// functionConfig. A functionConfig that is also an item (kustomize passes a
// generator's config as its only item; kpt may use a package resource as
// configPath) is the same pipeline, not a second one; if the two differ,
// that is an error rather than a silent choice.
//
// itemsChecked says every item has passed objectProblem already (the KRM
// command checks them before kyaml reads their annotations), so each item
// is checked once.
func collectPipelines(items []*yaml.RNode, functionConfig *yaml.RNode, configFile string, itemFiles map[*yaml.Node]string, itemsChecked bool) collected {
	var (
		sources []pipelineSource
		results framework.Results
		seen    = map[string]origin{}
		// Standalone, every node was read from its own file and its line
		// numbers are the user's; in a ResourceList they count the lines of
		// what the orchestrator sent, which the user never sees.
		userLines = itemFiles != nil
	)
	add := func(node *yaml.RNode, o origin) {
		if !userLines {
			yamlnode.ForgetLines(node.YNode())
		}
		if v := node.GetApiVersion(); v != v1alpha1.APIVersion {
			results = append(results, o.result(framework.Error,
				validation.FindingAt("apiVersion", "%q is not supported; use %s", v, v1alpha1.APIVersion)))
			return
		}
		key := objects.OwnerKey(o.ref.Namespace, o.ref.Name)
		if first, dup := seen[key]; dup {
			results = append(results, o.result(framework.Error,
				validation.FindingAt("metadata.name", "duplicates the MLPipeline %q%s; each MLPipeline needs its own name in a namespace",
					key, fileSuffix(first))))
			return
		}
		seen[key] = o
		sources = append(sources, pipelineSource{node: node, origin: o})
	}
	for i, item := range items {
		if !itemsChecked {
			if problem := objectProblem(fmt.Sprintf("items[%d]", i), item.YNode(), userLines); problem != nil {
				results = append(results, problem)
				continue
			}
		}
		if item.GetKind() == "" || item.GetApiVersion() == "" {
			o := originOf(item, itemFiles[item.YNode()])
			results = append(results, o.result(framework.Error,
				validation.FindingAt("", "items[%d] is not a Kubernetes object: apiVersion and kind are required", i)))
			continue
		}
		if isPipeline(item) {
			add(item, originOf(item, itemFiles[item.YNode()]))
		}
	}
	if functionConfig == nil || yamlnode.IsEmpty(functionConfig) {
		return collected{sources: sources, results: results}
	}
	if problem := objectProblem("the functionConfig", functionConfig.YNode(), userLines); problem != nil {
		return collected{sources: sources, results: append(results, problem)}
	}
	if isKptDefaultConfig(functionConfig) {
		return collected{sources: sources, results: results}
	}
	fc := originOf(functionConfig, configFile)
	if !isPipeline(functionConfig) {
		results = append(results, fc.result(framework.Error, notAPipeline(fc.ref, configFile != "")))
		return collected{sources: sources, results: results}
	}
	for _, s := range sources {
		if s.origin.ref.Namespace == fc.ref.Namespace && s.origin.ref.Name == fc.ref.Name {
			if !sameContent(s.node, functionConfig) {
				results = append(results, fc.result(framework.Error, validation.FindingAt("spec",
					"differs from the MLPipeline %q%s given among the resources; give each MLPipeline once",
					objects.OwnerKey(fc.ref.Namespace, fc.ref.Name), fileSuffix(s.origin))))
			}
			return collected{sources: sources, results: results}
		}
	}
	add(functionConfig, fc)
	return collected{sources: sources, results: results, onlyFunctionConfig: true}
}

// isKptDefaultConfig matches what kpt fn eval sends when it is given no
// --fn-config: an empty ConfigMap named function-input. It means no
// functionConfig; the MLPipelines are then the package's items.
func isKptDefaultConfig(node *yaml.RNode) bool {
	if node.GetKind() != "ConfigMap" || node.GetApiVersion() != "v1" || node.GetName() != "function-input" {
		return false
	}
	for _, field := range []string{"data", "binaryData"} {
		if value := node.Field(field); value != nil && !yamlnode.IsEmpty(value.Value) {
			return false
		}
	}
	return true
}

// notAPipeline says what the config is instead of an MLPipeline: in words
// for a file given on the command line, in the KRM terms kpt and kustomize
// users know otherwise.
func notAPipeline(ref yaml.ResourceIdentifier, standalone bool) validation.Finding {
	what := "an object without a kind"
	if ref.Kind != "" {
		what = fmt.Sprintf("a %s (%s)", ref.Kind, ref.APIVersion)
	}
	hint := ""
	if strings.EqualFold(ref.Kind, v1alpha1.Kind) {
		hint = "; kinds are case-sensitive: " + v1alpha1.Kind
	}
	if standalone {
		return validation.FindingAt("kind", "is %s, not an %s (apiVersion %s)%s", what, v1alpha1.Kind, v1alpha1.APIVersion, hint)
	}
	return validation.FindingAt("kind", "the functionConfig is %s; it must be an %s or absent%s", what, v1alpha1.Kind, hint)
}

// sameContent compares what the user wrote of two copies of an MLPipeline:
// everything but the annotations, which orchestrators add to one copy.
func sameContent(a, b *yaml.RNode) bool {
	content := func(n *yaml.RNode) string {
		c := n.Copy()
		_ = c.PipeE(yaml.Lookup("metadata"), yaml.Clear("annotations"))
		out, err := yamlnode.ToJSON(c)
		if err != nil {
			return err.Error()
		}
		return string(out)
	}
	return content(a) == content(b)
}

// objectProblem reports an item or functionConfig (what: "items[3]", "the
// functionConfig") that kyaml cannot treat as an object: not a map, or with
// metadata or metadata.annotations that are not maps. kyaml's accessors fail
// or silently drop such values, so they are errors naming the object; nil
// when it is fine.
func objectProblem(what string, n *yaml.Node, userLines bool) *framework.Result {
	notObject := func(why string) *framework.Result {
		return &framework.Result{Severity: framework.Error,
			Message: fmt.Sprintf("%s is not a Kubernetes object: %s", what, why)}
	}
	if line, ok := wellFormed(n); !ok {
		near := ""
		if userLines {
			near = fmt.Sprintf(" near line %d", line)
		}
		return &framework.Result{Severity: framework.Error,
			Message: fmt.Sprintf("%s is malformed YAML%s: a mapping key without its value", what, near)}
	}
	if n.Kind != yaml.MappingNode {
		return notObject("it is a " + yamlnode.KindName(n) + ", not a map")
	}
	md := yamlnode.FieldValue(n, "metadata")
	if md == nil {
		return nil
	}
	if md.Kind != yaml.MappingNode {
		return notObject("metadata is a " + yamlnode.KindName(md) + ", not a map")
	}
	if a := yamlnode.FieldValue(md, "annotations"); a != nil && a.Kind != yaml.MappingNode {
		return notObject("metadata.annotations is a " + yamlnode.KindName(a) + ", not a map")
	}
	return nil
}

// wellFormed checks that every mapping has a value for each key; the
// YAML parser can hand over nodes that break this, and kyaml's accessors
// index past the end of them.
func wellFormed(n *yaml.Node) (int, bool) {
	if n == nil {
		return 0, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content)%2 != 0 {
		return n.Line, false
	}
	for _, c := range n.Content {
		if line, ok := wellFormed(c); !ok {
			return line, false
		}
	}
	return 0, true
}

// isPipeline matches MLPipelines of any version of the group, so that a
// wrong version is reported rather than passed through unnoticed.
func isPipeline(node *yaml.RNode) bool {
	group, _, _ := strings.Cut(node.GetApiVersion(), "/")
	return node.GetKind() == v1alpha1.Kind && group == v1alpha1.Group
}

func fileSuffix(o origin) string {
	if o.file == nil {
		return ""
	}
	return " in " + o.file.Path
}
