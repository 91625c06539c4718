package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
)

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
