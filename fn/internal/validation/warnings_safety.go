package validation

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// hostPortWarnings: a host port ties each pod to one node port, so two
// replicas never share a node, and Pod Security "baseline" refuses it.
func hostPortWarnings(ports []corev1.ContainerPort, fldPath *field.Path) []Finding {
	var ws []Finding
	for i, port := range ports {
		if port.HostPort != 0 {
			ws = append(ws, warningAt(fldPath.Index(i).Child("hostPort"),
				"is set: every replica needs port %d free on its node, so replicas cannot share a node and rollouts can stall; "+
					"Pod Security \"baseline\" and \"restricted\" refuse host ports; use a Service instead", port.HostPort))
		}
	}
	return ws
}

// pdbWarnings finds budgets that refuse every voluntary eviction: a node
// drain then waits for ever on the pipeline's pods.
func pdbWarnings(resolved defaults.Settings, fldPath *field.Path) []Finding {
	if !resolved.PDB {
		return nil
	}
	if v := resolved.PDBMaxUnavailable; isZero(v) {
		return []Finding{warningAt(fldPath.Child("maxUnavailable"),
			"is %s: no pod may ever be evicted, so node drains and cluster upgrades wait for ever; allow at least 1", v.String())}
	}
	v := resolved.PDBMinAvailable
	if v == nil {
		return nil
	}
	// The fewest pods that run while the pipeline runs at all: scaled to
	// zero there is nothing to evict, but at one pod a budget of one blocks.
	fewest := max(resolved.Replicas, 1)
	if resolved.Autoscaling {
		fewest = max(resolved.MinReplicas, 1)
	}
	if v.Type == intstr.String && v.StrVal == "100%" || v.Type == intstr.Int && v.IntVal >= fewest {
		return []Finding{warningAt(fldPath.Child("minAvailable"),
			"is %s while the pipeline may run %d pod(s): no pod may be evicted then, so node drains wait for ever; keep it below the replica count",
			v.String(), fewest)}
	}
	return nil
}

// isZero says a budget allows no disruption: 0 or 0%.
func isZero(v *intstr.IntOrString) bool {
	return v != nil && (v.String() == "0" || v.String() == "0%")
}

// ignoredAutoscalingWarnings names HPA settings that take no effect because
// autoscaling is off (they are still validated, so that turning it on does
// not reveal old mistakes).
func ignoredAutoscalingWarnings(a *v1alpha1.AutoscalingSpec, resolved defaults.Settings, fldPath *field.Path) []Finding {
	if resolved.Autoscaling || a == nil {
		return nil
	}
	var ignored []string
	for _, f := range []struct {
		name  string
		given bool
	}{
		{"minReplicas", a.MinReplicas != nil}, {"maxReplicas", a.MaxReplicas != 0},
		{"targetCPUUtilizationPercentage", a.TargetCPUUtilizationPercentage != nil},
		{"targetMemoryUtilizationPercentage", a.TargetMemoryUtilizationPercentage != nil},
		{"gpu", a.GPU != nil}, {"queue", a.Queue != nil}, {"metrics", len(a.Metrics) > 0}, {"behavior", a.Behavior != nil},
		{"engine", a.Engine != ""}, {"keda", a.KEDA != nil},
	} {
		if f.given {
			ignored = append(ignored, f.name)
		}
	}
	if len(ignored) == 0 {
		return nil
	}
	return []Finding{warningAt(fldPath.Child("enabled"),
		"is false, so %s take no effect: no HPA is generated and spec.replicas sets the size; remove them or enable autoscaling",
		strings.Join(ignored, ", "))}
}
