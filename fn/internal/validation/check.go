package validation

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/fieldpath"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/serverside"
)

// Check runs every rule on one decoded pipeline: the function's own, then
// the API server's on the objects built from it (server.go), and
// returns all errors at once, the objects, and the server's warnings.
// invalid holds the fields that failed to decode: rules that read them
// stay silent. err is for checks that could not run at all.
func Check(p *v1alpha1.MLPipeline, resolved defaults.Settings, invalid fieldpath.Set) (errs field.ErrorList, built []runtime.Object, serverWarnings []Finding, err error) {
	for _, e := range validate(p, resolved, invalid) {
		if !invalid.Covers(e.Field) {
			errs = append(errs, e)
		}
	}
	built, err = objects.Build(p, resolved)
	if err != nil {
		if len(errs) > 0 {
			return errs, nil, nil, nil
		}
		return errs, nil, nil, err
	}
	if !serverside.IsSupported(resolved.KubernetesVersion) {
		return errs, built, nil, nil
	}
	serverErrs, warns, err := serverFindings(p, resolved, built, invalid)
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
		if !invalid.Covers(e.Field) && !reportedNear(functionErrs, e.Field) {
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
	return errs, built, warns, nil
}

// dormantHPAErrors checks spec.autoscaling.metrics and behavior while
// autoscaling is off, with the server's rules on an HPA that is not
// emitted, so that switching autoscaling on later does not reveal mistakes
// written long before.
func dormantHPAErrors(p *v1alpha1.MLPipeline, resolved defaults.Settings, invalid fieldpath.Set) (field.ErrorList, error) {
	a := p.Spec.Autoscaling
	if resolved.Autoscaling || a == nil || (len(a.Metrics) == 0 && a.Behavior == nil) {
		return nil, nil
	}
	on := resolved
	on.Autoscaling = true
	on.MinReplicas = max(on.MinReplicas, 1)
	on.MaxReplicas = max(on.MaxReplicas, on.MinReplicas)
	errs, _, err := serverFindings(p, on, []runtime.Object{objects.HPA(p, on)}, invalid)
	if err != nil {
		return nil, err
	}
	var out field.ErrorList
	for _, e := range errs {
		if fieldpath.IsUnder(e.Field, "spec.autoscaling.metrics") || fieldpath.IsUnder(e.Field, "spec.autoscaling.behavior") {
			out = append(out, e)
		}
	}
	return out, nil
}

// reportedNear says whether the function's own rules refused path or a
// field under it: the server's rule there says the same thing again, less
// precisely (a duplicate container port is also the Service's duplicate
// port).
func reportedNear(errs field.ErrorList, path string) bool {
	for _, e := range errs {
		if e.Field == path || fieldpath.IsUnder(e.Field, path) {
			return true
		}
	}
	return false
}
