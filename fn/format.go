package fn

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/objects"
)

// formatResults renders results for people: one line per result, with the
// file, the object and the field, errors first. kpt and kustomize show
// stderr on failure, so this is what a user reads.
func formatResults(rs framework.Results) string {
	sorted := append(framework.Results(nil), rs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return severityRank(sorted[i].Severity) < severityRank(sorted[j].Severity)
	})
	var b strings.Builder
	for _, r := range sorted {
		b.WriteString(string(r.Severity))
		b.WriteString(": ")
		if r.File != nil && r.File.Path != "" {
			fmt.Fprintf(&b, "%s: ", r.File.Path)
		}
		if r.ResourceRef != nil {
			if ref := strings.TrimSpace(r.ResourceRef.Kind + " " + objects.OwnerKey(r.ResourceRef.Namespace, r.ResourceRef.Name)); ref != "" {
				fmt.Fprintf(&b, "%s: ", ref)
			}
		}
		if r.Field != nil && r.Field.Path != "" {
			fmt.Fprintf(&b, "%s: ", r.Field.Path)
		}
		b.WriteString(r.Message)
		b.WriteString("\n")
	}
	return b.String()
}

func severityRank(s framework.Severity) int {
	switch s {
	case framework.Error:
		return 0
	case framework.Warning:
		return 1
	default:
		return 2
	}
}
