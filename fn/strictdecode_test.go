package fn

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	sigsjson "sigs.k8s.io/json"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

var strictDecodeCases = []string{
	`{}`,
	`null`,
	`[]`,
	`{"apiVersion":"mlpipeline.dev/v1alpha1","kind":"MLPipeline","metadata":{"name":"a","labels":{"x":"y"}},` +
		`"spec":{"image":"i","resources":{"requests":{"cpu":"1"}},"autoscaling":{"maxReplicas":3,"metrics":[{"type":"Resource"}]}}}`,
	`{"spec":{"image":"i","Image":"j","imagee":1,"autoscaling":{"maxReplicas":3,"x":{}}}}`,
	`{"spec":{"image":"i","image":"j","autoscaling":{"minReplicas":1,"minReplicas":2}},"spec":{"image":"k"}}`,
	`{"spec":{"readinessProbe":{"httpGet":{"port":8080,"pathh":"/"}},"env":[{"name":"a","valueFrom":{"x":1}}]}}`,
	`{"spec":{"volumes":[{"name":"v","emptyDir":{},"emptyDir":{"medium":"Memory"}}]}}`,
	`{"metadata":{"name":"a","nam":"b"},"kind":"MLPipeline","kindd":1}`,
	`{"spec":{"autoscaling":null,"gpu":null,"podDisruptionBudget":{"minAvailable":"50%"}}}`,
	`{"spec":{"autoscaling":{"maxReplicas":"three"}}}`,
	`{"spec":{"resources":{"requests":{"cpu":"lots"}}}}`,
	`{"spec":"image"}`,
	`{"spec":null}`,
	`{"spec":{"autoscaling":[1]}}`,
	`{"spec":{"replicas":1.5,"unknown":true}}`,
	`{"metadata":[],"spec":{"image":"i"}}`,
	`{"spec":{"nodeSelector":{"[x":"a","[x":"b"},"resources":{"[y":1}}}`,
	`{"spec":{"resources":{"a\"b":1},"podLabels":{"a\\b":"x","a\\b":"y"},"tolerations":[{"k":1}]}}`,
}

// TestUnmarshalStrictMatchesSigsJSON checks that walking the MLPipeline's
// own structs changes nothing against decoding the whole object with
// sigs.k8s.io/json: the same value, the same strict errors with the same
// paths, and an error where it fails.
func TestUnmarshalStrictMatchesSigsJSON(t *testing.T) {
	for _, doc := range strictDecodeCases {
		t.Run(doc, func(t *testing.T) { checkUnmarshalStrict(t, []byte(doc)) })
	}
}

func FuzzUnmarshalStrict(f *testing.F) {
	for _, doc := range strictDecodeCases {
		f.Add([]byte(doc))
	}
	f.Fuzz(checkUnmarshalStrict)
}

func checkUnmarshalStrict(t *testing.T, data []byte) {
	var want, got v1alpha1.MLPipeline
	wantStrict, wantErr := sigsjson.UnmarshalStrict(data, &want, sigsjson.DisallowUnknownFields, sigsjson.DisallowDuplicateFields)
	gotStrict, gotErr := unmarshalStrict(data, &got)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("error: got %v, want %v", gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if g, w := fmt.Sprint(gotStrict), fmt.Sprint(wantStrict); g != w {
		t.Errorf("strict errors:\n got %s\nwant %s", g, w)
	}
	for i := range min(len(gotStrict), len(wantStrict)) {
		var got, want sigsjson.FieldError
		if !errors.As(gotStrict[i], &got) || !errors.As(wantStrict[i], &want) || got.FieldPath() != want.FieldPath() {
			t.Errorf("strict error %d: got %#v, want %#v with the same FieldPath", i, gotStrict[i], wantStrict[i])
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded value:\n got %+v\nwant %+v", got, want)
	}
}
