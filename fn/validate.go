package fn

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// validate checks every rule of the API and returns all problems at once.
func validate(p *v1alpha1.MLPipeline, set settings) []finding {
	var errs []finding
	errs = append(errs, validateMetadata(p)...)
	errs = append(errs, validateContainer(p, set)...)
	errs = append(errs, validatePod(p, set)...)
	errs = append(errs, validateAutoscaling(p, set)...)
	errs = append(errs, validatePDB(p)...)
	return errs
}

func validateMetadata(p *v1alpha1.MLPipeline) []finding {
	var errs []finding
	if p.Name == "" {
		errs = append(errs, findingAt("metadata.name", "is required"))
	} else {
		errs = append(errs, dns1123Label("metadata.name", p.Name)...)
	}
	if p.Namespace != "" {
		errs = append(errs, dns1123Label("metadata.namespace", p.Namespace)...)
	}
	errs = append(errs, fromFieldErrors(metav1validation.ValidateLabels(p.Labels, field.NewPath("metadata", "labels")))...)
	errs = append(errs, reservedLabelConflicts(p, "metadata.labels", p.Labels)...)
	return errs
}

func validateContainer(p *v1alpha1.MLPipeline, set settings) []finding {
	s := p.Spec
	var errs []finding
	if s.Image == "" {
		errs = append(errs, findingAt("spec.image", "is required"))
	} else if _, err := parseImageRef(s.Image); err != nil {
		errs = append(errs, findingAt("spec.image", "%q %v", s.Image, err))
	}
	if s.ContainerName != "" {
		errs = append(errs, dns1123Label("spec.containerName", s.ContainerName)...)
	}
	seenEnv := map[string]int{}
	for i, e := range s.Env {
		path := fmt.Sprintf("spec.env[%d].name", i)
		switch first, dup := seenEnv[e.Name]; {
		case e.Name == "":
			errs = append(errs, findingAt(path, "is required"))
		case dup:
			errs = append(errs, findingAt(path, "%q duplicates spec.env[%d]", e.Name, first))
		default:
			seenEnv[e.Name] = i
		}
	}
	seenPort := map[string]int{}
	seenNumber := map[string]int{}
	for i, port := range s.Ports {
		path := fmt.Sprintf("spec.ports[%d]", i)
		errs = append(errs, portNumber(path+".containerPort", port.ContainerPort, true)...)
		errs = append(errs, portNumber(path+".hostPort", port.HostPort, false)...)
		// The API server warns about a port number given twice for the same protocol.
		protocol := port.Protocol
		if protocol == "" {
			protocol = corev1.ProtocolTCP
		}
		number := fmt.Sprintf("%d/%s", port.ContainerPort, protocol)
		if first, dup := seenNumber[number]; dup {
			errs = append(errs, findingAt(path+".containerPort", "%s duplicates spec.ports[%d]", number, first))
		} else {
			seenNumber[number] = i
		}
		if port.Name == "" {
			continue
		}
		for _, msg := range validation.IsValidPortName(port.Name) {
			errs = append(errs, findingAt(path+".name", "%q: %s", port.Name, msg))
		}
		if first, dup := seenPort[port.Name]; dup {
			errs = append(errs, findingAt(path+".name", "%q duplicates spec.ports[%d]", port.Name, first))
		} else {
			seenPort[port.Name] = i
		}
	}
	errs = append(errs, validateResources(s.Resources)...)
	errs = append(errs, validateGPU(s, set)...)
	return errs
}

func validateResources(r corev1.ResourceRequirements) []finding {
	var errs []finding
	for _, list := range []struct {
		path  string
		items corev1.ResourceList
	}{{"spec.resources.requests", r.Requests}, {"spec.resources.limits", r.Limits}} {
		for _, name := range sortedResourceNames(list.items) {
			if q := list.items[name]; q.Sign() < 0 {
				errs = append(errs, findingAt(list.path+"."+string(name), "must not be negative, got %s", q.String()))
			}
		}
	}
	for _, name := range sortedResourceNames(r.Requests) {
		limit, ok := r.Limits[name]
		if request := r.Requests[name]; ok && request.Cmp(limit) > 0 {
			errs = append(errs, findingAt("spec.resources.requests."+string(name),
				"%s is more than its limit %s (spec.resources.limits.%s)", request.String(), limit.String(), name))
		}
	}
	return errs
}

