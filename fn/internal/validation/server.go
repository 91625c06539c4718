package validation

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/fieldpath"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/serverside"
)

// serverFindings are what the API server of the pipeline's Kubernetes
// version would say on creating the generated objects: its refusals and
// the fields it would drop, as errors, and its create warnings and Pod
// Security's findings on the pod template, as warnings; each at the
// MLPipeline field the user wrote, or naming the generated object and
// field when the function set the value itself.
//
// skip holds the MLPipeline fields that failed to decode: the server's rules
// on what the function made of them stay silent, as the function's own do.
func serverFindings(p *v1alpha1.MLPipeline, resolved defaults.Settings, built []runtime.Object, skip fieldpath.Set) (field.ErrorList, []Finding, error) {
	var errs field.ErrorList
	var warns []Finding
	version := resolved.KubernetesVersion
	for _, obj := range built {
		if _, ok := obj.(*objects.ScaledObject); ok {
			// Not a built-in kind: KEDA's rules are the function's own
			// (keda.go), and kedaHPAErrors checks the HPA KEDA makes.
			continue
		}
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		report, err := serverside.Create(version, obj)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", kind, objects.OwnerKey(p.Namespace, p.Name), err)
		}
		// The validation walks maps in Go's random order: sort, so that the
		// same input always gives the same errors.
		sort.SliceStable(report.Causes, func(i, j int) bool {
			a, b := report.Causes[i], report.Causes[j]
			return a.Field < b.Field || (a.Field == b.Field && a.Message < b.Message)
		})
		for _, c := range report.Causes {
			if mapped, _ := userPath(kind, c.Field, p, resolved); mapped != "" && skip.Covers(mapped) {
				continue
			}
			// A reference to a volume or claim not found may be to one that
			// failed to decode and was left out.
			if c.Type == field.ErrorTypeNotFound && len(skip) > 0 {
				continue
			}
			e := serverError(kind, c, p, resolved)
			// The Deployment and the Service refuse a port the same way.
			if !hasError(errs, e) {
				errs = append(errs, e)
			}
		}
		for _, path := range report.Dropped {
			errs = append(errs, atUserField(kind, path, p, resolved, field.ErrorTypeForbidden, func(at string) string {
				return fmt.Sprintf("the Kubernetes %s API server drops this field (its feature gate is off at that version), so it would never take effect%s", version, at)
			}))
		}
		for _, w := range report.Warnings {
			warns = append(warns, serverWarning(kind, w, p, resolved))
		}
	}
	return errs, warns, nil
}

func hasError(errs field.ErrorList, e *field.Error) bool {
	for _, have := range errs {
		if have.Field == e.Field && have.Type == e.Type && have.Detail == e.Detail {
			return true
		}
	}
	return false
}

// serverError is a server cause at the user's field, in the server's words.
func serverError(kind string, c serverside.Cause, p *v1alpha1.MLPipeline, resolved defaults.Settings) *field.Error {
	detail := strings.TrimPrefix(c.Message, c.Type.String()+": ")
	if c.Message == c.Type.String() {
		detail = ""
	}
	return atUserField(kind, c.Field, p, resolved, c.Type, func(at string) string { return detail + at })
}

// atUserField builds an error of type t at the MLPipeline field behind
// path of a generated object of kind; message gets "" or, for a field the
// function set, a note naming the object and field.
func atUserField(kind, path string, p *v1alpha1.MLPipeline, resolved defaults.Settings, t field.ErrorType, message func(at string) string) *field.Error {
	if user, wrote := userPath(kind, path, p, resolved); wrote {
		return &field.Error{Type: t, Field: user, BadValue: field.OmitValueType{}, Detail: message("")}
	}
	return &field.Error{Type: t, Field: "", BadValue: field.OmitValueType{},
		Detail: message(fmt.Sprintf(" (at %s of the generated %s %s, a value the function set)", path, kind, objects.OwnerKey(p.Namespace, p.Name)))}
}

// A create warning that starts with the path it is about, as the
// strategies' warnings do ("spec.template.spec.containers[0].ports[0]: …").
var warningPath = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9]*(?:\.[a-zA-Z][a-zA-Z0-9]*|\[[^\]]*\])*): (.*)$`)

func serverWarning(kind, text string, p *v1alpha1.MLPipeline, resolved defaults.Settings) Finding {
	const who = "the API server warns: "
	if m := warningPath.FindStringSubmatch(text); m != nil {
		if user, wrote := userPath(kind, m[1], p, resolved); wrote {
			return FindingAt(user, "%s%s", who, m[2])
		}
		return FindingAt("", "%s%s (at %s of the generated %s %s)", who, m[2], m[1], kind, objects.OwnerKey(p.Namespace, p.Name))
	}
	return FindingAt("", "%s%s (on the generated %s %s)", who, text, kind, objects.OwnerKey(p.Namespace, p.Name))
}
