package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// TestServingWarnings: each warning fires on its case and stays silent on
// the case beside it that fixes it (its negative control).
func TestServingWarnings(t *testing.T) {
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(8080)}}}
	startup := func(period, failures int32) *corev1.Probe {
		pr := probe.DeepCopy()
		pr.PeriodSeconds, pr.FailureThreshold = period, failures
		return pr
	}
	for _, tc := range []struct {
		name   string
		id     string
		change func(p *v1alpha1.MLPipeline)
		want   bool
	}{
		{"GPU, liveness, no startup probe", WarnGPUNoStartupProbe, func(p *v1alpha1.MLPipeline) {
			p.Spec.GPU = &v1alpha1.GPUSpec{Count: 1}
			p.Spec.LivenessProbe = probe
		}, true},
		{"DRA GPU, readiness, no startup probe", WarnGPUNoStartupProbe, func(p *v1alpha1.MLPipeline) {
			p.Spec.ResourceClaims = []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimTemplateName: ptr.To("gpu")}}
			p.Spec.ReadinessProbe = probe
		}, true},
		{"GPU, liveness and startup probes", WarnGPUNoStartupProbe, func(p *v1alpha1.MLPipeline) {
			p.Spec.GPU = &v1alpha1.GPUSpec{Count: 1}
			p.Spec.LivenessProbe, p.Spec.StartupProbe = probe, probe
		}, false},
		{"no GPU, liveness, no startup probe", WarnGPUNoStartupProbe, func(p *v1alpha1.MLPipeline) {
			p.Spec.LivenessProbe = probe
		}, false},
		{"2 GPUs, no sharedMemory", WarnGPUNoSharedMemory, func(p *v1alpha1.MLPipeline) {
			p.Spec.GPU = &v1alpha1.GPUSpec{Count: 2}
		}, true},
		{"2 GPUs, sharedMemory", WarnGPUNoSharedMemory, func(p *v1alpha1.MLPipeline) {
			p.Spec.GPU = &v1alpha1.GPUSpec{Count: 2}
			p.Spec.SharedMemory = ptr.To(resource.MustParse("16Gi"))
		}, false},
		{"2 GPUs, own /dev/shm mount", WarnGPUNoSharedMemory, func(p *v1alpha1.MLPipeline) {
			p.Spec.GPU = &v1alpha1.GPUSpec{Count: 2}
			p.Spec.VolumeMounts = []corev1.VolumeMount{{Name: "shm", MountPath: "/dev/shm"}}
		}, false},
		{"1 GPU, no sharedMemory", WarnGPUNoSharedMemory, func(p *v1alpha1.MLPipeline) {
			p.Spec.GPU = &v1alpha1.GPUSpec{Count: 1}
		}, false},
		{"startup budget 610 s over the default deadline", WarnProgressDeadline, func(p *v1alpha1.MLPipeline) {
			p.Spec.StartupProbe = startup(10, 61)
		}, true},
		{"startup budget 600 s at the default deadline", WarnProgressDeadline, func(p *v1alpha1.MLPipeline) {
			p.Spec.StartupProbe = startup(10, 60)
		}, false},
		{"startup budget with the probe defaults (30 s) over a 20 s deadline", WarnProgressDeadline, func(p *v1alpha1.MLPipeline) {
			p.Spec.StartupProbe = probe
			p.Spec.ProgressDeadlineSeconds = ptr.To[int32](20)
		}, true},
		{"a raised deadline", WarnProgressDeadline, func(p *v1alpha1.MLPipeline) {
			p.Spec.StartupProbe = startup(30, 60)
			p.Spec.ProgressDeadlineSeconds = ptr.To[int32](1900)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validPipeline()
			tc.change(p)
			got := false
			for _, w := range Warnings(p, defaults.Resolve(p, "")) {
				got = got || w.ID == tc.id
			}
			if got != tc.want {
				t.Errorf("warning %s: %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}
