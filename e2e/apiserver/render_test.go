package apiserver

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// result is one entry of the results the function reports in KRM mode.
type result struct {
	Message  string `json:"message"`
	Severity string `json:"severity"`
	Field    struct {
		Path string `json:"path"`
	} `json:"field"`
}

func (r result) String() string {
	if r.Field.Path == "" {
		return r.Severity + ": " + r.Message
	}
	return r.Severity + ": " + r.Field.Path + ": " + r.Message
}

// rendering is what one run of the function gave back.
type rendering struct {
	objects []*unstructured.Unstructured
	results []result
	failed  bool   // exit status non-zero
	stderr  string // kept for failure messages
}

// bySeverity returns the results of one severity ("error", "warning").
func (r rendering) bySeverity(severity string) []result {
	var out []result
	for _, res := range r.results {
		if res.Severity == severity {
			out = append(out, res)
		}
	}
	return out
}

// render runs the function as a KRM function, as kustomize and kpt do: a
// ResourceList with config as its functionConfig and items on stdin. The
// ResourceList is written around the files' own text, not re-encoded, so
// that the function reads every value as the user wrote it (a YAML 1.1
// reader would turn an unquoted "on" into true).
func render(fnPath string, config []byte, items [][]byte, flags ...string) (rendering, error) {
	var in bytes.Buffer
	in.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, item := range items {
		docs, err := splitDocuments(item)
		if err != nil {
			return rendering{}, err
		}
		for _, doc := range docs {
			in.WriteString(indentList(doc))
		}
	}
	in.WriteString("functionConfig:\n")
	in.WriteString(indent(string(config), "  "))

	cmd := exec.Command(fnPath, flags...)
	cmd.Stdin = &in
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	r := rendering{stderr: errOut.String()}
	if runErr != nil {
		if _, ok := runErr.(*exec.ExitError); !ok {
			return r, fmt.Errorf("running %s: %w", fnPath, runErr)
		}
		r.failed = true
	}
	var list struct {
		Items   []map[string]any `json:"items"`
		Results []result         `json:"results"`
	}
	if err := yaml.Unmarshal(out.Bytes(), &list); err != nil {
		return r, fmt.Errorf("reading the function's ResourceList: %w\n%s%s", err, out.String(), r.stderr)
	}
	for _, item := range list.Items {
		r.objects = append(r.objects, &unstructured.Unstructured{Object: item})
	}
	r.results = list.Results
	return r, nil
}

// splitDocuments splits a YAML stream into its non-empty documents.
func splitDocuments(stream []byte) ([]string, error) {
	var docs []string
	for _, doc := range strings.Split("\n"+string(stream), "\n---") {
		// A separator line may carry a comment or trail spaces.
		if i := strings.IndexByte(doc, '\n'); i >= 0 {
			doc = doc[i+1:]
		}
		var v any
		if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
			return nil, fmt.Errorf("reading YAML: %w", err)
		}
		if v != nil {
			docs = append(docs, doc)
		}
	}
	return docs, nil
}

// indentList writes a document as an item of a YAML list at depth 0.
func indentList(doc string) string {
	return "- " + strings.TrimPrefix(indent(doc, "  "), "  ")
}

func indent(text, by string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(by + line + "\n")
	}
	return b.String()
}

// parseObjects reads the objects of a YAML stream.
func parseObjects(stream []byte) ([]*unstructured.Unstructured, error) {
	docs, err := splitDocuments(stream)
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, 0, len(docs))
	for _, doc := range docs {
		obj := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			return nil, err
		}
		out = append(out, &unstructured.Unstructured{Object: obj})
	}
	return out, nil
}
