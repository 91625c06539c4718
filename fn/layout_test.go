package fn_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/mlpipeline-dev/mlpipeline-fn/"

// layers are fn's packages from the bottom up (doc.go says why). A package
// may import only packages of a lower layer: never one above it, nor one
// beside it, so that each layer can be read knowing only those below.
var layers = [][]string{
	{"fn/api/v1alpha1"},
	{"fn/internal/fieldpath", "fn/internal/yamlnode", "fn/internal/serverside"},
	{"fn/internal/decode", "fn/internal/defaults"},
	{"fn/internal/objects"},
	{"fn/internal/validation"},
	{"fn"},
}

// TestPackagesImportOnlyDownward reads the imports of every Go file under
// fn/ (tests included) and checks them against layers.
func TestPackagesImportOnlyDownward(t *testing.T) {
	imports := moduleImports(t, ".")
	if len(imports) < len(slices.Concat(layers...)) {
		t.Fatalf("found %d packages under fn/, want at least the %d of layers: %v", len(imports), len(slices.Concat(layers...)), imports)
	}
	for _, v := range layerViolations(imports, layers) {
		t.Error(v)
	}
}

// TestLayerViolationsFails shows that the check can fail: each case adds
// one edge to fn's real imports.
func TestLayerViolationsFails(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		want     string
	}{
		{"upward", "fn/internal/defaults", "fn/internal/validation", "fn/internal/defaults (layer 2) imports fn/internal/validation (layer 4)"},
		{"sideways", "fn/internal/yamlnode", "fn/internal/serverside", "fn/internal/yamlnode (layer 1) imports fn/internal/serverside (layer 1)"},
		{"the command from below", "fn/api/v1alpha1", "fn", "fn/api/v1alpha1 (layer 0) imports fn (layer 5)"},
		{"a package no layer lists", "fn/internal/scaling", "fn/api/v1alpha1", "fn/internal/scaling is in no layer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imports := moduleImports(t, ".")
			imports[tc.from] = append(imports[tc.from], tc.to)
			got := layerViolations(imports, layers)
			if !slices.Contains(got, tc.want) {
				t.Errorf("want %q among the violations, got %q", tc.want, got)
			}
		})
	}
}

// layerViolations lists every import of a package (fn/…) that is not of a
// lower layer, and every package no layer lists.
func layerViolations(imports map[string][]string, layers [][]string) []string {
	rank := map[string]int{}
	for i, layer := range layers {
		for _, pkg := range layer {
			rank[pkg] = i
		}
	}
	var out []string
	for _, pkg := range slices.Sorted(maps.Keys(imports)) {
		from, ok := rank[pkg]
		if !ok {
			out = append(out, pkg+" is in no layer")
			continue
		}
		for _, dep := range imports[pkg] {
			to, ok := rank[dep]
			if !ok {
				out = append(out, pkg+" imports "+dep+", which is in no layer")
				continue
			}
			if to >= from {
				out = append(out, pkg+" (layer "+strconv.Itoa(from)+") imports "+dep+" (layer "+strconv.Itoa(to)+")")
			}
		}
	}
	return out
}

// moduleImports maps each package directory under root (fn/, as
// "fn/internal/x") to the module's packages under fn/ that its Go files
// import. go/parser reads only the import clauses.
func moduleImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Join("fn", filepath.Dir(path)))
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		for _, imp := range f.Imports {
			dep, _ := strconv.Unquote(imp.Path.Value)
			dep, inModule := strings.CutPrefix(dep, module)
			if inModule && (dep == "fn" || strings.HasPrefix(dep, "fn/")) && dep != pkg && !slices.Contains(out[pkg], dep) {
				out[pkg] = append(out[pkg], dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
