package fn

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/validation"
)

// TestREADMEListsEveryWarningID keeps the README's table of warning ids the
// same set as the function's: users silence warnings by those ids.
func TestREADMEListsEveryWarningID(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, found := strings.Cut(string(readme), "\n### Warnings\n")
	section, _, _ = strings.Cut(section, "\n## ")
	if !found {
		t.Fatal("README has no section ### Warnings")
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| ").FindAllStringSubmatch(section, -1)
	documented := sets.New[string]()
	for _, row := range rows {
		documented.Insert(row[1])
	}
	if missing := validation.WarningIDs.Difference(documented); missing.Len() > 0 {
		t.Errorf("README's table of warnings lacks %v", sets.List(missing))
	}
	if extra := documented.Difference(validation.WarningIDs); extra.Len() > 0 {
		t.Errorf("README's table of warnings has %v, which the function does not know", sets.List(extra))
	}
}
