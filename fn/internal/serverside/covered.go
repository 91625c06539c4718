package serverside

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
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
	return structCovers(b.Elem(), a.Elem(), map[string]bool{"apiVersion": true, "kind": true, "status": true})
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

// encodesItself reports whether encoding/json writes values of t with
// their own MarshalJSON or MarshalText (resource.Quantity, metav1.Time,
// intstr.IntOrString...).
func encodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonMarshalerType) || p.Implements(jsonMarshalerType) ||
		t.Implements(textMarshalerType) || p.Implements(textMarshalerType)
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
	if encodesItself(t) {
		return selfEncodedCovers(b, a)
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true // after writes a scalar here too
	case reflect.Struct:
		return structCovers(b, a, nil)
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
func structCovers(b, a reflect.Value, skip map[string]bool) bool {
	t := b.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		bf, af := b.Field(i), a.Field(i)
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if sf.Type.Kind() == reflect.Pointer {
					if bf.IsNil() {
						continue
					}
					if af.IsNil() {
						return false
					}
					bf, af = bf.Elem(), af.Elem()
				}
				if !structCovers(bf, af, skip) {
					return false
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if skip[name] {
			continue
		}
		bOmitted, okB := omitted(bf, opts)
		aOmitted, okA := omitted(af, opts)
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

// omitted reports whether encoding/json leaves a field out under the tag
// options opts (omitempty, omitzero), as its struct encoder decides; ok is
// false when that cannot be told here.
func omitted(v reflect.Value, opts string) (omit, ok bool) {
	for opt := range strings.SplitSeq(opts, ",") {
		switch opt {
		case "omitempty":
			if isEmptyValue(v) {
				return true, true
			}
		case "omitzero":
			zero, ok := isZero(v)
			if !ok {
				return false, false
			}
			if zero {
				return true, true
			}
		}
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
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType),
		t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		if v.IsNil() || t.Kind() == reflect.Interface && v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() {
			return true, true
		}
		if !v.CanInterface() {
			return false, false
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero(), true
	case t.Implements(isZeroerType):
		if !v.CanInterface() {
			return false, false
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero(), true
	case reflect.PointerTo(t).Implements(isZeroerType):
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
