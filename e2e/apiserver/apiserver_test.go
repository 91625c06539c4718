package apiserver

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/discovery"
)

// TestAPIServer is the check against kube-apiserver v1.37.2 with
// kube-controller-manager: the CRD, the negative and positive controls,
// the corpus, every success fixture, the examples, the other
// orchestrators' goldens and one kubectl smoke case.
func TestAPIServer(t *testing.T) {
	bins := findBinaries(t)
	s := &suite{bins: bins, c: startCluster(t, bins, clusterOptions{stage: "v1.37", controllerManager: true})}
	defer requireNoUnattributedWarnings(t)
	if v, err := s.c.serverVersion(); err != nil {
		t.Fatal(err)
	} else {
		t.Logf("kube-apiserver %s, Pod Security restricted enforced and warned", v.GitVersion)
	}
	if !t.Run("cluster-objects", s.clusterObjects) || !t.Run("crd", s.installCRD) {
		t.FailNow()
	}
	t.Run("negative", s.runNegativeControls)
	t.Run("positive", s.runPositiveControls)
	t.Run("corpus", func(t *testing.T) { s.runCorpus(t, "") })
	t.Run("fixtures", s.runFixtures)
	t.Run("examples", s.runExamples)
	t.Run("goldens", s.runGoldens)
	t.Run("kubectl", s.runKubectlSmoke)
	t.Run("negative/service-selector", func(t *testing.T) {
		check := s.serviceControl
		if check == nil {
			t.Fatal("no Service was checked, so the Service check has no negative control")
		}
		if check.othersErr != nil {
			t.Fatalf("listing the pods for %s: %v", check.others, check.othersErr)
		}
		if check.othersSelectSame {
			t.Errorf("a selector on the pipeline's other labels (%s) lists the same pods: the Service check cannot fail", check.others)
		} else {
			t.Logf("a selector on %s also lists the decoy: the comparison can fail", check.others)
		}
	})
}

// TestEmulatedVersion starts kube-apiserver v1.37.2 with
// --emulated-version=1.35 (it then validates as 1.35 does, with 1.35's
// feature gates) and runs the corpus's 1.35 cases, rendered for 1.35. The
// negative control renders the scale-to-zero case for 1.37, which this
// server must refuse.
func TestEmulatedVersion(t *testing.T) {
	const emulated = "1.35"
	bins := findBinaries(t)
	s := &suite{bins: bins, c: startCluster(t, bins, clusterOptions{stage: "v" + emulated, emulatedVersion: emulated})}
	defer requireNoUnattributedWarnings(t)
	v, err := s.c.serverVersion()
	if err != nil {
		t.Fatal(err)
	}
	if got := v.EmulationMajor + "." + v.EmulationMinor; got != emulated {
		t.Fatalf("the server reports emulation version %q, want %s", got, emulated)
	}
	t.Logf("kube-apiserver %s emulates Kubernetes %s", v.GitVersion, emulated)
	if !t.Run("cluster-objects", s.clusterObjects) {
		t.FailNow()
	}
	t.Run("corpus", func(t *testing.T) { s.runCorpus(t, emulated) })
	t.Run("negative-control", func(t *testing.T) {
		v := variantNamed("v1-35-min-replicas-zero")
		v.flags = []string{"--kubernetes-version", "1.37"}
		v.name += "-for-1.37"
		r := s.renderVariant(t, v)
		if r.failed {
			t.Fatalf("the function refuses minReplicas 0 for 1.37: %s", joinResults(r.bySeverity("error")))
		}
		_, as := s.check(t, r.objects)
		want := refusal{request: "apply (dry run) HorizontalPodAutoscaler", code: 422,
			reason: metav1.StatusReasonInvalid, causes: []cause{{metav1.CauseTypeFieldValueInvalid, "spec.minReplicas"}}}
		if err := want.find(as); err != nil {
			t.Error(err)
		}
	})
}

// clusterObjects creates what a cluster admin provides for the fixtures'
// pods: the RuntimeClass and PriorityClass they name (pod admission
// refuses a pod whose classes do not exist).
func (s *suite) clusterObjects(t *testing.T) {
	objs, err := parseObjects([]byte(`
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: nvidia}
handler: nvidia
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: ml-serving-high}
value: 100000
description: model servers (e2e)
`))
	if err != nil {
		t.Fatal(err)
	}
	if as := s.c.applyAll(context.Background(), "", objs); !as.clean() {
		t.Fatalf("cluster objects:\n%s", as.problems())
	}
}

func (c *cluster) serverVersion() (*version.Info, error) {
	d, err := discovery.NewDiscoveryClientForConfig(c.config)
	if err != nil {
		return nil, err
	}
	return d.ServerVersion()
}

func variantNamed(name string) variant {
	for _, v := range variants(corpus) {
		if v.name == name {
			return v
		}
	}
	panic("no corpus variant " + name)
}
