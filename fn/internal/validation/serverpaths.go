package validation

import (
	"encoding/json"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// A generated path, split into field names and bracketed indices or keys
// ("spec", "template", "[0]"), as field.Path writes it.
type pathTokens []string

func splitPath(path string) pathTokens {
	var out pathTokens
	for i := 0; i < len(path); {
		switch path[i] {
		case '.':
			i++
		case '[':
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return append(out, path[i:])
			}
			out = append(out, path[i:i+end+1])
			i += end + 1
		default:
			end := strings.IndexAny(path[i:], ".[")
			if end < 0 {
				end = len(path) - i
			}
			out = append(out, path[i:i+end])
			i += end
		}
	}
	return out
}

func (t pathTokens) String() string {
	var b strings.Builder
	for i, s := range t {
		if i > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

func (t pathTokens) at(i int) string {
	if i < len(t) {
		return t[i]
	}
	return ""
}

func index(token string) (int, bool) {
	if !strings.HasPrefix(token, "[") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.Trim(token, "[]"))
	return n, err == nil
}

func join(head string, rest pathTokens) string {
	return append(splitPath(head), rest...).String()
}

// userPath maps a path of a generated object of kind to the MLPipeline
// field that puts the value there, "" if none does (a label, a reference
// between the generated objects). wrote is false for a value the function
// set itself: a default, or a field the user left unset.
func userPath(kind, generated string, p *v1alpha1.MLPipeline, resolved defaults.Settings) (mapped string, wrote bool) {
	t := splitPath(generated)
	switch {
	case t.at(0) == "metadata":
		mapped = metadataPath(kind, t, p)
	case kind == "Deployment":
		mapped = deploymentPath(t, p, resolved)
	case kind == "HorizontalPodAutoscaler":
		mapped = hpaPath(t, p, resolved)
	case kind == "PodDisruptionBudget":
		switch t.at(1) {
		case "minAvailable", "maxUnavailable":
			mapped = join("spec.podDisruptionBudget", t[1:])
		case "":
			// The rules on both fields together report at spec.
			mapped = "spec.podDisruptionBudget"
		}
	case kind == "Service":
		mapped = servicePath(t, p)
	}
	return mapped, mapped != "" && wroteField(p, mapped)
}

func metadataPath(kind string, t pathTokens, p *v1alpha1.MLPipeline) string {
	switch t.at(1) {
	case "name", "namespace", "labels":
		return t.String()
	case "annotations":
		key := strings.Trim(t.at(2), "[]")
		if kind == "Service" && p.Spec.Service != nil {
			// The key syntax rule reports at annotations, without the key.
			if _, ok := p.Spec.Service.Annotations[key]; ok || (key == "" && len(p.Spec.Annotations) == 0) {
				return join("spec.service.annotations", t[2:])
			}
		}
		return join("spec.annotations", t[2:])
	}
	return ""
}

func deploymentPath(t pathTokens, p *v1alpha1.MLPipeline, resolved defaults.Settings) string {
	if t.at(1) != "template" {
		switch t.at(1) {
		case "replicas", "strategy", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds":
			return t.String()
		}
		return ""
	}
	if t.at(2) == "metadata" {
		switch t.at(3) {
		case "labels":
			return join("spec.podLabels", t[4:])
		case "annotations":
			return join("spec.podAnnotations", t[4:])
		}
		return ""
	}
	if t.at(2) != "spec" {
		return ""
	}
	pod := t[3:]
	s := p.Spec
	switch pod.at(0) {
	case "containers":
		return containerPath("spec", pod[2:], s.Env, s.VolumeMounts, resolved.Main, resolved, true)
	case "initContainers":
		i, ok := index(pod.at(1))
		if !ok || i >= len(s.InitContainers) {
			return ""
		}
		c := s.InitContainers[i]
		return containerPath("spec.initContainers["+strconv.Itoa(i)+"]", pod[2:], c.Env, c.VolumeMounts, resolved.InitContainers[i], resolved, false)
	case "securityContext":
		return join("spec.podSecurityContext", pod[1:])
	case "serviceAccount":
		return "spec.serviceAccountName"
	case "volumes":
		return listItem("spec.volumes", pod, len(s.Volumes))
	case "tolerations":
		return listItem("spec.tolerations", pod, len(s.Tolerations))
	case "topologySpreadConstraints", "affinity", "nodeSelector", "serviceAccountName",
		"automountServiceAccountToken", "imagePullSecrets", "priorityClassName",
		"runtimeClassName", "terminationGracePeriodSeconds", "resourceClaims":
		return join("spec", pod)
	}
	return ""
}

// listItem maps an item of a list that holds the user's items first and
// then the function's own.
func listItem(head string, t pathTokens, userItems int) string {
	i, ok := index(t.at(1))
	if !ok {
		return join(head, t[1:])
	}
	if i >= userItems {
		return ""
	}
	return join(head, t[1:])
}

func containerPath(head string, t pathTokens, env []corev1.EnvVar, mounts []corev1.VolumeMount, d defaults.Container, resolved defaults.Settings, main bool) string {
	switch t.at(0) {
	case "name":
		if main {
			return "spec.containerName"
		}
	case "env":
		i, ok := index(t.at(1))
		if !ok {
			return join(head, t)
		}
		if d.Home {
			i--
		}
		if i < 0 || i >= len(env) {
			return ""
		}
		return join(head+".env["+strconv.Itoa(i)+"]", t[2:])
	case "volumeMounts":
		return listItem(head+".volumeMounts", t, len(mounts))
	case "resources":
		if main && t.at(1) == "limits" && resolved.GPUCount > 0 && t.at(2) == "["+string(resolved.GPUResource)+"]" {
			return "spec.gpu.count"
		}
	}
	if len(t) == 0 {
		return head
	}
	return join(head, t)
}

func hpaPath(t pathTokens, p *v1alpha1.MLPipeline, resolved defaults.Settings) string {
	switch t.at(1) {
	case "minReplicas", "maxReplicas", "behavior":
		return join("spec.autoscaling", t[1:])
	case "metrics":
	default:
		return ""
	}
	i, ok := index(t.at(2))
	if !ok {
		return "spec.autoscaling.metrics"
	}
	// The order objects.HPA writes them in: the presets, then the user's metrics.
	var presets []string
	if resolved.TargetCPU != nil {
		presets = append(presets, "spec.autoscaling.targetCPUUtilizationPercentage")
	}
	if resolved.TargetMemory != nil {
		presets = append(presets, "spec.autoscaling.targetMemoryUtilizationPercentage")
	}
	if a := p.Spec.Autoscaling; a != nil {
		if a.GPU != nil {
			presets = append(presets, "spec.autoscaling.gpu")
		}
		if a.Queue != nil {
			presets = append(presets, "spec.autoscaling.queue")
		}
	}
	if i < len(presets) {
		return presetField(presets[i], t[3:])
	}
	return join("spec.autoscaling.metrics["+strconv.Itoa(i-len(presets))+"]", t[3:])
}

// presetField is the field of a metric preset behind a path in the metric
// it generates.
func presetField(preset string, rest pathTokens) string {
	source := rest.at(1) // metric or target, under the source's name
	switch {
	case strings.HasSuffix(preset, "gpu") && source == "metric":
		return preset + ".metricName"
	case strings.HasSuffix(preset, "gpu") && source == "target":
		return preset + ".targetUtilizationPercentage"
	case strings.HasSuffix(preset, "queue") && source == "metric" && rest.at(2) == "selector":
		return join(preset+".selector", rest[3:])
	case strings.HasSuffix(preset, "queue") && source == "metric":
		return preset + ".metricName"
	case strings.HasSuffix(preset, "queue") && source == "target":
		return preset + ".targetPerReplica"
	}
	return preset
}

func servicePath(t pathTokens, p *v1alpha1.MLPipeline) string {
	switch t.at(1) {
	case "type":
		return "spec.service.type"
	case "ports":
		i, ok := index(t.at(2))
		if !ok || i >= len(p.Spec.Ports) {
			return ""
		}
		port := "spec.ports[" + strconv.Itoa(i) + "]"
		switch t.at(3) {
		case "name", "protocol":
			return port + "." + t.at(3)
		case "port", "targetPort":
			return port + ".containerPort"
		}
		return port
	}
	return ""
}

// wroteField says whether the user wrote the MLPipeline field at path, or one
// that holds it, deep enough to be theirs: spec.env for spec.env[3].name,
// spec.autoscaling.behavior for spec.autoscaling.behavior.scaleUp (not
// spec.autoscaling alone, whose other fields have defaults). A field that
// decodes empty, such as exec.command: [], counts through its parent.
func wroteField(p *v1alpha1.MLPipeline, path string) bool {
	data, err := json.Marshal(p)
	if err != nil {
		return false
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		return false
	}
	t := splitPath(path)
	need := 2
	switch t.at(1) {
	case "autoscaling", "podDisruptionBudget", "service", "gpu":
		need = 3
	}
	depth := 0
	for _, tok := range t {
		next, ok := step(tree, tok)
		if !ok {
			break
		}
		tree, depth = next, depth+1
	}
	return depth >= min(need, len(t))
}

func step(tree any, tok string) (any, bool) {
	switch v := tree.(type) {
	case map[string]any:
		next, ok := v[strings.Trim(tok, "[]")]
		return next, ok
	case []any:
		i, ok := index(tok)
		if !ok || i >= len(v) {
			return nil, false
		}
		return v[i], true
	}
	return nil, false
}
