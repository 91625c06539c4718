package serverside

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
)

// droppedFields lists the fields of versioned (defaulted, before the
// strategy ran) that the prepared internal object no longer has: what the
// server would drop without a word, such as a field whose feature gate is
// off at the version checked. Paths are in field.Path's notation.
func droppedFields(versioned, internal runtime.Object) ([]string, error) {
	after := reflect.New(reflect.TypeOf(versioned).Elem()).Interface().(runtime.Object)
	if err := legacyscheme.Scheme.Convert(internal, after, nil); err != nil {
		return nil, fmt.Errorf("converting the prepared %T back: %w", versioned, err)
	}
	var before, prepared map[string]any
	if err := roundTrip(versioned, &before); err != nil {
		return nil, err
	}
	if err := roundTrip(after, &prepared); err != nil {
		return nil, err
	}
	// The type meta is not the object's content, and the status is the
	// server's to set.
	for _, k := range []string{"apiVersion", "kind", "status"} {
		delete(before, k)
	}
	var out []string
	missing("", before, prepared, &out)
	sort.Strings(out)
	return out, nil
}

func roundTrip(obj any, into *map[string]any) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("encoding %T: %w", obj, err)
	}
	return json.Unmarshal(data, into)
}

// missing adds to out the paths of the leaves under path that are set in
// before and absent in after (nil when after lost path itself).
func missing(path string, before, after any, out *[]string) {
	switch b := before.(type) {
	case map[string]any:
		a, _ := after.(map[string]any)
		for k, bv := range b {
			child := k
			if path != "" {
				child = path + "." + k
			}
			missing(child, bv, a[k], out)
		}
	case []any:
		a, _ := after.([]any)
		for i, bv := range b {
			var av any
			if i < len(a) {
				av = a[i]
			}
			missing(path+"["+strconv.Itoa(i)+"]", bv, av, out)
		}
	default:
		if after == nil && !isEmptyJSON(before) {
			*out = append(*out, path)
		}
	}
}

func isEmptyJSON(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}
