package apiserver

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestEmulatedVersion starts kube-apiserver v1.37.2 with --emulated-version
// set to an older release (it then validates as that release does, with its
// feature gates) and runs the corpus's cases for that release, rendered for
// it. Each stage's negative control renders one of them for a later release,
// which this server must refuse (or, for a field behind a gate that is off,
// drop).
func TestEmulatedVersion(t *testing.T) {
	stages := []struct {
		emulated string
		negative func(*testing.T, *suite)
	}{
		{"1.35", minReplicasZeroRefused},
		{"1.34", imageVolumeDropped},
	}
	bins := findBinaries(t)
	for _, st := range stages {
		t.Run("v"+st.emulated, func(t *testing.T) {
			s := &suite{bins: bins, c: startCluster(t, bins, clusterOptions{stage: "v" + st.emulated, emulatedVersion: st.emulated})}
			defer requireNoUnattributedWarnings(t)
			v, err := s.c.serverVersion()
			if err != nil {
				t.Fatal(err)
			}
			if got := v.EmulationMajor + "." + v.EmulationMinor; got != st.emulated {
				t.Fatalf("the server reports emulation version %q, want %s", got, st.emulated)
			}
			t.Logf("kube-apiserver %s emulates Kubernetes %s", v.GitVersion, st.emulated)
			if !t.Run("cluster-objects", s.clusterObjects) {
				t.FailNow()
			}
			t.Run("corpus", func(t *testing.T) { s.runCorpus(t, st.emulated) })
			t.Run("negative-control", func(t *testing.T) { st.negative(t, s) })
		})
	}
}

// minReplicasZeroRefused: minReplicas 0 rendered for 1.37, where
// HPAScaleToZero is on, is refused by the server emulating 1.35.
func minReplicasZeroRefused(t *testing.T, s *suite) {
	r := s.renderCaseFor(t, "v1-35-min-replicas-zero", "1.37")
	_, as := s.check(t, r.objects)
	want := refusal{request: "apply (dry run) HorizontalPodAutoscaler", code: 422,
		reason: metav1.StatusReasonInvalid, causes: []cause{{metav1.CauseTypeFieldValueInvalid, "spec.minReplicas"}}}
	if err := want.find(as); err != nil {
		t.Error(err)
	}
}

// imageVolumeDropped: spec.model rendered for 1.35, where ImageVolume is on
// by default, is accepted by the server emulating 1.34, which stores the
// Deployment without the image volume and its mount: the reason the
// function refuses spec.model for a target below 1.35.
func imageVolumeDropped(t *testing.T, s *suite) {
	r := s.renderCaseFor(t, "v1-34-model-image-volume", "1.35")
	var sent *unstructured.Unstructured
	for _, o := range r.objects {
		if o.GetKind() == "Deployment" {
			sent = o
		}
	}
	if sent == nil || imageVolumes(sent) == 0 {
		t.Fatalf("the rendering for 1.35 has no Deployment with an image volume")
	}
	ns, as := s.check(t, r.objects)
	if !as.clean() {
		t.Fatalf("the server emulating 1.34 refuses or warns (it drops an image volume silently):\n%s", as.problems())
	}
	got, err := s.c.dynamic.Resource(schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}).
		Namespace(ns).Get(context.Background(), sent.GetName(), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the Deployment back: %v", err)
	}
	if n := imageVolumes(got); n != 0 {
		t.Errorf("the server emulating 1.34 kept %d image volume(s): the function's refusal below 1.35 is not the server's behaviour", n)
		return
	}
	t.Logf("the server emulating 1.34 accepted the Deployment and dropped its image volume (%d sent, 0 stored)", imageVolumes(sent))
}

// renderCaseFor renders the corpus case for a later Kubernetes version,
// which the function accepts.
func (s *suite) renderCaseFor(t *testing.T, name, version string) rendering {
	t.Helper()
	v := variantNamed(name)
	v.flags = []string{"--kubernetes-version", version}
	v.name += "-for-" + version
	r := s.renderVariant(t, v)
	if r.failed {
		t.Fatalf("the function refuses %s for %s: %s", name, version, joinResults(r.bySeverity("error")))
	}
	return r
}

// imageVolumes counts the volumes of a Deployment's pod template that are
// image volumes.
func imageVolumes(deploy *unstructured.Unstructured) int {
	vols, _, _ := unstructured.NestedSlice(deploy.Object, "spec", "template", "spec", "volumes")
	n := 0
	for _, v := range vols {
		if m, ok := v.(map[string]any); ok && m["image"] != nil {
			n++
		}
	}
	return n
}
