package validation

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// Unignored drops the warnings whose ids the pipeline lists in
// IgnoreWarningsAnnotation, and warns about a listed id that names no
// warning (a typo would silently silence nothing).
func Unignored(p *v1alpha1.MLPipeline, warnings []Finding) []Finding {
	list, ok := p.Annotations[v1alpha1.IgnoreWarningsAnnotation]
	if !ok {
		return warnings
	}
	at := field.NewPath("metadata", "annotations").Key(v1alpha1.IgnoreWarningsAnnotation)
	ignored := sets.New[string]()
	var unknown []Finding
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !WarningIDs.Has(id) {
			unknown = append(unknown, warningAt(WarnUnknownID, at,
				"names %q, which is not a warning id, so it silences nothing; the README's table of warnings lists the ids", id))
			continue
		}
		ignored.Insert(id)
	}
	var out []Finding
	for _, w := range warnings {
		if !ignored.Has(w.ID) {
			out = append(out, w)
		}
	}
	return append(out, unknown...)
}
