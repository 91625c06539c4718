package fn

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"

	sigsjson "sigs.k8s.io/json"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// apiPackage is the package whose structs unmarshalStrict walks itself.
var apiPackage = reflect.TypeFor[v1alpha1.MLPipeline]().PkgPath()

// unmarshalStrict decodes data into v as sigs.k8s.io/json's UnmarshalStrict
// does: case-sensitive names, and unknown and duplicate fields reported as
// sigsjson.FieldErrors with their path, in the same order, deduplicated and
// capped the same way. It fails exactly when sigs.k8s.io/json fails, though
// not always with the same message: decodePipeline locates the bad values
// itself.
//
// sigs.k8s.io/json, like encoding/json, builds a codec for every type
// reachable from the one it is given before decoding anything, and an
// MLPipeline reaches most of core/v1 (volumes, probes, affinity) and
// autoscaling/v2. So the MLPipeline's own structs are walked here key by
// key, and each value is decoded by sigs.k8s.io/json into its field's type:
// only the types a pipeline uses get a codec.
func unmarshalStrict(data []byte, v any) ([]error, error) {
	if !json.Valid(data) {
		// The walk below reads one value at a time; let sigs.k8s.io/json
		// name what is wrong with the document as a whole.
		return decodeLeaf(data, reflect.ValueOf(v).Elem(), "")
	}
	strictErrs, err := decodeStrict(data, reflect.ValueOf(v).Elem(), "")
	if err != nil {
		return nil, err
	}
	return dedupeStrictErrors(strictErrs), nil
}

// maxStrictErrors is sigs.k8s.io/json's cap on reported strict errors.
const maxStrictErrors = 100

// dedupeStrictErrors keeps the first report of each problem with each
// field, up to the cap, as sigs.k8s.io/json does for one document.
func dedupeStrictErrors(errs []error) []error {
	seen := map[string]bool{}
	var kept []error
	for _, e := range errs {
		if len(kept) == maxStrictErrors {
			break
		}
		if !seen[e.Error()] {
			seen[e.Error()] = true
			kept = append(kept, e)
		}
	}
	return kept
}

func decodeStrict(data []byte, v reflect.Value, path string) ([]error, error) {
	t := v.Type()
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem().PkgPath() == apiPackage {
		if isJSONNull(data) {
			v.SetZero()
			return nil, nil
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return decodeStrict(data, v.Elem(), path)
	}
	if t.Kind() != reflect.Struct || t.PkgPath() != apiPackage || !isJSONObject(data) {
		return decodeLeaf(data, v, path)
	}
	fields := jsonStructOf(t).byName
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the opening '{'
		return nil, err
	}
	var strictErrs []error
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		f, known := fields[key]
		if !known {
			strictErrs = append(strictErrs, &fieldProblem{problem: unknownField, path: join(path, key)})
			continue
		}
		if seen[key] {
			strictErrs = append(strictErrs, &fieldProblem{problem: duplicateField, path: join(path, key)})
		}
		seen[key] = true
		errs, err := decodeStrict(value, settableField(v, f.index), join(path, key))
		if err != nil {
			return nil, err
		}
		strictErrs = append(strictErrs, errs...)
	}
	return strictErrs, nil
}

// decodeLeaf decodes a value with sigs.k8s.io/json: a value of a type from
// outside the API package, an API struct given something other than an
// object, or a whole document that is not valid JSON. The paths in its
// strict errors are relative to the value, so path is put in front.
func decodeLeaf(data []byte, v reflect.Value, path string) ([]error, error) {
	strictErrs, err := sigsjson.UnmarshalStrict(data, v.Addr().Interface(),
		sigsjson.DisallowUnknownFields, sigsjson.DisallowDuplicateFields)
	if err != nil || path == "" {
		return strictErrs, err
	}
	// A list's errors start with an index ("[0].name"), a map's or a
	// struct's with a key, which may itself start with "[".
	sep := "."
	if t := v.Type(); t.Kind() == reflect.Slice || t.Kind() == reflect.Array ||
		(t.Kind() == reflect.Pointer && (t.Elem().Kind() == reflect.Slice || t.Elem().Kind() == reflect.Array)) {
		sep = ""
	}
	for _, se := range strictErrs {
		if fe, ok := se.(sigsjson.FieldError); ok {
			fe.SetFieldPath(path + sep + fe.FieldPath())
		}
	}
	return strictErrs, nil
}

// The two problems strict decoding reports, worded as sigs.k8s.io/json
// words them.
const (
	unknownField   = "unknown field"
	duplicateField = "duplicate field"
)

// fieldProblem is a strict error found while walking the API package's own
// structs, a sigsjson.FieldError like those sigs.k8s.io/json returns.
type fieldProblem struct {
	problem, path string
}

var _ sigsjson.FieldError = (*fieldProblem)(nil)

func (e *fieldProblem) Error() string            { return e.problem + " " + strconv.Quote(e.path) }
func (e *fieldProblem) FieldPath() string        { return e.path }
func (e *fieldProblem) SetFieldPath(path string) { e.path = path }

func isJSONNull(data []byte) bool { return string(bytes.TrimSpace(data)) == "null" }

func isJSONObject(data []byte) bool {
	data = bytes.TrimSpace(data)
	return len(data) > 0 && data[0] == '{'
}

// settableField is the field at index, allocating embedded pointers on the
// way as decoding into it does.
func settableField(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}
