package apiserver

import (
	"fmt"
	"maps"
	"testing"

	"sigs.k8s.io/yaml"
)

// position is where a case's container fragment goes in the pod.
type position string

const (
	mainContainer position = "main"    // the pipeline's own container: fields of spec
	initContainer position = "init"    // spec.initContainers[0]
	sidecar       position = "sidecar" // spec.initContainers[0] with restartPolicy Always
	podLevel      position = "pod"     // a case without a container fragment
)

var (
	everyPosition = []position{mainContainer, initContainer, sidecar}
	// probed: the containers that may have probes and lifecycle hooks.
	probed      = []position{mainContainer, sidecar}
	sidecarOnly = []position{sidecar}
)

// fieldPrefix is where a position's fields live in the MLPipeline.
func (p position) fieldPrefix() string {
	if p == initContainer || p == sidecar {
		return "spec.initContainers[0]."
	}
	return "spec."
}

// corpusCase is one MLPipeline at an edge of what the server accepts.
type corpusCase struct {
	name      string
	about     string
	pod       string     // YAML merged into spec: maps merge, lists and scalars replace, null deletes
	container string     // YAML of container fields, placed at each of positions
	positions []position // default: everyPosition with a container fragment, else podLevel
	version   string     // "1.35": checked against the server emulating 1.35
	flags     []string   // the function's flags
	expect    expectation
}

// variant is one case at one position: what the test runs.
type variant struct {
	corpusCase
	at   position
	name string // case name, or case/position
}

// variants lists every case at each of its positions.
func variants(cases []corpusCase) []variant {
	var out []variant
	for _, c := range cases {
		at := c.positions
		if len(at) == 0 {
			at = []position{podLevel}
			if c.container != "" {
				at = everyPosition
			}
		}
		for _, p := range at {
			name := c.name
			if p != podLevel {
				name += "/" + string(p)
			}
			out = append(out, variant{corpusCase: c, at: p, name: name})
		}
	}
	return out
}

// basePipeline is the valid pipeline every case starts from.
const basePipeline = `
image: registry.example.com/ml/corpus:1.0.0
resources:
  requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}
  limits: {cpu: 200m, memory: 128Mi, ephemeral-storage: 200Mi}
readinessProbe:
  tcpSocket: {port: 8080}
ports:
- {name: http, containerPort: 8080}
autoscaling:
  minReplicas: 2
  maxReplicas: 3
`

// The init container and the native sidecar a container fragment goes into.
const (
	baseInit    = `{name: init, image: registry.example.com/ml/init:1.0.0}`
	baseSidecar = `
name: side
image: registry.example.com/ml/side:1.0.0
restartPolicy: Always
resources:
  requests: {cpu: 10m, memory: 32Mi, ephemeral-storage: 10Mi}
  limits: {memory: 32Mi, ephemeral-storage: 10Mi}
`
)

// pipeline writes the variant's MLPipeline.
func (v variant) pipeline() ([]byte, error) {
	spec, err := decode(basePipeline)
	if err != nil {
		return nil, err
	}
	pod, err := decode(v.pod)
	if err != nil {
		return nil, fmt.Errorf("%s: pod: %w", v.name, err)
	}
	mergeInto(spec, pod)
	container, err := decode(v.container)
	if err != nil {
		return nil, fmt.Errorf("%s: container: %w", v.name, err)
	}
	switch v.at {
	case mainContainer:
		maps.Copy(spec, container)
	case initContainer, sidecar:
		base := baseInit
		if v.at == sidecar {
			base = baseSidecar
		}
		extra, err := decode(base)
		if err != nil {
			return nil, err
		}
		maps.Copy(extra, container) // a fragment's field replaces the base's
		spec["initContainers"] = []any{extra}
	}
	return yaml.Marshal(map[string]any{
		"apiVersion": "mlpipeline.dev/v1alpha1",
		"kind":       "MLPipeline",
		"metadata":   map[string]any{"name": v.corpusCase.name},
		"spec":       spec,
	})
}

func decode(text string) (map[string]any, error) {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// mergeInto merges src into dst: maps merge, null deletes, anything else
// replaces.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		sub, isMap := v.(map[string]any)
		have, haveMap := dst[k].(map[string]any)
		switch {
		case v == nil:
			delete(dst, k)
		case isMap && haveMap:
			mergeInto(have, sub)
		default:
			dst[k] = v
		}
	}
}

// TestVariants checks the table itself: unique names, a field for every
// refusal and a server text for every warning, and each container case
// placed where its fields go.
func TestVariants(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range variants(corpus) {
		if seen[v.name] {
			t.Errorf("%s: two variants of this name", v.name)
		}
		seen[v.name] = true
		switch v.expect.verdict {
		case verdictRejected, verdictCrossCheck:
			if v.expect.field == "" {
				t.Errorf("%s: a refusal without its field", v.name)
			}
		case verdictWarned:
			if v.expect.serverSays == "" {
				t.Errorf("%s: a warning without what the server says", v.name)
			}
		}
		config, err := v.pipeline()
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		doc, _ := decode(string(config))
		spec := doc["spec"].(map[string]any)
		_, hasInit := spec["initContainers"]
		if wantInit := v.at == initContainer || v.at == sidecar; hasInit != wantInit && v.container != "" {
			t.Errorf("%s: initContainers present %v, want %v", v.name, hasInit, wantInit)
		}
	}
	t.Logf("%d cases, %d variants", len(corpus), len(seen))
}
