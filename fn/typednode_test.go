package fn

import (
	"encoding/json"
	"math"
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

// Types whose methods and tags exercise encoding/json's less common rules.
type (
	// Two embedded fields named N hide each other.
	firstN  struct{ N int }
	secondN struct{ N int }
	innerX  struct {
		X int `json:"x"`
	}
	unexportedPtr struct{ *innerX }
	pointerJSON   struct{ A int }
	jsonAndText   struct{ A int }
	nilReceiver   struct{}
	badText       struct{}
	zeroer        interface{ IsZero() bool }
	zeroIfUnset   struct{ n int }
)

func (*pointerJSON) MarshalJSON() ([]byte, error) { return []byte(`"pointer json"`), nil }
func (*jsonAndText) MarshalJSON() ([]byte, error) { return []byte(`"json"`), nil }
func (jsonAndText) MarshalText() ([]byte, error)  { return []byte("text"), nil }
func (*nilReceiver) MarshalJSON() ([]byte, error) { return []byte(`"called on nil"`), nil }
func (badText) MarshalText() ([]byte, error)      { return []byte("a\xffb"), nil }
func (z *zeroIfUnset) IsZero() bool               { return z.n == 0 }

type cycle struct {
	Next *cycle `json:"next,omitempty"`
}

func TestTypedToNodeEdgeCases(t *testing.T) {
	loop := &cycle{}
	loop.Next = loop
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
		"nil embedded pointer":                    &noConflict{},
		"invalid UTF-8":                           &noConflict{embeddedName: embeddedName{Name: "a\xffb\xfe\xfd"}},
		"not addressable":                         noConflict{Any: corev1.ResourceList{"cpu": {}}},
		"uint64 beyond int64":                     &struct{ U uint64 }{math.MaxUint64},
		"unexported embedded pointer to a struct": &unexportedPtr{&innerX{X: 1}},
		"fallback keeps pointer methods": &struct {
			firstN
			secondN
			P pointerJSON `json:"p"`
		}{},
		"pointer MarshalJSON, value MarshalText, not addressable": map[string]jsonAndText{"k": {}},
		"pointer MarshalJSON, value MarshalText, addressable":     &struct{ V jsonAndText }{},
		"Marshaler interface holding a nil pointer": &struct {
			M json.Marshaler `json:"m"`
		}{M: (*nilReceiver)(nil)},
		"MarshalText with invalid UTF-8": &struct{ T badText }{},
		"map key with invalid UTF-8":     map[string]int{"a\xffb": 1},
		"omitzero on a nil interface": &struct {
			Z zeroer `json:"z,omitzero"`
			K int
		}{K: 1},
		"omitzero on an interface holding a nil pointer": &struct {
			Z zeroer `json:"z,omitzero"`
			K int
		}{Z: (*zeroIfUnset)(nil)},
		"invalid tag names": &struct {
			A      int `json:"a'b"`
			innerX `json:"in'valid"`
		}{A: 1, innerX: innerX{X: 2}},
		"raw JSON with data after the value": &struct{ R json.RawMessage }{json.RawMessage(`{"a":1} {"b":2}`)},
		"a cycle":                            loop,
	} {
		t.Run(name, func(t *testing.T) {
			want, wantErr := encodeWithJSONOrError(obj)
			n, gotErr := typedToNode(reflect.ValueOf(obj))
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("error: typedToNode %v, encoding/json %v", gotErr, wantErr)
			}
			if wantErr != nil {
				return
			}
			if got := yamlString(t, n); got != want {
				t.Errorf("typedToNode differs from encoding/json\n--- encoding/json\n%s\n--- typedToNode\n%s", want, got)
			}
		})
	}
}

func encodeWithJSONOrError(obj any) (string, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return "", err
	}
	n, err := jsonBytesToNode(b)
	if err != nil {
		return "", err
	}
	return yaml.NewRNode(n).String()
}
