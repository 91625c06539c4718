package serverside

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Violation is one Pod Security check a pod would fail, in the evaluator's
// own words.
type Violation struct {
	Reason string
	Detail string
}

var (
	evaluatorOnce sync.Once
	evaluator     policy.Evaluator
	evaluatorErr  error
)

// PodSecurity evaluates a pod template with Pod Security's own checks at
// the "restricted" level of Kubernetes minor version, as the admission
// plugin does for a namespace labelled
// pod-security.kubernetes.io/enforce=restricted.
func PodSecurity(version string, template *corev1.PodTemplateSpec) ([]Violation, error) {
	if !IsSupported(version) {
		return nil, fmt.Errorf("unsupported Kubernetes version %q (supported: %v)", version, Versions)
	}
	evaluatorOnce.Do(func() {
		evaluator, evaluatorErr = policy.NewEvaluator(policy.DefaultChecks(), nil)
	})
	if evaluatorErr != nil {
		return nil, fmt.Errorf("building the Pod Security evaluator: %w", evaluatorErr)
	}
	level := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: podSecurityVersion(version)}
	var out []Violation
	for _, r := range evaluator.EvaluatePod(level, &template.ObjectMeta, &template.Spec) {
		if !r.Allowed {
			out = append(out, Violation{Reason: r.ForbiddenReason, Detail: r.ForbiddenDetail})
		}
	}
	return out, nil
}
