package fn

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/randfill"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// encodeWithJSON is the reference typedToNode must agree with.
func encodeWithJSON(t *testing.T, obj any) string {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	n, err := jsonBytesToNode(b)
	if err != nil {
		t.Fatal(err)
	}
	return yamlString(t, n)
}

func encodeWithWalk(t *testing.T, obj any) string {
	t.Helper()
	n, err := typedToNode(reflect.ValueOf(obj))
	if err != nil {
		t.Fatalf("typedToNode: %v", err)
	}
	return yamlString(t, n)
}

func yamlString(t *testing.T, n *yaml.Node) string {
	t.Helper()
	s, err := yaml.NewRNode(n).String()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTypedToNodeMatchesEncodingJSON fills the API types the function
// writes (and, for breadth, a whole Pod and an MLPipeline) with random
// values and checks that the walk and encoding/json give the same YAML.
func TestTypedToNodeMatchesEncodingJSON(t *testing.T) {
	newObjects := []func() any{
		func() any { return &appsv1.Deployment{} },
		func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
		func() any { return &policyv1.PodDisruptionBudget{} },
		func() any { return &corev1.Pod{} },
		func() any { return &v1alpha1.MLPipeline{} },
	}
	for seed := range int64(40) {
		// Small seeds leave most fields unset, later ones fill deep graphs.
		filler := randfill.NewWithSeed(seed).NilChance(0.5-float64(seed)/100).NumElements(0, 2).MaxDepth(12).Funcs(
			// Raw JSON fields must hold JSON, times must be encodable.
			func(f *metav1.FieldsV1, c randfill.Continue) { f.Raw = []byte(`{"f:spec":{}}`) },
			func(r *runtime.RawExtension, c randfill.Continue) { r.Raw = []byte(`{"a":[1,"b"]}`) },
			func(tm *metav1.Time, c randfill.Continue) { *tm = metav1.Unix(c.Int63n(1<<32), 0) },
			func(tm *metav1.MicroTime, c randfill.Continue) {
				*tm = metav1.NewMicroTime(time.Unix(c.Int63n(1<<32), 0))
			},
		)
		for _, newObj := range newObjects {
			obj := newObj()
			filler.Fill(obj)
			want, got := encodeWithJSON(t, obj), encodeWithWalk(t, obj)
			if got != want {
				t.Fatalf("seed %d, %T: typedToNode differs from encoding/json\n--- encoding/json\n%s\n--- typedToNode\n%s", seed, obj, want, got)
			}
		}
	}
}

// The cases the walk must get right by itself or hand to encoding/json.
type embeddedName struct {
	Name string `json:"name"`
}

// walkCases adds to noConflict what the walk hands to encoding/json.
type walkCases struct {
	noConflict
	Conflict string               `json:"name,omitempty"` // hides the embedded name
	Number   json.Number          `json:"number,omitempty"`
	Quoted   int                  `json:"quoted,string"`
	Nil      map[string]string    `json:"nil"`
	Quantity *corev1.ResourceList `json:"quantity,omitempty"`
}

type noConflict struct {
	embeddedName
	*corev1.ExecAction
	Bytes   []byte         `json:"bytes,omitempty"`
	Float   float64        `json:"float"`
	Whole   float32        `json:"whole"`
	Zero    corev1.Probe   `json:"zero,omitzero"`
	Set     corev1.Probe   `json:"set,omitzero"`
	IntKeys map[int]string `json:"intKeys,omitempty"`
	Any     any            `json:"any"`
}

func TestTypedToNodeEdgeCases(t *testing.T) {
	for name, obj := range map[string]any{
		"conflicting names, string option": &walkCases{
			noConflict: noConflict{embeddedName: embeddedName{Name: "a"}, Bytes: []byte("hi"), Float: 1.5e-9, Whole: 3,
				IntKeys: map[int]string{2: "b", 10: "a"}, Any: map[string]any{"x": []int{1}}},
			Conflict: "b", Number: "12", Quoted: 7, Quantity: &corev1.ResourceList{"cpu": resource.MustParse("1")},
		},
		"embedded, bytes, floats, omitzero, int keys": &noConflict{
			embeddedName: embeddedName{Name: "a"}, ExecAction: &corev1.ExecAction{Command: []string{"run"}},
			Bytes: []byte{0, 1, 2}, Float: 1e21, Whole: 2, Set: corev1.Probe{InitialDelaySeconds: 1},
			IntKeys: map[int]string{2: "b", 10: "a"}, Any: 1.25,
		},
		"nil embedded pointer": &noConflict{},
		"invalid UTF-8":        &noConflict{embeddedName: embeddedName{Name: "a\xffb\xfe\xfd"}},
		"not addressable":      noConflict{Any: corev1.ResourceList{"cpu": {}}},
	} {
		t.Run(name, func(t *testing.T) {
			if want, got := encodeWithJSON(t, obj), encodeWithWalk(t, obj); got != want {
				t.Errorf("typedToNode differs from encoding/json\n--- encoding/json\n%s\n--- typedToNode\n%s", want, got)
			}
		})
	}
}
