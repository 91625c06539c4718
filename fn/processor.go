package fn

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/serverside"

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
	// KubernetesVersion is the Kubernetes minor for pipelines that do not
	// set spec.kubernetesVersion; empty means serverside.DefaultVersion.
	KubernetesVersion string
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
		out, res := generate(src, p.KubernetesVersion)
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

// generate decodes, defaults, validates and builds one pipeline, then runs
// what the API server of its Kubernetes version would do on creating the
// objects, reporting every problem at once.
func generate(src pipelineSource, kubernetesVersion string) (*pipelineOutput, framework.Results) {
	d := decodePipeline(src.node)
	p := d.pipeline
	if p == nil {
		return nil, src.origin.errorResults(d.errs)
	}
	resolved := resolve(p, kubernetesVersion)
	errs, objects, serverWarnings, err := check(p, resolved, d.invalid)
	if err != nil {
		return nil, append(src.origin.errorResults(append(d.errs, errs...)), src.origin.result(framework.Error, findingAt("", "%v", err)))
	}
	errs = append(d.errs, errs...)
	results := src.origin.errorResults(errs)
	if hasErrors(results) {
		// Warnings wait until the errors are fixed, so the errors stand out.
		return nil, results
	}
	dep := objects[0].(*appsv1.Deployment)
	podSecurity, err := podSecurityFindings(p, resolved, &dep.Spec.Template)
	if err != nil {
		return nil, append(results, src.origin.result(framework.Error, findingAt("", "%v", err)))
	}
	ws := append(warnings(p, resolved), serverWarnings...)
	results = append(results, src.origin.results(framework.Warning, append(ws, podSecurity...))...)
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

// check runs every rule on one decoded pipeline: the function's own, then
// the API server's on the objects built from it (servercheck.go), and
// returns all errors at once, the objects, and the server's warnings.
// invalid holds the fields that failed to decode: rules that read them
// stay silent. err is for checks that could not run at all.
func check(p *v1alpha1.MLPipeline, resolved settings, invalid pathSet) (errs field.ErrorList, objects []runtime.Object, serverWarnings []finding, err error) {
	for _, e := range validate(p, resolved, invalid) {
		if !invalid.covers(e.Field) {
			errs = append(errs, e)
		}
	}
	objects, err = build(p, resolved)
	if err != nil {
		if len(errs) > 0 {
			return errs, nil, nil, nil
		}
		return errs, nil, nil, err
	}
	if !serverside.IsSupported(resolved.kubernetesVersion) {
		return errs, objects, nil, nil
	}
	serverErrs, warns, err := serverFindings(p, resolved, objects, invalid)
	if err != nil {
		return errs, nil, nil, err
	}
	functionErrs := errs
	for _, e := range serverErrs {
		// A refused value the function set follows, almost surely, from a
		// field the function's own rules refused already.
		if e.Field == "" && len(functionErrs) > 0 {
			continue
		}
		if !invalid.covers(e.Field) && !reportedNear(functionErrs, e.Field) {
			errs = append(errs, e)
		}
	}
	dormant, err := dormantHPAErrors(p, resolved, invalid)
	if err != nil {
		return errs, nil, nil, err
	}
	kedaErrs, err := kedaHPAErrors(p, resolved, invalid)
	if err != nil {
		return errs, nil, nil, err
	}
	for _, e := range append(dormant, kedaErrs...) {
		if !reportedNear(functionErrs, e.Field) {
			errs = append(errs, e)
		}
	}
	return errs, objects, warns, nil
}

// dormantHPAErrors checks spec.autoscaling.metrics and behavior while
// autoscaling is off, with the server's rules on an HPA that is not
// emitted, so that switching autoscaling on later does not reveal mistakes
// written long before.
func dormantHPAErrors(p *v1alpha1.MLPipeline, resolved settings, invalid pathSet) (field.ErrorList, error) {
	a := p.Spec.Autoscaling
	if resolved.autoscaling || a == nil || (len(a.Metrics) == 0 && a.Behavior == nil) {
		return nil, nil
	}
	on := resolved
	on.autoscaling = true
	on.minReplicas = max(on.minReplicas, 1)
	on.maxReplicas = max(on.maxReplicas, on.minReplicas)
	errs, _, err := serverFindings(p, on, []runtime.Object{hpa(p, on)}, invalid)
	if err != nil {
		return nil, err
	}
	var out field.ErrorList
	for _, e := range errs {
		if isUnder(e.Field, "spec.autoscaling.metrics") || isUnder(e.Field, "spec.autoscaling.behavior") {
			out = append(out, e)
		}
	}
	return out, nil
}

// build makes the typed objects of a pipeline, the Deployment first. The
// builders expect a pipeline that passed validation; the server's checks
// run on what they make of one that did not, so a builder's panic on such
// a pipeline is an error here, reported after the validation errors.
func build(p *v1alpha1.MLPipeline, resolved settings) (objects []runtime.Object, err error) {
	defer func() {
		if r := recover(); r != nil {
			objects, err = nil, fmt.Errorf("internal error building the objects: %v", r)
		}
	}()
	objects = []runtime.Object{deployment(p, resolved)}
	switch {
	case resolved.autoscaling && resolved.engine == v1alpha1.EngineKEDA:
		objects = append(objects, buildScaledObject(p, resolved))
	case resolved.autoscaling:
		objects = append(objects, hpa(p, resolved))
	}
	if resolved.pdb {
		objects = append(objects, pdb(p, resolved))
	}
	if resolved.service {
		objects = append(objects, service(p, resolved))
	}
	return objects, nil
}

// reportedNear says whether the function's own rules refused path or a
// field under it: the server's rule there says the same thing again, less
// precisely (a duplicate container port is also the Service's duplicate
// port).
func reportedNear(errs field.ErrorList, path string) bool {
	for _, e := range errs {
		if e.Field == path || isUnder(e.Field, path) {
			return true
		}
	}
	return false
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
