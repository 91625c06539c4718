package fn

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Processor is the mlpipeline-fn ResourceListProcessor.
type Processor struct {
	// ConfigFile is the functionConfig's file when run standalone, and
	// ItemFiles the file of each item, so that results can name them;
	// orchestrators annotate items with their files instead.
	ConfigFile string
	ItemFiles  map[*yaml.Node]string
	// Results are the results of the last Process, for the command to show
	// on stderr: kustomize and standalone runs show no ResourceList results.
	Results framework.Results
	// Capacity are the capacity envelope results among Results, one per
	// generated pipeline, which standalone runs also print on stderr.
	Capacity framework.Results
}

var _ framework.ResourceListProcessor = (*Processor)(nil)

// Process generates the objects of every MLPipeline in the list. On any
// error the items are left exactly as they came, and every problem is
// reported, not only the first.
func (p *Processor) Process(rl *framework.ResourceList) (err error) {
	// A bug must still end as an error result, never as a stack trace.
	defer func() {
		if r := recover(); r != nil {
			crash := framework.Results{{Severity: framework.Error, Message: fmt.Sprintf("internal error: %v", r)}}
			rl.Results = append(rl.Results, crash...)
			p.Results = crash
			err = crash
		}
	}()
	found := collectPipelines(rl.Items, rl.FunctionConfig, p.ConfigFile, p.ItemFiles)
	results := found.results
	outputs := make([]pipelineOutput, 0, len(found.sources))
	var generatedInfo, capacityInfo framework.Results
	for _, src := range found.sources {
		out, res := generate(src)
		results = append(results, res...)
		if out != nil {
			outputs = append(outputs, *out)
			capacity := out.origin.result(framework.Info, findingAt("", "%s", out.capacity))
			generatedInfo = append(generatedInfo,
				out.origin.result(framework.Info, findingAt("", "generated %s", describeGenerated(out.nodes))), capacity)
			capacityInfo = append(capacityInfo, capacity)
		}
	}
	p.Capacity = nil
	if !hasErrors(results) {
		merged, res := reconcile(rl.Items, outputs, !found.onlyFunctionConfig, p.ItemFiles)
		results = append(results, res...)
		if !hasErrors(res) {
			rl.Items = merged
			results = append(results, generatedInfo...)
			p.Capacity = capacityInfo
		}
	}
	rl.Results = append(rl.Results, results...)
	p.Results = results
	if hasErrors(results) {
		return results
	}
	return nil
}

// generate decodes, defaults, validates and builds one pipeline.
func generate(src pipelineSource) (*pipelineOutput, framework.Results) {
	d := decodePipeline(src.node)
	p := d.pipeline
	if p == nil {
		return nil, src.origin.errorResults(d.errs)
	}
	resolved := resolve(p)
	errs := d.errs
	for _, e := range validate(p, resolved, d.invalid) {
		if !d.touchesInvalid(e) {
			errs = append(errs, e)
		}
	}
	results := src.origin.errorResults(errs)
	if hasErrors(results) {
		// Warnings wait until the errors are fixed, so the errors stand out.
		return nil, results
	}
	results = append(results, src.origin.results(framework.Warning, warnings(p, resolved))...)
	dep := deployment(p, resolved)
	objects := []any{dep}
	if resolved.autoscaling {
		objects = append(objects, hpa(p, resolved))
	}
	if resolved.pdb {
		objects = append(objects, pdb(p, resolved))
	}
	if resolved.service {
		objects = append(objects, service(p, resolved))
	}
	out := &pipelineOutput{owner: ownerKey(p.Namespace, p.Name), origin: src.origin, capacity: capacity(dep, resolved)}
	for _, obj := range objects {
		node, err := toNode(obj)
		if err != nil {
			return nil, append(results, src.origin.result(framework.Error, findingAt("", "%v", err)))
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
		names[i] = fmt.Sprintf("%s %s", n.GetKind(), ownerKey(n.GetNamespace(), n.GetName()))
	}
	return strings.Join(names, ", ")
}
