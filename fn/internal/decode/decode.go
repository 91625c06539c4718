package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
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

// locatedError is a decode error at path, with the path also as segments
// of the JSON: object keys and list indexes.
type locatedError struct {
	err      *field.Error
	path     *field.Path
	segments []any
}

// locateDecodeErrors finds every value under raw that cannot be decoded into
// t, descending into objects, arrays and maps so that each error gets the
// path of the innermost failing field. encoding/json stops at the first
// error and custom decoders (quantities, int-or-string) report no path.
func locateDecodeErrors(raw json.RawMessage, t reflect.Type, path *field.Path, segments []any) []locatedError {
	if sigsjson.UnmarshalCaseSensitivePreserveInts(raw, reflect.New(t).Interface()) == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	at := func(seg any) []any { return append(append([]any(nil), segments...), seg) }
	var nested []locatedError
	if !reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
		switch t.Kind() {
		case reflect.Struct:
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) == nil {
				fields := jsonFields(t)
				for _, key := range slices.Sorted(maps.Keys(obj)) {
					if ft, ok := fields[key]; ok {
						nested = append(nested, locateDecodeErrors(obj[key], ft, child(path, key), at(key))...)
					}
				}
			}
		case reflect.Map:
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) == nil {
				for _, key := range slices.Sorted(maps.Keys(obj)) {
					nested = append(nested, locateDecodeErrors(obj[key], t.Elem(), path.Key(key), at(key))...)
				}
			}
		case reflect.Slice:
			var arr []json.RawMessage
			if json.Unmarshal(raw, &arr) == nil {
				for i, elem := range arr {
					nested = append(nested, locateDecodeErrors(elem, t.Elem(), path.Index(i), at(i))...)
				}
			}
		}
	}
	if len(nested) > 0 {
		return nested
	}
	e := describeDecodeError(raw, t)
	if path != nil {
		e.Field = path.String()
	}
	return []locatedError{{err: e, path: path, segments: segments}}
}

// without returns tree with the value at segments removed: a key is
// deleted, a list element becomes null so that later indexes keep their
// meaning. An empty path removes everything.
func without(tree any, segments []any) any {
	if len(segments) == 0 {
		return nil
	}
	switch node := tree.(type) {
	case map[string]any:
		key, _ := segments[0].(string)
		if len(segments) == 1 {
			delete(node, key)
		} else if child, ok := node[key]; ok {
			node[key] = without(child, segments[1:])
		}
	case []any:
		i, ok := segments[0].(int)
		if ok && i < len(node) {
			node[i] = without(node[i], segments[1:])
		}
	}
	return tree
}

// describeDecodeError says what was wrong with a value in words a user of
// the YAML understands, not Go type names. The caller sets the path.
func describeDecodeError(raw json.RawMessage, t reflect.Type) *field.Error {
	value := strings.TrimSpace(string(raw))
	var shown any = field.OmitValueType{}
	dec := json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	if dec.Decode(&shown) != nil {
		shown = value
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	typeInvalid := func(detail string) *field.Error {
		return &field.Error{Type: field.ErrorTypeTypeInvalid, BadValue: shown, Detail: detail}
	}
	if t == quantityType {
		return typeInvalid("must be a quantity: a number with an optional unit, such as 500m or 2 for CPU, 512Mi or 1Gi for memory")
	}
	err := sigsjson.UnmarshalCaseSensitivePreserveInts(raw, reflect.New(t).Interface())
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return typeInvalid(strings.TrimPrefix(err.Error(), "json: "))
	}
	// encoding/json words a number it cannot store as "number 2.5".
	if strings.HasPrefix(typeErr.Value, "number") && isInteger(t) {
		if _, ok := new(big.Int).SetString(value, 10); ok {
			return typeInvalid(fmt.Sprintf("must be an integer from %s", integerRange(t)))
		}
		return typeInvalid("must be a whole number")
	}
	got, _, _ := strings.Cut(typeErr.Value, " ")
	return typeInvalid(fmt.Sprintf("must be %s, not %s", kindWord(t), article(got)))
}

// article puts "a" or "an" before a JSON type name.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
)

func isInteger(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func integerRange(t reflect.Type) string {
	bits := t.Bits()
	if t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64 {
		return fmt.Sprintf("0 to %d", uint64(1)<<bits-1)
	}
	return fmt.Sprintf("%d to %d", -(int64(1) << (bits - 1)), int64(1)<<(bits-1)-1)
}

func kindWord(t reflect.Type) string {
	switch {
	case t == intOrStringType:
		return "an integer or a string"
	case isInteger(t):
		return "an integer"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a map"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	default:
		return "a " + t.Kind().String()
	}
}

// unmarshalStrict decodes as the API server does: case-sensitive names, and
// unknown and duplicate fields reported with their paths.
func unmarshalStrict(data []byte, v any) ([]error, error) {
	return sigsjson.UnmarshalStrict(data, v, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
}

// jsonFields maps the JSON names of a struct's fields to their types, for
// locating a bad value; decoding itself is sigs.k8s.io/json's. The names of
// embedded structs without a json name are their fields', and a shallower
// field wins over a deeper one of the same name, as in encoding/json.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	for _, et := range embedded {
		for name, ft := range jsonFields(et) {
			if _, shadowed := fields[name]; !shadowed {
				fields[name] = ft
			}
		}
	}
	return fields
}

// child is path's field name, or the first segment of a path.
func child(path *field.Path, name string) *field.Path {
	if path == nil {
		return field.NewPath(name)
	}
	return path.Child(name)
}
