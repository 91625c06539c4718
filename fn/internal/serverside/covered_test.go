package serverside

import (
	"math/rand/v2"
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
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"
)

// TestCoversAgreesWithJSON: covers, droppedFields' fast path, may say
// "nothing dropped" only when the JSON comparison finds nothing either.
// Each round fills an object of every kind the function validates at
// random, takes away or changes some of a copy's values at random (as the
// strategies and the conversion back might), and compares. The counts at
// the end show that both answers occurred often: the test is not vacuous.
func TestCoversAgreesWithJSON(t *testing.T) {
	kinds := []func() runtime.Object{
		func() runtime.Object { return &appsv1.Deployment{} },
		func() runtime.Object { return &autoscalingv2.HorizontalPodAutoscaler{} },
		func() runtime.Object { return &policyv1.PodDisruptionBudget{} },
		func() runtime.Object { return &corev1.Service{} },
	}
	r := rand.New(rand.NewPCG(3, 4))
	var fast, dropped int
	for round := range 1500 {
		for _, kind := range kinds {
			before := kind()
			filler(int64(round)).Fill(before)
			after := before.DeepCopyObject()
			// Half the rounds change nothing but scalars, as a strategy that
			// sets system fields does; the others also take values away.
			takeAway := 0.0
			if round%2 == 1 {
				takeAway = 0.02
			}
			mutate(r, reflect.ValueOf(after).Elem(), takeAway, 0.05)
			want, err := jsonDropped(before, after)
			if err != nil {
				t.Fatal(err)
			}
			if covers(before, after) {
				fast++
				if len(want) > 0 {
					t.Fatalf("%T, round %d: covers says nothing was dropped, the JSON comparison finds %v", before, round, want)
				}
			}
			if len(want) > 0 {
				dropped++
			}
		}
	}
	t.Logf("%d objects with nothing dropped by the fast path, %d with dropped fields", fast, dropped)
	if fast < 1000 || dropped < 1000 {
		t.Fatalf("too few of either case (%d fast, %d dropped): the comparison proves little", fast, dropped)
	}
}

// TestCoversSystemFields: what the create handler and the strategies add
// (uid, creationTimestamp, generation, a reset status) drops nothing, and
// the fast path sees that.
func TestCoversSystemFields(t *testing.T) {
	before := testDeployment(func(s *corev1.PodSpec) {
		s.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}
	})
	before.Status.Replicas = 3
	after := before.DeepCopy()
	after.TypeMeta = metav1.TypeMeta{}
	after.UID, after.Generation = "u", 1
	after.CreationTimestamp = metav1.NewTime(time.Unix(1, 0))
	after.Status = appsv1.DeploymentStatus{}
	if !covers(before, after) {
		t.Fatal("system fields and status: covers found a drop")
	}
	after.Spec.Template.Spec.Containers[0].Resources.Limits = nil
	if covers(before, after) {
		t.Fatal("a dropped limit: covers found nothing")
	}
}

// filler fills API objects at random, with valid values for the types that
// encode themselves.
func filler(seed int64) *randfill.Filler {
	return randfill.NewWithSeed(seed).NilChance(0.3).NumElements(0, 2).MaxDepth(14).Funcs(
		func(q *resource.Quantity, c randfill.Continue) {
			*q = *resource.NewQuantity(c.Int63n(3), resource.DecimalSI)
		},
		func(tm *metav1.Time, c randfill.Continue) {
			if c.Bool() {
				*tm = metav1.NewTime(time.Unix(c.Int63n(1e9), 0))
			}
		},
		func(tm *metav1.MicroTime, c randfill.Continue) {
			if c.Bool() {
				*tm = metav1.NewMicroTime(time.Unix(c.Int63n(1e9), 0))
			}
		},
		func(v *intstr.IntOrString, c randfill.Continue) {
			if c.Bool() {
				*v = intstr.FromInt32(c.Int31n(3))
			} else {
				*v = intstr.FromString([]string{"", "a", "50%"}[c.Intn(3)])
			}
		},
		func(f *metav1.FieldsV1, c randfill.Continue) {
			f.Raw = []byte([]string{`{}`, `{"f:a":{}}`}[c.Intn(2)])
		},
		func(s *string, c randfill.Continue) { *s = []string{"", "a", "b"}[c.Intn(3)] },
		func(b *bool, c randfill.Continue) { *b = c.Bool() },
		func(i *int32, c randfill.Continue) { *i = c.Int31n(3) },
		func(i *int64, c randfill.Continue) { *i = c.Int63n(3) },
	)
}

// mutate walks v and, at each value, with probability takeAway sets it to
// its zero (nil pointer, map or list; empty string; 0; a map entry removed,
// a list shortened) and with probability change gives a scalar another
// value.
func mutate(r *rand.Rand, v reflect.Value, takeAway, change float64) {
	if v.CanSet() && r.Float64() < takeAway {
		v.SetZero()
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			mutate(r, v.Elem(), takeAway, change)
		}
	case reflect.Struct:
		switch v.Addr().Interface().(type) {
		case *metav1.FieldsV1:
			return
		case *resource.Quantity, *metav1.Time, *metav1.MicroTime, *intstr.IntOrString:
			if v.CanSet() && r.Float64() < change {
				v.Set(reflect.ValueOf(map[reflect.Type]any{
					reflect.TypeFor[resource.Quantity]():  resource.MustParse("7"),
					reflect.TypeFor[metav1.Time]():        metav1.NewTime(time.Unix(7, 0)),
					reflect.TypeFor[metav1.MicroTime]():   metav1.NewMicroTime(time.Unix(7, 0)),
					reflect.TypeFor[intstr.IntOrString](): intstr.FromString("7"),
				}[v.Type()]))
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				mutate(r, v.Field(i), takeAway, change)
			}
		}
	case reflect.Slice:
		if v.Len() > 0 && r.Float64() < takeAway {
			v.Set(v.Slice(0, v.Len()-1))
		}
		for i := 0; i < v.Len(); i++ {
			mutate(r, v.Index(i), takeAway, change)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if r.Float64() < takeAway {
				v.SetMapIndex(k, reflect.Value{})
				continue
			}
			// Map values are not addressable: change a copy, put it back.
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			mutate(r, e, takeAway, change)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.CanSet() && r.Float64() < change {
			v.SetString(v.String() + "x")
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if v.CanSet() && r.Float64() < change {
			v.SetInt(v.Int() + 1)
		}
	case reflect.Bool:
		if v.CanSet() && r.Float64() < change {
			v.SetBool(!v.Bool())
		}
	}
}