func validateGPU(s v1alpha1.MLPipelineSpec, set settings) []finding {
	if s.GPU == nil {
		return nil
	}
	var errs []finding
	if s.GPU.Count < 0 {
		errs = append(errs, findingAt("spec.gpu.count", "must be 0 or more, got %d", s.GPU.Count))
	}
	if s.GPU.ResourceName != "" {
		if msg := extendedResourceNameError(s.GPU.ResourceName); msg != "" {
			errs = append(errs, findingAt("spec.gpu.resourceName", "%q %s", s.GPU.ResourceName, msg))
		}
	}
	for _, list := range []struct {
		name  string
		items corev1.ResourceList
	}{{"limits", s.Resources.Limits}, {"requests", s.Resources.Requests}} {
		if _, given := list.items[set.gpuResource]; given && set.gpuCount > 0 {
			errs = append(errs, findingAt("spec.gpu.count",
				"conflicts with spec.resources.%s.%s; set the GPU count in one place", list.name, set.gpuResource))
		}
	}
	return errs
}

// extendedResourceNameError applies the API server's rule: a domain-prefixed
// name outside kubernetes.io, usable as a resource quota key.
func extendedResourceNameError(name string) string {
	domain, _, found := strings.Cut(name, "/")
	switch {
	case !found:
		return "must be domain-prefixed, like nvidia.com/gpu"
	case domain == "kubernetes.io" || strings.HasSuffix(domain, ".kubernetes.io"):
		return "must not be in the kubernetes.io domain"
	}
	if msgs := validation.IsQualifiedName(name); len(msgs) > 0 {
		return strings.Join(msgs, "; ")
	}
	if msgs := validation.IsQualifiedName("requests." + name); len(msgs) > 0 {
		return "is too long to be used as a resource quota key"
	}
	return ""
}

func validatePod(p *v1alpha1.MLPipeline, set settings) []finding {
	s := p.Spec
	var errs []finding
	errs = append(errs, fromFieldErrors(metav1validation.ValidateLabels(s.PodLabels, field.NewPath("spec", "podLabels")))...)
	errs = append(errs, reservedLabelConflicts(p, "spec.podLabels", s.PodLabels)...)
	errs = append(errs, fromFieldErrors(apivalidation.ValidateAnnotations(s.PodAnnotations, field.NewPath("spec", "podAnnotations")))...)
	if s.ServiceAccountName != "" {
		for _, msg := range validation.IsDNS1123Subdomain(s.ServiceAccountName) {
			errs = append(errs, findingAt("spec.serviceAccountName", "%q: %s", s.ServiceAccountName, msg))
		}
	}
	if s.Replicas != nil && *s.Replicas < 0 {
		errs = append(errs, findingAt("spec.replicas", "must be 0 or more, got %d", *s.Replicas))
	}

	volumes := map[string]int{}
	for i, v := range s.Volumes {
		path := fmt.Sprintf("spec.volumes[%d].name", i)
		if v.Name == "" {
			errs = append(errs, findingAt(path, "is required"))
			continue
		}
		errs = append(errs, dns1123Label(path, v.Name)...)
		if first, dup := volumes[v.Name]; dup {
			errs = append(errs, findingAt(path, "%q duplicates spec.volumes[%d]", v.Name, first))
		}
		if v.Name == TmpVolumeName && set.writableTmp {
			errs = append(errs, findingAt(path, "%q is the writable volume the function mounts at %s; rename it or mount a volume at %s yourself",
				v.Name, TmpMountPath, TmpMountPath))
		}
		volumes[v.Name] = i
	}
	mountPaths := map[string]int{}
	for i, m := range s.VolumeMounts {
		path := fmt.Sprintf("spec.volumeMounts[%d]", i)
		if _, ok := volumes[m.Name]; !ok {
			errs = append(errs, findingAt(path+".name", "%q is not declared in spec.volumes", m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, findingAt(path+".mountPath", "is required"))
		} else if first, dup := mountPaths[m.MountPath]; dup {
			errs = append(errs, findingAt(path+".mountPath", "%q duplicates spec.volumeMounts[%d]", m.MountPath, first))
		} else {
			mountPaths[m.MountPath] = i
		}
	}
	return append(errs, validateTolerations(s.Tolerations)...)
}

// validateTolerations checks what the API server would reject at apply
// time: an unknown operator or effect, a value with Exists, a key missing
// with Equal.
func validateTolerations(tolerations []corev1.Toleration) []finding {
	var errs []finding
	for i, t := range tolerations {
		path := fmt.Sprintf("spec.tolerations[%d]", i)
		switch t.Operator {
		case corev1.TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, findingAt(path+".value", "must be empty when operator is Exists"))
			}
		case "", corev1.TolerationOpEqual:
			if t.Key == "" {
				errs = append(errs, findingAt(path+".key", "is required unless operator is Exists"))
			}
		default:
			errs = append(errs, findingAt(path+".operator", "%q is not Exists or Equal", t.Operator))
		}
		switch t.Effect {
		case "", corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			errs = append(errs, findingAt(path+".effect", "%q is not NoSchedule, PreferNoSchedule or NoExecute", t.Effect))
		}
		if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
			errs = append(errs, findingAt(path+".tolerationSeconds", "is only used with effect NoExecute"))
		}
		if t.Key != "" {
			for _, msg := range validation.IsQualifiedName(t.Key) {
				errs = append(errs, findingAt(path+".key", "%q: %s", t.Key, msg))
			}
		}
	}
	return errs
}

