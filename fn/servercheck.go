package fn

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/serverside"
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
func serverFindings(p *v1alpha1.MLPipeline, resolved settings, objects []runtime.Object, skip pathSet) (field.ErrorList, []finding, error) {
	var errs field.ErrorList
	var warns []finding
	version := resolved.kubernetesVersion
	for _, obj := range objects {
		if _, ok := obj.(*scaledObject); ok {
			// Not a built-in kind: KEDA's rules are the function's own
			// (validate_keda.go), and kedaHPAErrors checks the HPA KEDA makes.
			continue
		}
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		report, err := serverside.Create(version, obj)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", kind, ownerKey(p.Namespace, p.Name), err)
		}
		// The validation walks maps in Go's random order: sort, so that the
		// same input always gives the same errors.
		sort.SliceStable(report.Causes, func(i, j int) bool {
			a, b := report.Causes[i], report.Causes[j]
			return a.Field < b.Field || (a.Field == b.Field && a.Message < b.Message)
		})
		for _, c := range report.Causes {
			if mapped, _ := userPath(kind, c.Field, p, resolved); mapped != "" && skip.covers(mapped) {
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
func serverError(kind string, c serverside.Cause, p *v1alpha1.MLPipeline, resolved settings) *field.Error {
	detail := strings.TrimPrefix(c.Message, c.Type.String()+": ")
	if c.Message == c.Type.String() {
		detail = ""
	}
	return atUserField(kind, c.Field, p, resolved, c.Type, func(at string) string { return detail + at })
}

// atUserField builds an error of type t at the MLPipeline field behind
// path of a generated object of kind; message gets "" or, for a field the
// function set, a note naming the object and field.
func atUserField(kind, path string, p *v1alpha1.MLPipeline, resolved settings, t field.ErrorType, message func(at string) string) *field.Error {
	if user, wrote := userPath(kind, path, p, resolved); wrote {
		return &field.Error{Type: t, Field: user, BadValue: field.OmitValueType{}, Detail: message("")}
	}
	return &field.Error{Type: t, Field: "", BadValue: field.OmitValueType{},
		Detail: message(fmt.Sprintf(" (at %s of the generated %s %s, a value the function set)", path, kind, ownerKey(p.Namespace, p.Name)))}
}

// A create warning that starts with the path it is about, as the
// strategies' warnings do ("spec.template.spec.containers[0].ports[0]: …").
var warningPath = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9]*(?:\.[a-zA-Z][a-zA-Z0-9]*|\[[^\]]*\])*): (.*)$`)

func serverWarning(kind, text string, p *v1alpha1.MLPipeline, resolved settings) finding {
	const who = "the API server warns: "
	if m := warningPath.FindStringSubmatch(text); m != nil {
		if user, wrote := userPath(kind, m[1], p, resolved); wrote {
			return findingAt(user, "%s%s", who, m[2])
		}
		return findingAt("", "%s%s (at %s of the generated %s %s)", who, m[2], m[1], kind, ownerKey(p.Namespace, p.Name))
	}
	return findingAt("", "%s%s (on the generated %s %s)", who, text, kind, ownerKey(p.Namespace, p.Name))
}

// podSecurityFindings evaluates the generated pod template with Pod
// Security's own checks at "restricted", at the pipeline's version. Each
// finding quotes the evaluator and names the MLPipeline field to change; it
// stays a warning, as namespaces may run "baseline".
func podSecurityFindings(p *v1alpha1.MLPipeline, resolved settings, template *corev1.PodTemplateSpec) ([]finding, error) {
	violations, err := serverside.PodSecurity(resolved.kubernetesVersion, template)
	if err != nil {
		return nil, err
	}
	out := make([]finding, 0, len(violations))
	for _, v := range violations {
		reason := v.Reason
		if v.Detail != "" {
			reason += " (" + v.Detail + ")"
		}
		out = append(out, findingAt(podSecurityField(p, v), "Pod Security \"restricted\" (Kubernetes %s) would refuse the pods: %s", resolved.kubernetesVersion, reason))
	}
	return out, nil
}

// The security context field each Pod Security check reads.
var podSecurityFields = map[string]string{
	"allowPrivilegeEscalation != false": "allowPrivilegeEscalation",
	"unrestricted capabilities":         "capabilities",
	"non-default capabilities":          "capabilities",
	"privileged":                        "privileged",
	"procMount":                         "procMount",
	"runAsNonRoot != true":              "runAsNonRoot",
	"runAsUser=0":                       "runAsUser",
	"seLinuxOptions":                    "seLinuxOptions",
	"seccompProfile":                    "seccompProfile",
	"hostProcess":                       "windowsOptions",
}

var quotedName = regexp.MustCompile(`"([^"]+)"`)

// podSecurityField names the MLPipeline field to change for a violation:
// the volumes, ports or sysctls it names, or the security context of the
// container it names (the pod's when it names the pod).
func podSecurityField(p *v1alpha1.MLPipeline, v serverside.Violation) string {
	switch {
	case v.Reason == "hostPath volumes" || v.Reason == "restricted volume types":
		return "spec.volumes"
	case v.Reason == "forbidden sysctls":
		return "spec.podSecurityContext.sysctls"
	case v.Reason == "hostPort":
		return "spec.ports"
	case v.Reason == "probe or lifecycle host":
		return "spec"
	case strings.Contains(v.Reason, "AppArmor"):
		return securityContextOf(p, v.Detail) + ".appArmorProfile"
	}
	sub, ok := podSecurityFields[v.Reason]
	if !ok {
		return "spec.podSecurityContext"
	}
	return securityContextOf(p, v.Detail) + "." + sub
}

// securityContextOf is the security context field of the first container
// the evaluator's detail names, or the pod's.
func securityContextOf(p *v1alpha1.MLPipeline, detail string) string {
	if strings.HasPrefix(detail, "pod ") {
		return "spec.podSecurityContext"
	}
	for _, m := range quotedName.FindAllStringSubmatch(detail, -1) {
		for i, c := range p.Spec.InitContainers {
			if c.Name == m[1] {
				return fmt.Sprintf("spec.initContainers[%d].securityContext", i)
			}
		}
	}
	return "spec.securityContext"
}
