package serverside

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// covers is droppedFields' fast path. It walks two typed objects of the same
// type side by side, as encoding/json would write them, and reports whether
// every value that before's encoding sets (a leaf other than null) is also
// set at the same path in after's: then nothing was dropped. It decides only
// what the typed values show for certain and answers false otherwise (a
// pointer, map entry or list element that after lacks, a custom-encoded value
// that changed), and droppedFields then compares the two JSON encodings,
// which name the paths. So it can cost a comparison, never change its
// answer; TestCoversAgreesWithJSON checks that on random objects.
//
// Walking the typed values saves two JSON round trips through
// map[string]any per generated object, most of the time the server's checks
// took.
func covers(before, after any) bool {
	b, a := reflect.ValueOf(before), reflect.ValueOf(after)
	if b.Type() != a.Type() || b.Kind() != reflect.Pointer || b.IsNil() || a.IsNil() || b.Elem().Kind() != reflect.Struct {
		return false
	}
	// As droppedFields: the type meta is not the object's content, and the
	// status is the server's to set.
	return structCovers(b.Elem(), a.Elem(), infoOf(b.Elem().Type()).fields, notContent)
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

// typeInfo is what covers needs to know of a type, worked out once per
// type as encoding/json caches its encoders.
type typeInfo struct {
	// selfEncoded: encoding/json writes values of the type with their own
	// MarshalJSON or MarshalText (resource.Quantity, metav1.Time,
	// intstr.IntOrString...).
	selfEncoded bool
	// zeroer says where omitzero finds an IsZero method.
	zeroer zeroerKind
	// fields are a struct's fields as encoding/json sees them.
	fields []jsonField
}

type zeroerKind int

const (
	noZeroer           zeroerKind = iota
	zeroerOrNil                   // an interface or pointer type with IsZero: nil is zero too
	zeroerOnValue                 // IsZero on the value
	zeroerOnPointerToT            // IsZero on *T
)

// jsonField is one field of a struct for encoding/json: its name and omit
// options, or an embedded struct without a name whose fields it promotes.
type jsonField struct {
	index               int
	name                string
	omitEmpty, omitZero bool
	promoted            bool // an embedded struct, its fields written in the parent
	viaPointer          bool // promoted through a pointer
}

// notContent are the top-level fields droppedFields leaves out.
var notContent = map[string]bool{"apiVersion": true, "kind": true, "status": true}

var typeInfos sync.Map // reflect.Type -> *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if cached, ok := typeInfos.Load(t); ok {
		return cached.(*typeInfo)
	}
	p := reflect.PointerTo(t)
	info := &typeInfo{selfEncoded: t.Implements(jsonMarshalerType) || p.Implements(jsonMarshalerType) ||
		t.Implements(textMarshalerType) || p.Implements(textMarshalerType)}
	switch {
	case (t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer) && t.Implements(isZeroerType):
		info.zeroer = zeroerOrNil
	case t.Implements(isZeroerType):
		info.zeroer = zeroerOnValue
	case p.Implements(isZeroerType):
		info.zeroer = zeroerOnPointerToT
	}
	if t.Kind() == reflect.Struct {
		info.fields = jsonFields(t)
	}
	cached, _ := typeInfos.LoadOrStore(t, info)
	return cached.(*typeInfo)
}

// jsonFields lists the fields of struct type t that encoding/json writes.
func jsonFields(t reflect.Type) []jsonField {
	var fields []jsonField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				fields = append(fields, jsonField{index: i, promoted: true, viaPointer: sf.Type.Kind() == reflect.Pointer})
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := jsonField{index: i, name: name}
		for opt := range strings.SplitSeq(opts, ",") {
			f.omitEmpty = f.omitEmpty || opt == "omitempty"
			f.omitZero = f.omitZero || opt == "omitzero"
		}
		fields = append(fields, f)
	}
	return fields
}

