package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/fieldpath"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/yamlnode"
)

// Decoded is one MLPipeline as far as it could be decoded.
type Decoded struct {
	// Pipeline is nil when the object could not be decoded at all.
	Pipeline *v1alpha1.MLPipeline
	Errs     field.ErrorList
	// Invalid are the paths whose values could not be decoded; they were
	// left out of Pipeline so that the rest can still be validated.
	Invalid fieldpath.Set
}

// rootError is a problem with the object as a whole, at no field.
func rootError(format string, args ...any) *field.Error {
	return &field.Error{Type: field.ErrorTypeInvalid, BadValue: field.OmitValueType{}, Detail: fmt.Sprintf(format, args...)}
}

// Pipeline decodes an MLPipeline strictly: unknown and duplicate fields
// are errors with their path, as the API server reports them. A value that
// cannot be decoded (a bad quantity, a string for a number) is reported at
// its path and left out, so that every other problem is reported too.
func Pipeline(node *yaml.RNode) Decoded {
	raw, err := yamlnode.ToJSON(node)
	if err != nil {
		return Decoded{Errs: field.ErrorList{rootError("cannot be read: %v", err)}}
	}
	var d Decoded
	p := &v1alpha1.MLPipeline{}
	strictErrs, err := unmarshalStrict(raw, p)
	if err == nil {
		d.addStrictErrors(strictErrs)
		d.Pipeline = p
		return d
	}
	located := locateDecodeErrors(raw, reflect.TypeOf(p).Elem(), nil, nil)
	if len(located) == 0 {
		d.Errs = append(d.Errs, rootError("%v", err))
		return d
	}
	var tree any
	if json.Unmarshal(raw, &tree) != nil {
		d.Errs = append(d.Errs, rootError("%v", err))
		return d
	}
	for _, l := range located {
		d.Errs = append(d.Errs, l.err)
		if l.path != nil {
			d.Invalid = append(d.Invalid, l.path)
		}
		tree = without(tree, l.segments)
	}
	cleaned, merr := json.Marshal(tree)
	p = &v1alpha1.MLPipeline{}
	// A decode that fails stops before it sees unknown fields; the second,
	// without the bad values, finds them.
	strictErrs, err = unmarshalStrict(cleaned, p)
	d.addStrictErrors(strictErrs)
	if merr == nil && err == nil && tree != nil {
		d.Pipeline = p
	}
	return d
}

// addStrictErrors reports unknown and duplicate fields at their paths.
func (d *Decoded) addStrictErrors(strictErrs []error) {
	for _, se := range strictErrs {
		var fe sigsjson.FieldError
		if errors.As(se, &fe) {
			// "unknown field" or "duplicate field", without the path it quotes.
			problem, _, _ := strings.Cut(fe.Error(), ` "`)
			d.Errs = append(d.Errs, &field.Error{Type: field.ErrorTypeForbidden, Field: fe.FieldPath(), Detail: problem})
		} else {
			d.Errs = append(d.Errs, rootError("%v", se))
		}
	}
}

// unmarshalStrict decodes as the API server does: case-sensitive names, and
// unknown and duplicate fields reported with their paths.
func unmarshalStrict(data []byte, v any) ([]error, error) {
	return sigsjson.UnmarshalStrict(data, v, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
}
