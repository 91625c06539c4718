package validation

import (
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/serverside"
)

// PodSecurityFindings evaluates the generated pod template with Pod
// Security's own checks at "restricted", at the pipeline's version. Each
// Finding quotes the evaluator and names the MLPipeline field to change; it
// stays a warning, as namespaces may run "baseline".
func PodSecurityFindings(p *v1alpha1.MLPipeline, resolved defaults.Settings, template *corev1.PodTemplateSpec) ([]Finding, error) {
	violations, err := serverside.PodSecurity(resolved.KubernetesVersion, template)
	if err != nil {
		return nil, err
	}
	out := make([]Finding, 0, len(violations))
	for _, v := range violations {
		reason := v.Reason
		if v.Detail != "" {
			reason += " (" + v.Detail + ")"
		}
		out = append(out, FindingAt(podSecurityField(p, v), "Pod Security \"restricted\" (Kubernetes %s) would refuse the pods: %s", resolved.KubernetesVersion, reason))
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
