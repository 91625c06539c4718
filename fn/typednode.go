package fn

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// typedToNode builds the YAML node that encoding/json would produce for v,
// walking only the values that are set.
//
// encoding/json builds an encoder for every type reachable from the one it
// is given before it writes a byte; for a Deployment that is the whole
// PodSpec graph (every volume source, probe and security type), which cost
// more than everything else the function does for a small ResourceList. This
// walk looks at struct fields one level at a time, so an empty
// []corev1.Volume costs nothing. What it does not handle the same way as
// encoding/json (conflicting embedded field names, the ",string" option) it
// hands to encoding/json, and TestTypedToNodeMatchesEncodingJSON checks the
// two agree on randomly filled API objects.
func typedToNode(v reflect.Value) (*yaml.Node, error) {
	if !v.IsValid() {
		return nullNode(), nil
	}
	t := v.Type()
	if n, ok, err := marshalerNode(v); ok {
		return n, err
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nullNode(), nil
		}
		return typedToNode(v.Elem())
	case reflect.Struct:
		fields, ok := structFields(t)
		if !ok {
			return viaJSON(v)
		}
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
		for _, f := range fields {
			fv, ok := fieldByIndex(v, f.index)
			if !ok || f.omit(fv) {
				continue
			}
			value, err := typedToNode(fv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
			n.Content = append(n.Content, stringNode(f.name), value)
		}
		return n, nil
	case reflect.Map:
		if v.IsNil() {
			return nullNode(), nil
		}
		return mapNode(v)
	case reflect.Slice:
		if v.IsNil() {
			return nullNode(), nil
		}
		if t.Elem().Kind() == reflect.Uint8 && !implementsMarshaler(t.Elem()) {
			return stringNode(base64.StdEncoding.EncodeToString(v.Bytes())), nil
		}
		fallthrough
	case reflect.Array:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: make([]*yaml.Node, 0, v.Len())}
		for i := range v.Len() {
			item, err := typedToNode(v.Index(i))
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			n.Content = append(n.Content, item)
		}
		return n, nil
	case reflect.String:
		// encoding/json checks json.Number and replaces invalid UTF-8.
		if t == reflect.TypeFor[json.Number]() || !utf8.ValidString(v.String()) {
			return viaJSON(v)
		}
		return stringNode(v.String()), nil
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(v.Bool())}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.FormatInt(v.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.FormatUint(v.Uint(), 10)}, nil
	case reflect.Float32, reflect.Float64:
		// encoding/json's text for floats; a whole number becomes an int.
		return viaJSON(v)
	}
	return nil, fmt.Errorf("unsupported type %s", t)
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

func implementsMarshaler(t reflect.Type) bool {
	return selfEncodingOf(t) != encodesNot
}

// selfEncoding is how values of a type encode themselves, if they do.
type selfEncoding uint8

const (
	encodesNot selfEncoding = iota
	encodesJSON
	encodesJSONThroughPointer
	encodesText
	encodesTextThroughPointer
)

var selfEncodingCache sync.Map // reflect.Type -> selfEncoding

// selfEncodingOf follows encoding/json's precedence: MarshalJSON before
// MarshalText, the value's own methods before its pointer's. Asking
// reflect is slow, so the answer is kept per type.
func selfEncodingOf(t reflect.Type) selfEncoding {
	if cached, ok := selfEncodingCache.Load(t); ok {
		return cached.(selfEncoding)
	}
	e := encodesNot
	switch {
	// A pointer's methods are its element's; the walk reaches the element
	// addressable, and asks there.
	case t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer:
	case t.Implements(jsonMarshalerType):
		e = encodesJSON
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonMarshalerType):
		e = encodesJSONThroughPointer
	case t.Implements(textMarshalerType):
		e = encodesText
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textMarshalerType):
		e = encodesTextThroughPointer
	}
	selfEncodingCache.Store(t, e)
	return e
}

