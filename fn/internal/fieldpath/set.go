// Package fieldpath compares field paths as field.Path writes them
// (spec.volumes[0].name, spec.resources.requests[cpu]): whether one is under
// another, and the set of paths whose values failed to decode, which the
// decoder fills and every rule reads to stay silent about them.
package fieldpath

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Set is a set of field paths; a path covers every path under it.
type Set []*field.Path

// Has reports whether a path in the set is p, is under p, or covers p: a
// rule that reads p cannot trust it.
func (s Set) Has(p *field.Path) bool {
	for _, q := range s {
		if IsUnder(q.String(), p.String()) || IsUnder(p.String(), q.String()) {
			return true
		}
	}
	return false
}

// Covers reports whether a path in the set is path or covers it.
func (s Set) Covers(path string) bool {
	for _, q := range s {
		if IsUnder(path, q.String()) {
			return true
		}
	}
	return false
}

// IsUnder reports whether path is parent or one of its children, comparing
// the paths as field.Path writes them (a.b, a[0], a[key]).
func IsUnder(path, parent string) bool {
	rest, ok := strings.CutPrefix(path, parent)
	return ok && (rest == "" || rest[0] == '.' || rest[0] == '[')
}