// valueCovers is covers for two present values of the same type at the
// same path.
func valueCovers(b, a reflect.Value) bool {
	t := b.Type()
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		if b.IsNil() {
			return true // null: no leaf
		}
		if a.IsNil() {
			return false
		}
		if t.Kind() == reflect.Interface {
			return b.CanInterface() && a.CanInterface() && reflect.DeepEqual(b.Interface(), a.Interface())
		}
		return valueCovers(b.Elem(), a.Elem())
	}
	info := infoOf(t)
	if info.selfEncoded {
		return selfEncodedCovers(b, a)
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true // after writes a scalar here too
	case reflect.Struct:
		return structCovers(b, a, info.fields, nil)
	case reflect.Map:
		if b.IsNil() || b.Len() == 0 {
			return true
		}
		if a.IsNil() {
			return false
		}
		for it := b.MapRange(); it.Next(); {
			av := a.MapIndex(it.Key())
			if !av.IsValid() || !valueCovers(it.Value(), av) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && b.IsNil() {
			return true
		}
		if t.Kind() == reflect.Slice && a.IsNil() {
			return false // null against a list, or []byte's string
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return true // base64 strings on both sides
		}
		if b.Len() > a.Len() {
			return false
		}
		for i := 0; i < b.Len(); i++ {
			if !valueCovers(b.Index(i), a.Index(i)) {
				return false
			}
		}
		return true
	}
	return false // channels, functions, complex numbers: not JSON
}

// selfEncodedCovers compares values that encode themselves: equal values
// write the same, and so do two writes that are the same bytes; two scalars
// are both set. Anything else is left to the JSON comparison.
func selfEncodedCovers(b, a reflect.Value) bool {
	if !b.CanInterface() || !a.CanInterface() {
		return false
	}
	if reflect.DeepEqual(b.Interface(), a.Interface()) {
		return true
	}
	be, errB := json.Marshal(encodable(b))
	ae, errA := json.Marshal(encodable(a))
	if errB != nil || errA != nil {
		return false
	}
	return bytes.Equal(be, ae) || isSetScalar(be) && isSetScalar(ae)
}

// encodable is what to hand json.Marshal so that it writes v as it does
// inside its parent: an addressable value uses its pointer methods too.
func encodable(v reflect.Value) any {
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	return v.Interface()
}

// isSetScalar reports whether a JSON encoding is a string, number or bool.
func isSetScalar(encoded []byte) bool {
	if len(encoded) == 0 {
		return false
	}
	switch encoded[0] {
	case 'n', '{', '[':
		return false
	}
	return true
}

// structCovers walks the fields encoding/json writes for a struct, those of
// embedded structs without a name in the same object (as encoding/json
// promotes them), leaving out the names in skip.
func structCovers(b, a reflect.Value, fields []jsonField, skip map[string]bool) bool {
	for _, f := range fields {
		bf, af := b.Field(f.index), a.Field(f.index)
		if f.promoted {
			if f.viaPointer {
				if bf.IsNil() {
					continue
				}
				if af.IsNil() {
					return false
				}
				bf, af = bf.Elem(), af.Elem()
			}
			if !structCovers(bf, af, infoOf(bf.Type()).fields, skip) {
				return false
			}
			continue
		}
		if skip[f.name] {
			continue
		}
		bOmitted, okB := omitted(bf, f)
		aOmitted, okA := omitted(af, f)
		switch {
		case !okB || !okA:
			return false
		case bOmitted:
			continue
		case aOmitted:
			return false
		case !valueCovers(bf, af):
			return false
		}
	}
	return true
}

// omitted reports whether encoding/json leaves field f with value v out
// (omitempty, omitzero), as its struct encoder decides; ok is false when
// that cannot be told here.
func omitted(v reflect.Value, f jsonField) (omit, ok bool) {
	if f.omitEmpty && isEmptyValue(v) {
		return true, true
	}
	if f.omitZero {
		return isZero(v)
	}
	return false, true
}

// isEmptyValue is omitempty's test in encoding/json.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZero is omitzero's test in encoding/json: the type's IsZero method if
// it has one, else the zero value.
func isZero(v reflect.Value) (zero, ok bool) {
	t := v.Type()
	switch infoOf(t).zeroer {
	case zeroerOrNil:
		if v.IsNil() || t.Kind() == reflect.Interface && v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() {
			return true, true
		}
		if !v.CanInterface() {
			return false, false
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero(), true
	case zeroerOnValue:
		if !v.CanInterface() {
			return false, false
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero(), true
	case zeroerOnPointerToT:
		if !v.CanInterface() {
			return false, false
		}
		if !v.CanAddr() {
			boxed := reflect.New(t).Elem()
			boxed.Set(v)
			v = boxed
		}
		return v.Addr().Interface().(interface{ IsZero() bool }).IsZero(), true
	}
	return v.IsZero(), true
}
