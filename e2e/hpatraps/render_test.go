package hpatraps

import (
	"bufio"
	"bytes"
	"errors"
	"github.com/go-logr/logr"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/klog/v2"
	"sigs.k8s.io/yaml"
)

// fnBinary is the function, built once from the parent module.
var fnBinary string

func TestMain(m *testing.M) {
	// The controller logs every reconciliation; the outcomes are asserted.
	klog.SetLogger(logr.Discard())
	dir, err := os.MkdirTemp("", "hpatraps")
	if err != nil {
		panic(err)
	}
	fnBinary = filepath.Join(dir, "mlpipeline-fn")
	build := exec.Command("go", "build", "-o", fnBinary, ".")
	build.Dir = filepath.Join("..", "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("building the function: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runFunction renders one MLPipeline config in standalone mode, as a user
// runs `mlpipeline-fn config.yaml`.
func runFunction(t *testing.T, config string) (stdout, stderr string, err error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(fnBinary, path)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// render returns the HPA and the Deployment the function generates for a
// config it accepts.
func render(t *testing.T, config string) (*autoscalingv2.HorizontalPodAutoscaler, *appsv1.Deployment) {
	t.Helper()
	stdout, stderr, err := runFunction(t, config)
	if err != nil {
		t.Fatalf("the function refused the accepted config: %v\n%s", err, stderr)
	}
	var hpa *autoscalingv2.HorizontalPodAutoscaler
	var dep *appsv1.Deployment
	reader := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(stdout)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading the function's output: %v", err)
		}
		var kind struct{ Kind string }
		if err := yaml.Unmarshal(doc, &kind); err != nil {
			t.Fatalf("reading the function's output: %v", err)
		}
		switch kind.Kind {
		case "HorizontalPodAutoscaler":
			hpa = &autoscalingv2.HorizontalPodAutoscaler{}
			mustUnmarshalStrict(t, doc, hpa)
		case "Deployment":
			dep = &appsv1.Deployment{}
			mustUnmarshalStrict(t, doc, dep)
		}
	}
	if hpa == nil || dep == nil {
		t.Fatalf("the function's output has no HPA or no Deployment:\n%s", stdout)
	}
	return hpa, dep
}

func mustUnmarshalStrict(t *testing.T, doc []byte, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, into); err != nil {
		t.Fatalf("decoding %T: %v", into, err)
	}
}

// userFields are the MLPipeline fields a trap changes; the function writes
// each of them into the generated objects as the user wrote it.
type userFields struct {
	Spec struct {
		Resources      *corev1.ResourceRequirements `json:"resources"`
		InitContainers []struct {
			Resources corev1.ResourceRequirements `json:"resources"`
		} `json:"initContainers"`
		Autoscaling struct {
			Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior"`
		} `json:"autoscaling"`
	} `json:"spec"`
}

// withUserFields returns the objects a config would give if the function
// accepted it: the accepted counterpart's objects with the trap config's
// behaviour and container resources written where the function writes them
// (the HPA's spec.behavior, the pod template's containers).
func withUserFields(t *testing.T, hpa *autoscalingv2.HorizontalPodAutoscaler, dep *appsv1.Deployment, config string) (*autoscalingv2.HorizontalPodAutoscaler, *appsv1.Deployment) {
	t.Helper()
	var u userFields
	if err := yaml.Unmarshal([]byte(config), &u); err != nil {
		t.Fatalf("reading the trap config: %v", err)
	}
	hpa, dep = hpa.DeepCopy(), dep.DeepCopy()
	hpa.Spec.Behavior = u.Spec.Autoscaling.Behavior
	pod := &dep.Spec.Template.Spec
	if u.Spec.Resources != nil {
		pod.Containers[0].Resources = *u.Spec.Resources
	}
	if len(u.Spec.InitContainers) != len(pod.InitContainers) {
		t.Fatalf("the trap config has %d init containers, the accepted output %d", len(u.Spec.InitContainers), len(pod.InitContainers))
	}
	for i, c := range u.Spec.InitContainers {
		pod.InitContainers[i].Resources = c.Resources
	}
	return hpa, dep
}
