package fn

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// podSecurityWarnings names what a user's security context gives up of Pod
// Security "restricted": namespaces that enforce it refuse such pods, and
// everywhere else the container runs with more power than it needs. The
// function's own defaults meet the profile, so only the user's contexts
// are read.
func podSecurityWarnings(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) []finding {
	var ws []finding
	// Init containers and sidecars with a context of their own: the
	// container-level rules (the pod-level ones are the pipeline's below).
	for i, c := range s.InitContainers {
		if c.SecurityContext != nil {
			ws = append(ws, containerSecurityWarnings(resolved.initContainers[i].securityContext,
				spec.Child("initContainers").Index(i).Child("securityContext"))...)
		}
	}
	if s.SecurityContext == nil && s.PodSecurityContext == nil {
		return ws
	}
	c, pod := resolved.main.securityContext, resolved.podSecurityContext
	podPath := spec.Child("podSecurityContext")
	ws = append(ws, containerSecurityWarnings(c, spec.Child("securityContext"))...)
	if user := podOrNil(pod).RunAsUser; user != nil && *user == 0 {
		ws = append(ws, warningAt(podPath.Child("runAsUser"), "is 0: the container runs as root"+restricted))
	}
	if !ptr.Deref(c.RunAsNonRoot, ptr.Deref(podOrNil(pod).RunAsNonRoot, false)) {
		ws = append(ws, warningAt(podPath.Child("runAsNonRoot"),
			"is not true in the pod or container security context: an image built to run as root runs as root"+restricted))
	}
	if !confinedSeccomp(c.SeccompProfile) && !confinedSeccomp(podOrNil(pod).SeccompProfile) {
		ws = append(ws, warningAt(podPath.Child("seccompProfile", "type"),
			"is not RuntimeDefault or Localhost: system calls are not filtered"+restricted))
	}
	return ws
}

const restricted = `, which Pod Security "restricted" forbids`

// containerSecurityWarnings are the rules of "restricted" that one
// container's security context decides on its own.
func containerSecurityWarnings(c *corev1.SecurityContext, containerPath *field.Path) []finding {
	var ws []finding
	if ptr.Deref(c.Privileged, false) {
		ws = append(ws, warningAt(containerPath.Child("privileged"), "is true: the container gets every device and capability of the node"+restricted))
	}
	if ptr.Deref(c.AllowPrivilegeEscalation, true) {
		ws = append(ws, warningAt(containerPath.Child("allowPrivilegeEscalation"),
			"is not false: a setuid binary in the image can gain privileges"+restricted+"; set it to false"))
	}
	if caps := c.Capabilities; caps == nil || !hasCapability(caps.Drop, "ALL") {
		ws = append(ws, warningAt(containerPath.Child("capabilities", "drop"),
			"does not drop ALL: the container keeps the runtime's default capabilities"+restricted+"; set drop: [ALL]"))
	}
	if caps := c.Capabilities; caps != nil {
		for i, added := range caps.Add {
			if !strings.EqualFold(string(added), "NET_BIND_SERVICE") {
				ws = append(ws, warningAt(containerPath.Child("capabilities", "add").Index(i),
					"adds %s: only NET_BIND_SERVICE may be added under Pod Security \"restricted\"", added))
			}
		}
	}
	if c.RunAsUser != nil && *c.RunAsUser == 0 {
		ws = append(ws, warningAt(containerPath.Child("runAsUser"), "is 0: the container runs as root"+restricted))
	}
	return ws
}

func podOrNil(pod *corev1.PodSecurityContext) *corev1.PodSecurityContext {
	if pod == nil {
		return &corev1.PodSecurityContext{}
	}
	return pod
}

func hasCapability(list []corev1.Capability, name corev1.Capability) bool {
	for _, c := range list {
		if strings.EqualFold(string(c), string(name)) {
			return true
		}
	}
	return false
}

func confinedSeccomp(p *corev1.SeccompProfile) bool {
	return p != nil && (p.Type == corev1.SeccompProfileTypeRuntimeDefault || p.Type == corev1.SeccompProfileTypeLocalhost)
}

// hostPortWarnings: a host port ties each pod to one node port, so two
// replicas never share a node, and Pod Security "baseline" refuses it.
func hostPortWarnings(ports []corev1.ContainerPort, fldPath *field.Path) []finding {
	var ws []finding
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
func pdbWarnings(resolved settings, fldPath *field.Path) []finding {
	if !resolved.pdb {
		return nil
	}
	if v := resolved.pdbMaxUnavailable; isZero(v) {
		return []finding{warningAt(fldPath.Child("maxUnavailable"),
			"is %s: no pod may ever be evicted, so node drains and cluster upgrades wait for ever; allow at least 1", v.String())}
	}
	v := resolved.pdbMinAvailable
	if v == nil {
		return nil
	}
	// The fewest pods that run while the pipeline runs at all: scaled to
	// zero there is nothing to evict, but at one pod a budget of one blocks.
	fewest := max(resolved.replicas, 1)
	if resolved.autoscaling {
		fewest = max(resolved.minReplicas, 1)
	}
	if v.Type == intstr.String && v.StrVal == "100%" || v.Type == intstr.Int && v.IntVal >= fewest {
		return []finding{warningAt(fldPath.Child("minAvailable"),
			"is %s while the pipeline may run %d pod(s): no pod may be evicted then, so node drains wait for ever; keep it below the replica count",
			v.String(), fewest)}
	}
	return nil
}

// ignoredAutoscalingWarnings names HPA settings that take no effect because
// autoscaling is off (they are still validated, so that turning it on does
// not reveal old mistakes).
func ignoredAutoscalingWarnings(a *v1alpha1.AutoscalingSpec, resolved settings, fldPath *field.Path) []finding {
	if resolved.autoscaling || a == nil {
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
	} {
		if f.given {
			ignored = append(ignored, f.name)
		}
	}
	if len(ignored) == 0 {
		return nil
	}
	return []finding{warningAt(fldPath.Child("enabled"),
		"is false, so %s take no effect: no HPA is generated and spec.replicas sets the size; remove them or enable autoscaling",
		strings.Join(ignored, ", "))}
}
