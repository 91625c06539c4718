package fn

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
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
// []corev1.Volume costs nothing. The rare cases it does not mirror itself
// (fields whose names collide, the ",string" option, floats, non-string map
// keys, interface types that encode themselves, invalid UTF-8) it hands to
// encoding/json. TestTypedToNodeMatchesEncodingJSON checks the two agree on
// randomly filled API objects, TestTypedToNodeEdgeCases on each such case.
func typedToNode(v reflect.Value) (*yaml.Node, error) {
	return walkValue(v, 0)
}

// maxWalkDepth turns a cycle of pointers, which encoding/json reports as an
// error, into an error instead of a stack overflow.
const maxWalkDepth = 1000

func walkValue(v reflect.Value, depth int) (*yaml.Node, error) {
	if !v.IsValid() {
		return nullNode(), nil
	}
	if depth > maxWalkDepth {
		return nil, fmt.Errorf("nested more than %d levels deep (a cycle?)", maxWalkDepth)
	}
	depth++
	t := v.Type()
	if n, ok, err := marshalerNode(v); ok {
		return n, err
	}
	switch t.Kind() {
	case reflect.Interface:
		if selfEncodingOf(t) != 0 {
			// Such an interface's method is called even on a nil pointer.
			return viaJSON(v)
		}
		fallthrough
	case reflect.Pointer:
		if v.IsNil() {
			return nullNode(), nil
		}
		return walkValue(v.Elem(), depth)
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
			value, err := walkValue(fv, depth)
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
		return mapNode(v, depth)
	case reflect.Slice:
		if v.IsNil() {
			return nullNode(), nil
		}
		if t.Elem().Kind() == reflect.Uint8 && selfEncodingOf(t.Elem()) == 0 {
			return stringNode(base64.StdEncoding.EncodeToString(v.Bytes())), nil
		}
		fallthrough
	case reflect.Array:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: make([]*yaml.Node, 0, v.Len())}
		for i := range v.Len() {
			item, err := walkValue(v.Index(i), depth)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			n.Content = append(n.Content, item)
		}
		return n, nil
	case reflect.String:
		if t == reflect.TypeFor[json.Number]() {
			return viaJSON(v)
		}
		return textNode(v.String())
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(v.Bool())}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.FormatInt(v.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v.Uint() > math.MaxInt64 {
			return viaJSON(v) // tagged as jsonValueToNode tags numbers beyond int64
		}
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

// selfEncoding says which of the methods encoding/json looks for a type
// has: MarshalJSON or MarshalText, on the value or only on its pointer.
type selfEncoding uint8

const (
	jsonOnValue selfEncoding = 1 << iota
	jsonOnPointer
	textOnValue
	textOnPointer
)

var selfEncodingCache sync.Map // reflect.Type -> selfEncoding

// selfEncodingOf asks reflect once per type: it is slow, and the answer
// does not change.
func selfEncodingOf(t reflect.Type) selfEncoding {
	if cached, ok := selfEncodingCache.Load(t); ok {
		return cached.(selfEncoding)
	}
	var e selfEncoding
	if t.Implements(jsonMarshalerType) {
		e |= jsonOnValue
	}
	if t.Implements(textMarshalerType) {
		e |= textOnValue
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		p := reflect.PointerTo(t)
		if p.Implements(jsonMarshalerType) {
			e |= jsonOnPointer
		}
		if p.Implements(textMarshalerType) {
			e |= textOnPointer
		}
	}
	selfEncodingCache.Store(t, e)
	return e
}

// marshalerNode encodes values that encode themselves (quantities,
// int-or-string, times) as encoding/json does: MarshalJSON before
// MarshalText, a pointer's methods only on addressable values. Pointers and
// interfaces are left to the walk, which reaches their element addressable
// and asks there.
func marshalerNode(v reflect.Value) (*yaml.Node, bool, error) {
	t := v.Type()
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return nil, false, nil
	}
	e := selfEncodingOf(t)
	addressable := v.CanAddr()
	var m any
	switch {
	case e&jsonOnPointer != 0 && addressable:
		m = v.Addr().Interface()
	case e&jsonOnValue != 0:
		m = v.Interface()
	case e&textOnPointer != 0 && addressable:
		m = v.Addr().Interface()
	case e&textOnValue != 0:
		m = v.Interface()
	default:
		return nil, false, nil
	}
	if jm, ok := m.(json.Marshaler); ok {
		b, err := jm.MarshalJSON()
		if err != nil {
			return nil, true, fmt.Errorf("marshalling %s: %w", t, err)
		}
		n, err := jsonBytesToNode(b)
		if err != nil {
			return nil, true, fmt.Errorf("marshalling %s: invalid JSON: %w", t, err)
		}
		return n, true, nil
	}
	text, err := m.(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return nil, true, fmt.Errorf("marshalling %s: %w", t, err)
	}
	n, err := textNode(string(text))
	return n, true, err
}

