package validation

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Finding is one warning or note about one field of one object, or a
// problem found outside validation (which reports a field.ErrorList); the
// path is written as field.Path writes it.
type Finding struct {
	Path    string
	Message string
}

// FindingAt is a finding at a path written as field.Path writes it ("" for
// the object as a whole).
func FindingAt(path, format string, args ...any) Finding {
	return Finding{Path: path, Message: fmt.Sprintf(format, args...)}
}

// warningAt is a finding at a field path.
func warningAt(path *field.Path, format string, args ...any) Finding {
	return FindingAt(path.String(), format, args...)
}