func validatePDB(p *v1alpha1.MLPipeline) []finding {
	b := p.Spec.PodDisruptionBudget
	if b == nil {
		return nil
	}
	var errs []finding
	if b.MinAvailable != nil && b.MaxUnavailable != nil {
		errs = append(errs, findingAt("spec.podDisruptionBudget.minAvailable", "set minAvailable or maxUnavailable, not both"))
	}
	errs = append(errs, intOrPercent("spec.podDisruptionBudget.minAvailable", b.MinAvailable)...)
	errs = append(errs, intOrPercent("spec.podDisruptionBudget.maxUnavailable", b.MaxUnavailable)...)
	return errs
}

func intOrPercent(path string, v *intstr.IntOrString) []finding {
	if v == nil {
		return nil
	}
	if v.Type == intstr.Int {
		if v.IntVal < 0 {
			return []finding{findingAt(path, "must be 0 or more, got %d", v.IntVal)}
		}
		return nil
	}
	var pct int
	if _, err := fmt.Sscanf(v.StrVal, "%d%%", &pct); err != nil || fmt.Sprintf("%d%%", pct) != v.StrVal || pct < 0 || pct > 100 {
		return []finding{findingAt(path, "%q must be a whole number or a percentage from 0%% to 100%%", v.StrVal)}
	}
	return nil
}

func reservedLabelConflicts(p *v1alpha1.MLPipeline, path string, labels map[string]string) []finding {
	var errs []finding
	reserved := reservedLabels(p)
	for _, key := range sortedKeys(labels) {
		if want, ok := reserved[key]; ok && labels[key] != want {
			errs = append(errs, findingAt(path+"."+key, "is set by the function to %q (the selector and ownership rely on it)", want))
		}
	}
	return errs
}

func dns1123Label(path, value string) []finding {
	return valueFindings(path, value, "is not a DNS-1123 label: ", validation.IsDNS1123Label(value))
}

// valueFindings turns the messages of an apimachinery IsXxx check of value
// into findings at path, each quoting the value.
func valueFindings(path, value, what string, msgs []string) []finding {
	errs := make([]finding, 0, len(msgs))
	for _, msg := range msgs {
		errs = append(errs, findingAt(path, "%q %s%s", value, what, msg))
	}
	return errs
}

func portNumber(path string, port int32, required bool) []finding {
	if port == 0 && !required {
		return nil
	}
	if port < 1 || port > 65535 {
		return []finding{findingAt(path, "must be 1 to 65535, got %d", port)}
	}
	return nil
}

func fromFieldErrors(list field.ErrorList) []finding {
	out := make([]finding, 0, len(list))
	for _, e := range list {
		out = append(out, findingAt(e.Field, "%s", e.ErrorBody()))
	}
	return out
}
