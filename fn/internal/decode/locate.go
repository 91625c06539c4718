package decode

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
)

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
