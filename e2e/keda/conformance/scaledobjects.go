package conformance

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// ScaledObjectKind is the kind this package checks; other objects in a
// stream are skipped.
var ScaledObjectKind = kedav1alpha1.SchemeGroupVersion.WithKind("ScaledObject")

// ScaledObjects returns every keda.sh/v1alpha1 ScaledObject of a YAML stream
// (documents separated by ---), each decoded strictly into KEDA's type. An
// object of kind ScaledObject in another API version is an error: KEDA serves
// only v1alpha1.
func ScaledObjects(stream []byte) ([]*kedav1alpha1.ScaledObject, error) {
	var out []*kedav1alpha1.ScaledObject
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	for i := 0; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if meta.Kind != ScaledObjectKind.Kind {
			continue
		}
		if gv, err := schema.ParseGroupVersion(meta.APIVersion); err != nil || gv != ScaledObjectKind.GroupVersion() {
			return nil, fmt.Errorf("document %d: ScaledObject of apiVersion %q, want %s", i, meta.APIVersion, ScaledObjectKind.GroupVersion())
		}
		so, err := DecodeStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		out = append(out, so)
	}
}

// DecodeStrict decodes one ScaledObject into KEDA's type, refusing unknown
// fields, duplicate fields and values of the wrong type.
func DecodeStrict(doc []byte) (*kedav1alpha1.ScaledObject, error) {
	data, err := yaml.YAMLToJSONStrict(doc) // refuses duplicate keys
	if err != nil {
		return nil, fmt.Errorf("ScaledObject is not valid YAML: %w", err)
	}
	so := &kedav1alpha1.ScaledObject{}
	// sigs.k8s.io/json, as kube-apiserver decodes: the strict errors name
	// the field's path (spec.minReplicaCont).
	strict, err := json.UnmarshalStrict(data, so, json.DisallowDuplicateFields, json.DisallowUnknownFields)
	if err == nil {
		err = errors.Join(strict...)
	}
	if err != nil {
		return nil, fmt.Errorf("ScaledObject does not decode strictly into KEDA's v1alpha1.ScaledObject: %w", err)
	}
	return so, nil
}

// Validate runs the checks of KEDA's ScaledObject admission webhook that KEDA
// exports and that need no cluster: replica bounds (min <= max, idle < min),
// fallback (needs a trigger that is not cpu or memory), triggers (at least
// one, unique names, no useCachedMetrics on cpu, memory or cron) and, when the
// ScaledObject uses them, the scaling modifiers' formula.
func Validate(so *kedav1alpha1.ScaledObject) error {
	name := so.Namespace + "/" + so.Name
	if err := kedav1alpha1.CheckReplicaCountBoundsAreValid(so); err != nil {
		return fmt.Errorf("ScaledObject %s: %w", name, err)
	}
	if err := kedav1alpha1.CheckFallbackValid(so); err != nil {
		return fmt.Errorf("ScaledObject %s: %w", name, err)
	}
	if err := kedav1alpha1.ValidateTriggers(so.Spec.Triggers); err != nil {
		return fmt.Errorf("ScaledObject %s: %w", name, err)
	}
	if so.IsUsingModifiers() {
		if _, err := kedav1alpha1.ValidateAndCompileScalingModifiers(so); err != nil {
			return fmt.Errorf("ScaledObject %s: %w", name, err)
		}
	}
	return nil
}
