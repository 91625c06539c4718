package fn

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/decode"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/validation"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/yamlnode"
)

// Processor is the mlpipeline-fn ResourceListProcessor.
type Processor struct {
	// configFile is the functionConfig's file when run standalone, and
	// itemFiles the file of each item, so that results can name them;
	// orchestrators annotate items with their files instead.
	configFile string
	itemFiles  map[*yaml.Node]string
	// results are the results of the last Process, for the command to show
	// on stderr: kustomize and standalone runs show no ResourceList results.
	results framework.Results
	// capacity are the capacity envelope results among results, one per
	// generated pipeline, which standalone runs also print on stderr.
	capacity framework.Results
	// kubernetesVersion is the Kubernetes minor for pipelines that do not
	// set spec.kubernetesVersion; empty means serverside.DefaultVersion.
	kubernetesVersion string
}

var _ framework.ResourceListProcessor = (*Processor)(nil)

// Process generates the objects of every MLPipeline in the list. On any
// error the items are left exactly as they came, and every problem is
// reported, not only the first.
func (p *Processor) Process(rl *framework.ResourceList) error {
	return p.process(rl, false)
}

// process is Process; itemsChecked says the caller has already checked
// every item with itemProblems (the KRM command does, before kyaml's
// annotation bookkeeping), so that each item is checked once.
func (p *Processor) process(rl *framework.ResourceList, itemsChecked bool) (err error) {
	// A bug must still end as an error result, never as a stack trace.
	defer func() {
		if r := recover(); r != nil {
			crash := framework.Results{{Severity: framework.Error, Message: fmt.Sprintf("internal error: %v", r)}}
			rl.Results = append(rl.Results, crash...)
			p.results = crash
			err = crash
		}
	}()
	found := collectPipelines(rl.Items, rl.FunctionConfig, p.configFile, p.itemFiles, itemsChecked)
	results := found.results
	outputs := make([]pipelineOutput, 0, len(found.sources))
	var generatedInfo, capacityInfo framework.Results
	for _, src := range found.sources {
		out, res := generate(src, p.kubernetesVersion)
		results = append(results, res...)
		if out != nil {
			outputs = append(outputs, *out)
			capacity := out.origin.result(framework.Info, validation.FindingAt("", "%s", out.capacity))
			generatedInfo = append(generatedInfo,
				out.origin.result(framework.Info, validation.FindingAt("", "generated %s", describeGenerated(out.nodes))), capacity)
			capacityInfo = append(capacityInfo, capacity)
		}
	}
	p.capacity = nil
	if !hasErrors(results) {
		merged, res := reconcile(rl.Items, outputs, !found.onlyFunctionConfig, p.itemFiles)
		res = append(res, autoscalerConflicts(rl.Items, outputs, p.itemFiles)...)
		results = append(results, res...)
		if !hasErrors(res) {
			rl.Items = merged
			results = append(results, generatedInfo...)
			p.capacity = capacityInfo
		}
	}
	rl.Results = append(rl.Results, results...)
	p.results = results
	if hasErrors(results) {
		return results
	}
	return nil
}

// generate decodes, defaults, validates and builds one pipeline, then runs
// what the API server of its Kubernetes version would do on creating the
// objects, reporting every problem at once.
func generate(src pipelineSource, kubernetesVersion string) (*pipelineOutput, framework.Results) {
	d := decode.Pipeline(src.node)
	p := d.Pipeline
	if p == nil {
		return nil, src.origin.errorResults(d.Errs)
	}
	resolved := defaults.Resolve(p, kubernetesVersion)
	errs, built, serverWarnings, err := validation.Check(p, resolved, d.Invalid)
	if err != nil {
		return nil, append(src.origin.errorResults(append(d.Errs, errs...)), src.origin.result(framework.Error, validation.FindingAt("", "%v", err)))
	}
	errs = append(d.Errs, errs...)
	results := src.origin.errorResults(errs)
	if hasErrors(results) {
		// Warnings wait until the errors are fixed, so the errors stand out.
		return nil, results
	}
	dep := built[0].(*appsv1.Deployment)
	podSecurity, err := validation.PodSecurityFindings(p, resolved, &dep.Spec.Template)
	if err != nil {
		return nil, append(results, src.origin.result(framework.Error, validation.FindingAt("", "%v", err)))
	}
	ws := append(validation.Warnings(p, resolved), serverWarnings...)
	results = append(results, src.origin.results(framework.Warning, append(ws, podSecurity...))...)
	out := &pipelineOutput{owner: objects.OwnerKey(p.Namespace, p.Name), origin: src.origin, capacity: objects.Capacity(dep, resolved)}
	for _, obj := range built {
		node, err := yamlnode.FromObject(obj)
		if err != nil {
			return nil, append(results, src.origin.result(framework.Error, validation.FindingAt("", "%v", err)))
		}
		out.nodes = append(out.nodes, node)
	}
	return out, results
}

// describeGenerated names the generated objects, as the replaced program
// exported the names of what it created.
func describeGenerated(nodes []*yaml.RNode) string {
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = fmt.Sprintf("%s %s", n.GetKind(), objects.OwnerKey(n.GetNamespace(), n.GetName()))
	}
	return strings.Join(names, ", ")
}