// mapNode writes a map with its keys sorted, as encoding/json does.
func mapNode(v reflect.Value, depth int) (*yaml.Node, error) {
	if v.Type().Key().Kind() != reflect.String {
		return viaJSON(v)
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: make([]*yaml.Node, 0, 2*len(keys))}
	for _, k := range keys {
		key, err := textNode(k.String())
		if err != nil {
			return nil, err
		}
		value, err := walkValue(v.MapIndex(k), depth)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k.String(), err)
		}
		n.Content = append(n.Content, key, value)
	}
	return n, nil
}

// viaJSON encodes one value with encoding/json, for the cases the walk
// leaves to it; from its address when it has one, so that methods on the
// pointer count as they would have.
func viaJSON(v reflect.Value) (*yaml.Node, error) {
	x := v.Interface()
	if v.CanAddr() {
		x = v.Addr().Interface()
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	return jsonBytesToNode(b)
}

// jsonBytesToNode reads exactly one JSON value.
func jsonBytesToNode(b []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n, err := jsonValueToNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return n, nil
}

// textNode is a string node; invalid UTF-8 goes through encoding/json,
// which replaces each bad byte.
func textNode(s string) (*yaml.Node, error) {
	if utf8.ValidString(s) {
		return stringNode(s), nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return jsonBytesToNode(b)
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
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return v.IsNil() || (v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil()) ||
			v.Interface().(interface{ IsZero() bool }).IsZero()
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

// jsonStruct is what encoding/json's field rules make of a struct type:
// its fields in order, the same by name, and whether the walk may encode it
// itself (walk is false when two fields claim one name, or for ",string",
// and encoding/json's own rules decide).
type jsonStruct struct {
	fields []encodedField
	byName map[string]encodedField
	walk   bool
}

var jsonStructCache sync.Map // reflect.Type -> jsonStruct

// jsonStructOf is the one place that reads a struct's json tags, for the
// encoding walk and for strict decoding alike; reflect is slow to ask, so
// the answer is kept per type.
func jsonStructOf(t reflect.Type) jsonStruct {
	if cached, ok := jsonStructCache.Load(t); ok {
		return cached.(jsonStruct)
	}
	fields, walk := collectFields(t, nil, map[reflect.Type]bool{})
	s := jsonStruct{fields: fields, byName: make(map[string]encodedField, len(fields)), walk: walk}
	for _, f := range fields {
		if _, dup := s.byName[f.name]; dup {
			s.walk = false
		}
		s.byName[f.name] = f
	}
	jsonStructCache.Store(t, s)
	return s
}

// structFields lists t's JSON fields in encoding/json's order, and whether
// the walk encodes t itself.
func structFields(t reflect.Type) ([]encodedField, bool) {
	s := jsonStructOf(t)
	return s.fields, s.walk
}

// collectFields lists t's fields with their JSON names, embedded structs
// flattened. It reports false for ",string", which only encoding/json
// encodes, and for an embedding cycle.
func collectFields(t reflect.Type, prefix []int, visiting map[reflect.Type]bool) ([]encodedField, bool) {
	if visiting[t] {
		return nil, false
	}
	visiting[t] = true
	defer delete(visiting, t)
	var fields []encodedField
	walk := true
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !isValidFieldName(name) {
			name = "" // as encoding/json: the Go name, or flattened
		}
		index := append(append([]int(nil), prefix...), i)
		if sf.Anonymous {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && ft.Kind() != reflect.Struct {
				continue
			}
			if name == "" && ft.Kind() == reflect.Struct {
				inner, ok := collectFields(ft, index, visiting)
				walk = walk && ok
				fields = append(fields, inner...)
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		if hasOption(opts, "string") {
			walk = false
		}
		if name == "" {
			name = sf.Name
		}
		fields = append(fields, encodedField{
			name: name, index: index,
			omitEmpty: hasOption(opts, "omitempty"), omitZero: hasOption(opts, "omitzero"),
		})
	}
	return fields, walk
}

// isValidFieldName is encoding/json's rule for a name in a tag: letters,
// digits and punctuation other than quotes and backslashes.
func isValidFieldName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r) {
			return false
		}
	}
	return true
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