// marshalerNode encodes values that encode themselves (quantities,
// int-or-string, times) as encoding/json does; pointer methods count only
// on addressable values.
func marshalerNode(v reflect.Value) (*yaml.Node, bool, error) {
	m := v
	switch selfEncodingOf(v.Type()) {
	case encodesNot:
		return nil, false, nil
	case encodesJSONThroughPointer, encodesTextThroughPointer:
		if !v.CanAddr() {
			return nil, false, nil
		}
		m = v.Addr()
	}
	if jm, ok := m.Interface().(json.Marshaler); ok {
		b, err := jm.MarshalJSON()
		if err != nil {
			return nil, true, fmt.Errorf("marshalling %s: %w", v.Type(), err)
		}
		n, err := jsonBytesToNode(b)
		return n, true, err
	}
	text, err := m.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return nil, true, fmt.Errorf("marshalling %s: %w", v.Type(), err)
	}
	return stringNode(string(text)), true, nil
}

// mapNode writes a map with its keys sorted, as encoding/json does.
func mapNode(v reflect.Value) (*yaml.Node, error) {
	kt := v.Type().Key()
	if kt.Kind() != reflect.String || implementsMarshaler(kt) {
		return viaJSON(v)
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: make([]*yaml.Node, 0, 2*len(keys))}
	for _, k := range keys {
		value, err := typedToNode(v.MapIndex(k))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k.String(), err)
		}
		n.Content = append(n.Content, stringNode(k.String()), value)
	}
	return n, nil
}

// viaJSON encodes one value with encoding/json, for the cases the walk
// leaves to it.
func viaJSON(v reflect.Value) (*yaml.Node, error) {
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, err
	}
	return jsonBytesToNode(b)
}

func jsonBytesToNode(b []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return jsonValueToNode(dec)
}

func stringNode(s string) *yaml.Node {
	// The !!str tag makes the encoder quote strings like "1" or "true".
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
}

func nullNode() *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}
}

// encodedField is one JSON field of a struct, embedded structs flattened.
type encodedField struct {
	name                string
	index               []int
	omitEmpty, omitZero bool
}

// omit applies the omitempty and omitzero options as encoding/json does.
func (f encodedField) omit(v reflect.Value) bool {
	if f.omitEmpty && isEmptyValue(v) {
		return true
	}
	return f.omitZero && isZeroValue(v)
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func isZeroValue(v reflect.Value) bool {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero()
	case t.Implements(isZeroerType):
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	case reflect.PointerTo(t).Implements(isZeroerType):
		if !v.CanAddr() {
			c := reflect.New(t).Elem()
			c.Set(v)
			v = c
		}
		return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}

// fieldByIndex is reflect's FieldByIndex that reports a nil embedded
// pointer (whose fields encoding/json skips) instead of panicking.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

var structFieldCache sync.Map // reflect.Type -> []encodedField, or nil when left to encoding/json

// structFields lists t's JSON fields in encoding/json's order. It reports
// false when two fields claim one name: encoding/json's rules for which one
// wins are left to encoding/json.
func structFields(t reflect.Type) ([]encodedField, bool) {
	if cached, ok := structFieldCache.Load(t); ok {
		fields := cached.([]encodedField)
		return fields, fields != nil
	}
	fields, ok := collectFields(t, nil, map[reflect.Type]bool{})
	if ok {
		seen := make(map[string]bool, len(fields))
		for _, f := range fields {
			if seen[f.name] {
				ok = false
				break
			}
			seen[f.name] = true
		}
	}
	if !ok {
		fields = nil
	}
	structFieldCache.Store(t, fields)
	return fields, ok
}

func collectFields(t reflect.Type, prefix []int, visiting map[reflect.Type]bool) ([]encodedField, bool) {
	if visiting[t] {
		return nil, false
	}
	visiting[t] = true
	defer delete(visiting, t)
	var fields []encodedField
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		index := append(append([]int(nil), prefix...), i)
		if sf.Anonymous {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && (sf.Type.Kind() == reflect.Pointer || ft.Kind() != reflect.Struct) {
				continue
			}
			if name == "" && ft.Kind() == reflect.Struct {
				inner, ok := collectFields(ft, index, visiting)
				if !ok {
					return nil, false
				}
				fields = append(fields, inner...)
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		if hasOption(opts, "string") {
			return nil, false
		}
		if name == "" {
			name = sf.Name
		}
		fields = append(fields, encodedField{
			name: name, index: index,
			omitEmpty: hasOption(opts, "omitempty"), omitZero: hasOption(opts, "omitzero"),
		})
	}
	return fields, true
}

func hasOption(opts, option string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == option {
			return true
		}
	}
	return false
}
