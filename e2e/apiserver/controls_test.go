package apiserver

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// A negative control is a hand-written object the server must refuse or
// warn about in a given way: it shows that a check can fail. Each file in
// testdata/negative/ has one entry here.
type negativeControl struct {
	refusal *refusal // the server refuses it so
	warning string   // or warns with this
	// unmatched: the server's findings, with no function warnings, must be
	// unmatched: the warning-match check can fail.
	unmatched bool
}

var negativeControls = map[string]negativeControl{
	// Strict field validation: server-side apply cannot build its typed
	// patch; the Status has no reason and no causes, only the message.
	"unknown-field.yaml": {refusal: &refusal{request: "apply (dry run) Deployment",
		code: 500, message: ".spec.replica: field not declared in schema"}},
	// The CRD's structural schema, the same way.
	"mlpipeline-unknown-field.yaml": {refusal: &refusal{request: "apply (dry run) MLPipeline",
		code: 500, message: ".spec.autoscaling.maxReplica: field not declared in schema"}},
	// Validation of the HPA: a cause at spec.metrics.
	"hpa-min-zero-without-object-metric.yaml": {refusal: &refusal{request: "apply (dry run) HorizontalPodAutoscaler",
		code: 422, reason: metav1.StatusReasonInvalid, causes: []cause{{metav1.CauseTypeForbidden, "spec.metrics"}}}},
	// Pod Security warns on a workload, and no function warning matches.
	"privileged-deployment.yaml": {warning: `would violate PodSecurity "restricted:latest"`, unmatched: true},
	// Pod Security refuses a pod: Forbidden, no causes.
	"privileged-pod.yaml": {refusal: &refusal{request: "apply (dry run) Pod",
		code: 403, reason: metav1.StatusReasonForbidden, message: `violates PodSecurity "restricted:latest"`}},
	// The Deployment is accepted, the Pod from its template refused.
	"pod-only-rule-deployment.yaml": {refusal: &refusal{request: "create (dry run) Pod",
		code: 422, reason: metav1.StatusReasonInvalid,
		// The server's own path for a matchLabelKeys entry.
		causes: []cause{{metav1.CauseTypeFieldValueInvalid, "spec.topologySpreadConstraints[0][0]"}}}},
}

func (s *suite) runNegativeControls(t *testing.T) {
	files := controlFiles(t, "negative")
	for name := range negativeControls {
		if !slices.Contains(files, name) {
			t.Errorf("negativeControls names %s, which is not in testdata/negative/", name)
		}
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			want, ok := negativeControls[name]
			if !ok {
				t.Fatalf("testdata/negative/%s has no entry in negativeControls", name)
			}
			_, as := s.check(t, readObjects(t, filepath.Join("testdata", "negative", name)))
			switch {
			case want.refusal != nil:
				if err := want.refusal.find(as); err != nil {
					t.Error(err)
				}
			default:
				if err := warnedWith(as, want.warning); err != nil {
					t.Error(err)
				}
			}
			if want.unmatched && len(unmatched(findings(as), nil)) == 0 {
				t.Errorf("the server's findings are matched without any function warning: the match cannot fail")
			}
		})
	}
}

// runPositiveControls checks the hand-written twins of negative controls:
// accepted cleanly, so that the negative fails for the reason it names.
func (s *suite) runPositiveControls(t *testing.T) {
	for _, name := range controlFiles(t, "positive") {
		t.Run(name, func(t *testing.T) {
			s.checkClean(t, readObjects(t, filepath.Join("testdata", "positive", name)))
		})
	}
}

func controlFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no controls in testdata/%s: %v", dir, err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// readObjects reads the Kubernetes objects of one or more YAML files.
func readObjects(t *testing.T, paths ...string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := parseObjects(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, objs...)
	}
	return out
}
