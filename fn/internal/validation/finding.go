package validation

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Finding is one warning or note about one field of one object, or a
// problem found outside validation (which reports a field.ErrorList); the
// path is written as field.Path writes it. A warning has the ID of its
// kind (ids.go), by which users silence it.
type Finding struct {
	ID      string
	Path    string
	Message string
}

// FindingAt is a finding at a path written as field.Path writes it ("" for
// the object as a whole).
func FindingAt(path, format string, args ...any) Finding {
	return Finding{Path: path, Message: fmt.Sprintf(format, args...)}
}

// warningAt is a warning of kind id at a field path.
func warningAt(id string, path *field.Path, format string, args ...any) Finding {
	return warningAtPath(id, path.String(), format, args...)
}

// warningAtPath is a warning of kind id at a path written as field.Path
// writes it ("" for the object as a whole).
func warningAtPath(id, path, format string, args ...any) Finding {
	f := FindingAt(path, format, args...)
	f.ID = id
	return f
}
