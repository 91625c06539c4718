package serverside

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func TestPodSecurityEvaluatesTheDefaultedPod(t *testing.T) {
	restricted := corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name: "main", Image: "registry.example.com/a:1",
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
	}
	for _, tc := range []struct {
		name   string
		volume corev1.Volume
		want   string // a reason the evaluator must give; "" for none
	}{
		// The API server defaults a volume without a source to an emptyDir
		// before Pod Security sees it.
		{"volume without a source", corev1.Volume{Name: "scratch"}, ""},
		{"hostPath (negative control)", corev1.Volume{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/data"}}}, "restricted volume types"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := *restricted.DeepCopy()
			spec.Volumes = []corev1.Volume{tc.volume}
			got, err := PodSecurity("1.37", &corev1.PodTemplateSpec{Spec: spec})
			if err != nil {
				t.Fatal(err)
			}
			var reasons []string
			for _, v := range got {
				reasons = append(reasons, v.Reason+": "+v.Detail)
			}
			if tc.want == "" && len(got) > 0 {
				t.Errorf("want no violation, got %q", reasons)
			}
			if tc.want != "" && !strings.Contains(strings.Join(reasons, "\n"), tc.want) {
				t.Errorf("want a violation %q, got %q", tc.want, reasons)
			}
		})
	}
}
