package fn_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestOutputsReadTheSameInYAML11 reads every success fixture's output twice:
// as the function wrote it (YAML 1.2, kyaml) and as kubectl and Argo CD read
// it (YAML 1.1, sigs.k8s.io/yaml). The two must agree value for value, and
// each generated object must decode strictly into its typed API object, or
// the cluster gets something else than the function built: a label "on"
// written plain is the boolean true to a YAML 1.1 reader.
func TestOutputsReadTheSameInYAML11(t *testing.T) {
	for _, dir := range caseDirs(t, "success") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			standalone, err := os.ReadFile(filepath.Join(dir, "expected.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			krm, _, err := runKRM(t, dir, "")
			if err != nil {
				t.Fatal(err)
			}
			for mode, out := range map[string]string{"standalone": string(standalone), "KRM": krm} {
				nodes, err := (&kio.ByteReader{Reader: strings.NewReader(out), OmitReaderAnnotations: true}).Read()
				if err != nil {
					t.Fatalf("%s output: %v", mode, err)
				}
				for _, node := range nodes {
					requireSameInYAML11(t, mode, node)
				}
			}
		})
	}
}

func requireSameInYAML11(t *testing.T, mode string, node *yaml.RNode) {
	t.Helper()
	id := mode + " " + node.GetKind() + " " + node.GetName()
	text, err := node.String()
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	asWritten, err := node.MarshalJSON()
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	asRead, err := sigsyaml.YAMLToJSON([]byte(text))
	if err != nil {
		t.Fatalf("%s: sigs.k8s.io/yaml cannot read it: %v", id, err)
	}
	var written, read any
	if err := json.Unmarshal(asWritten, &written); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(asRead, &read); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(written, read) {
		t.Errorf("%s reads differently in YAML 1.1:\nwritten: %s\nread:    %s", id, asWritten, asRead)
	}
	typed := map[string]any{
		"Deployment":              &appsv1.Deployment{},
		"HorizontalPodAutoscaler": &autoscalingv2.HorizontalPodAutoscaler{},
		"PodDisruptionBudget":     &policyv1.PodDisruptionBudget{},
	}[node.GetKind()]
	if typed != nil {
		if err := sigsyaml.UnmarshalStrict([]byte(text), typed); err != nil {
			t.Errorf("%s: kubectl's decoder rejects it: %v", id, err)
		}
	}
}
