package fn

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"

	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// strictFieldError matches sigs.k8s.io/json's strict errors, which carry the
// full path of the offending field.
var strictFieldError = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(unknown|duplicate) field "(.*)"$`)
})

// decodePipeline decodes an MLPipeline strictly: unknown and duplicate fields
// are errors with their path, as the API server reports them. fatal is true
// when a value could not be decoded, so the object is incomplete and must not
// be validated further.
func decodePipeline(node *yaml.RNode) (p *v1alpha1.MLPipeline, errs []fieldError, fatal bool) {
	raw, err := nodeToJSON(node)
	if err != nil {
		return nil, []fieldError{errorAt("", "cannot be read as JSON: %v", err)}, true
	}
	p = &v1alpha1.MLPipeline{}
	strictErrs, err := sigsjson.UnmarshalStrict(raw, p, sigsjson.DisallowUnknownFields, sigsjson.DisallowDuplicateFields)
	for _, se := range strictErrs {
		if m := strictFieldError().FindStringSubmatch(se.Error()); m != nil {
			errs = append(errs, errorAt(m[2], "%s field", m[1]))
		} else {
			errs = append(errs, errorAt("", "%v", se))
		}
	}
	if err != nil {
		located := locateDecodeErrors(raw, reflect.TypeOf(p).Elem(), "")
		if len(located) == 0 {
			located = []fieldError{errorAt("", "%v", err)}
		}
		return nil, append(errs, located...), true
	}
	return p, errs, false
}

// locateDecodeErrors finds every value under raw that cannot be decoded into
// t, descending into objects, arrays and maps so that each error gets the
// path of the innermost failing field. encoding/json stops at the first
// error and custom decoders (quantities, int-or-string) report no path.
func locateDecodeErrors(raw json.RawMessage, t reflect.Type, path string) []fieldError {
	if sigsjson.UnmarshalCaseSensitivePreserveInts(raw, reflect.New(t).Interface()) == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var nested []fieldError
	if !reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
		switch t.Kind() {
		case reflect.Struct:
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) == nil {
				fields := jsonFields(t)
				for _, key := range sortedKeys(obj) {
					if ft, ok := fields[key]; ok {
						nested = append(nested, locateDecodeErrors(obj[key], ft, join(path, key))...)
					}
				}
			}
		case reflect.Map:
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) == nil {
				for _, key := range sortedKeys(obj) {
					nested = append(nested, locateDecodeErrors(obj[key], t.Elem(), join(path, key))...)
				}
			}
		case reflect.Slice:
			var arr []json.RawMessage
			if json.Unmarshal(raw, &arr) == nil {
				for i, elem := range arr {
					nested = append(nested, locateDecodeErrors(elem, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
				}
			}
		}
	}
	if len(nested) > 0 {
		return nested
	}
	return []fieldError{errorAt(path, "%s", describeDecodeError(raw, t))}
}

// describeDecodeError says what was wrong with a value in words a user of
// the YAML understands, not Go type names.
func describeDecodeError(raw json.RawMessage, t reflect.Type) string {
	err := sigsjson.UnmarshalCaseSensitivePreserveInts(raw, reflect.New(t).Interface())
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("must be %s, not %s %s", kindWord(t), typeErr.Value, strings.TrimSpace(string(raw)))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return fmt.Sprintf("invalid value %s: %s", strings.TrimSpace(string(raw)), msg)
}

func kindWord(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a map"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	default:
		return "a " + t.Kind().String()
	}
}

// jsonFields maps JSON names to field types, following inlined structs.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" && (f.Anonymous || strings.Contains(opts, "inline")) {
			for k, v := range jsonFields(f.Type) {
				fields[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
