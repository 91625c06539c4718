package validation

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/fieldpath"
)

func longName(n int) string { return strings.Repeat("a", n) }

// validPipeline is the base that each edge case below changes one thing of.
func validPipeline() *v1alpha1.MLPipeline {
	return &v1alpha1.MLPipeline{
		ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec: v1alpha1.MLPipelineSpec{
			Image:       "registry.example.com/p:1.0.0",
			Resources:   corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}},
			Autoscaling: &v1alpha1.AutoscalingSpec{MaxReplicas: 3},
		},
	}
}

func TestValidateEdges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p *v1alpha1.MLPipeline)
		field  string // "" means valid
	}{
		{"base is valid", func(*v1alpha1.MLPipeline) {}, ""},
		{"name of 63 characters", func(p *v1alpha1.MLPipeline) { p.Name = longName(63) }, ""},
		{"name of 64 characters", func(p *v1alpha1.MLPipeline) { p.Name = longName(64) }, "metadata.name"},
		{"port 65535", func(p *v1alpha1.MLPipeline) { p.Spec.Ports = []corev1.ContainerPort{{ContainerPort: 65535}} }, ""},
		{"port 65536", func(p *v1alpha1.MLPipeline) { p.Spec.Ports = []corev1.ContainerPort{{ContainerPort: 65536}} }, "spec.ports[0].containerPort"},
		{"max equal to min", func(p *v1alpha1.MLPipeline) { p.Spec.Autoscaling.MinReplicas = ptr.To[int32](3) }, ""},
		{"max one below min", func(p *v1alpha1.MLPipeline) { p.Spec.Autoscaling.MinReplicas = ptr.To[int32](4) }, "spec.autoscaling.maxReplicas"},
		{"no max with autoscaling off", func(p *v1alpha1.MLPipeline) {
			p.Spec.Autoscaling = &v1alpha1.AutoscalingSpec{Enabled: ptr.To(false)}
		}, ""},
		{"request equal to limit", func(p *v1alpha1.MLPipeline) {
			p.Spec.Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("0.1")}
		}, ""},
		{"request above limit by 1m", func(p *v1alpha1.MLPipeline) {
			p.Spec.Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("99m")}
		}, "spec.resources.requests"},
		{"period 1800", func(p *v1alpha1.MLPipeline) { p.Spec.Autoscaling.Behavior = behaviorWith(1800, 3600) }, ""},
		{"period 1801", func(p *v1alpha1.MLPipeline) { p.Spec.Autoscaling.Behavior = behaviorWith(1801, 0) }, "spec.autoscaling.behavior.scaleUp.policies[0].periodSeconds"},
		{"window 3601", func(p *v1alpha1.MLPipeline) { p.Spec.Autoscaling.Behavior = behaviorWith(1, 3601) }, "spec.autoscaling.behavior.scaleUp.stabilizationWindowSeconds"},
		{"memory target with memory request", func(p *v1alpha1.MLPipeline) {
			p.Spec.Autoscaling.TargetMemoryUtilizationPercentage = ptr.To[int32](70)
			p.Spec.Resources.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi")
		}, ""},
		{"metrics only, no cpu request", func(p *v1alpha1.MLPipeline) {
			p.Spec.Resources = corev1.ResourceRequirements{}
			p.Spec.Autoscaling.Metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ExternalMetricSourceType,
				External: &autoscalingv2.ExternalMetricSource{Metric: autoscalingv2.MetricIdentifier{Name: "q"},
					Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("5"))}}}}
		}, ""},
		{"podLabels may repeat the selector value", func(p *v1alpha1.MLPipeline) {
			p.Spec.PodLabels = map[string]string{v1alpha1.SelectorLabel: "p"}
		}, ""},
		{"mount at /tmp frees the tmp name", func(p *v1alpha1.MLPipeline) {
			p.Spec.Volumes = []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			p.Spec.VolumeMounts = []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}
		}, ""},
		{"an init container with a read-only root takes the tmp name too", func(p *v1alpha1.MLPipeline) {
			p.Spec.Volumes = []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			p.Spec.VolumeMounts = []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}
			p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "registry.example.com/i:1"}}
		}, "spec.volumes[0].name"},
		{"one unnamed port with a Service", func(p *v1alpha1.MLPipeline) { p.Spec.Ports = []corev1.ContainerPort{{ContainerPort: 80}} }, ""},
		{"two unnamed ports without a Service", func(p *v1alpha1.MLPipeline) {
			p.Spec.Ports = []corev1.ContainerPort{{ContainerPort: 80}, {ContainerPort: 81}}
			p.Spec.Service = &v1alpha1.ServiceSpec{Enabled: ptr.To(false)}
		}, ""},
		{"maxSurge 0, maxUnavailable 1", func(p *v1alpha1.MLPipeline) {
			p.Spec.Strategy = &appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxSurge: ptr.To(intstr.FromInt32(0)), MaxUnavailable: ptr.To(intstr.FromInt32(1))}}
		}, ""},
		{"maxSurge 0, maxUnavailable 0", func(p *v1alpha1.MLPipeline) {
			p.Spec.Strategy = &appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxSurge: ptr.To(intstr.FromInt32(0)), MaxUnavailable: ptr.To(intstr.FromInt32(0))}}
		}, "spec.strategy.rollingUpdate.maxUnavailable"},
		{"progress deadline one above minReadySeconds", func(p *v1alpha1.MLPipeline) {
			p.Spec.MinReadySeconds, p.Spec.ProgressDeadlineSeconds = 60, ptr.To[int32](61)
		}, ""},
		{"progress deadline equal to minReadySeconds", func(p *v1alpha1.MLPipeline) {
			p.Spec.MinReadySeconds, p.Spec.ProgressDeadlineSeconds = 60, ptr.To[int32](60)
		}, "spec.progressDeadlineSeconds"},
		{"grace period 0", func(p *v1alpha1.MLPipeline) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](0) }, ""},
		{"shared memory 1 byte", func(p *v1alpha1.MLPipeline) { p.Spec.SharedMemory = ptr.To(resource.MustParse("1")) }, ""},
		{"own /dev/shm mount without sharedMemory", func(p *v1alpha1.MLPipeline) {
			p.Spec.Volumes = []corev1.Volume{{Name: "dshm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}}
			p.Spec.VolumeMounts = []corev1.VolumeMount{{Name: "dshm", MountPath: "/dev/shm"}}
		}, ""},
		{"a sidecar may have probes", func(p *v1alpha1.MLPipeline) {
			p.Spec.InitContainers = []corev1.Container{{Name: "side", Image: "registry.example.com/s:1",
				RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}},
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m")}}}}
		}, ""},
		{"a claim the pod declares", func(p *v1alpha1.MLPipeline) {
			p.Spec.ResourceClaims = []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimTemplateName: ptr.To("t")}}
			p.Spec.Resources.Claims = []corev1.ResourceClaim{{Name: "gpu"}}
		}, ""},
		// The API server's own rules, at the user's field (issue 18).
		{"env name with =", func(p *v1alpha1.MLPipeline) { p.Spec.Env = []corev1.EnvVar{{Name: "A=B", Value: "x"}} }, "spec.env[0].name"},
		{"init container protocol tcp", func(p *v1alpha1.MLPipeline) {
			p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "registry.example.com/i:1", Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: "tcp"}}}}
		}, "spec.initContainers[0].ports[0].protocol"},
		{"sidecar liveness successThreshold 3", func(p *v1alpha1.MLPipeline) {
			p.Spec.InitContainers = []corev1.Container{sidecar(func(c *corev1.Container) {
				c.LivenessProbe = &corev1.Probe{SuccessThreshold: 3, ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
			})}
		}, "spec.initContainers[0].livenessProbe.successThreshold"},
		{"exec command empty", func(p *v1alpha1.MLPipeline) {
			p.Spec.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{}}}}
		}, "spec.readinessProbe.exec.command"},
		{"tolerance -0.1", func(p *v1alpha1.MLPipeline) {
			p.Spec.Autoscaling.Behavior = &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{Tolerance: ptr.To(resource.MustParse("-0.1"))}}
		}, "spec.autoscaling.behavior.scaleUp.tolerance"},
		{"stopSignal dropped by the 1.37 server", func(p *v1alpha1.MLPipeline) {
			p.Spec.Lifecycle = &corev1.Lifecycle{StopSignal: ptr.To(corev1.SIGINT)}
		}, "spec.lifecycle.stopSignal"},
		// The false refusals of issue 18.
		{"Resource metric with AverageValue", func(p *v1alpha1.MLPipeline) {
			p.Spec.Autoscaling.Metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("1Gi"))}}}}
		}, ""},
		{"maxSurge 200%", func(p *v1alpha1.MLPipeline) {
			p.Spec.Strategy = &appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromString("200%"))}}
		}, ""},
		{"ContainerResource on a sidecar", func(p *v1alpha1.MLPipeline) {
			p.Spec.InitContainers = []corev1.Container{sidecar(nil)}
			p.Spec.Autoscaling.Metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
				Name: corev1.ResourceCPU, Container: "side", Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](60)}}}}
		}, ""},
		{"gpu preset with resourceClaims", func(p *v1alpha1.MLPipeline) {
			p.Spec.ResourceClaims = []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimTemplateName: ptr.To("one-gpu")}}
			p.Spec.Resources.Claims = []corev1.ResourceClaim{{Name: "gpu"}}
			p.Spec.Autoscaling.GPU = &v1alpha1.GPUMetricSpec{TargetUtilizationPercentage: 70}
		}, ""},
		// The HPA controller's traps.
		{"minReplicas 0, selectPolicy Min with a Percent policy", func(p *v1alpha1.MLPipeline) {
			queueScaledToZero(p)
			p.Spec.Autoscaling.Behavior = &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{
				SelectPolicy: ptr.To(autoscalingv2.MinChangePolicySelect),
				Policies:     []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 60}, {Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 60}}}}
		}, "spec.autoscaling.behavior.scaleUp.policies[1]"},
		{"minReplicas 0, selectPolicy Max with a Percent policy", func(p *v1alpha1.MLPipeline) {
			queueScaledToZero(p)
			p.Spec.Autoscaling.Behavior = &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{
				Policies: []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 60}, {Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 60}}}}
		}, ""},
		{"CPU target, sidecar without a CPU request", func(p *v1alpha1.MLPipeline) {
			p.Spec.InitContainers = []corev1.Container{sidecar(func(c *corev1.Container) { c.Resources = corev1.ResourceRequirements{} })}
		}, "spec.initContainers[0].resources.requests[cpu]"},
		// The target version.
		{"minReplicas 0 for 1.37", func(p *v1alpha1.MLPipeline) { queueScaledToZero(p); p.Spec.KubernetesVersion = "1.37" }, ""},
		{"minReplicas 0 for 1.36", func(p *v1alpha1.MLPipeline) { queueScaledToZero(p); p.Spec.KubernetesVersion = "1.36" }, "spec.autoscaling.minReplicas"},
		{"unsupported version", func(p *v1alpha1.MLPipeline) { p.Spec.KubernetesVersion = "1.33" }, "spec.kubernetesVersion"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validPipeline()
			tc.change(p)
			errs, _, _, err := Check(p, defaults.Resolve(p, ""), nil)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.field == "" && len(errs) > 0:
				t.Errorf("want valid, got %v", errs)
			case tc.field != "" && (len(errs) != 1 || errs[0].Field != tc.field):
				t.Errorf("want one error at %s, got %v", tc.field, errs)
			}
		})
	}
}

func behaviorWith(period, window int32) *autoscalingv2.HorizontalPodAutoscalerBehavior {
	return &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{
		StabilizationWindowSeconds: &window,
		Policies:                   []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 1, PeriodSeconds: period}},
	}}
}

// TestRulesThatReadAnInvalidFieldStaySilent: a value that could not be
// decoded is reported once, not again by the rules that read it.
func TestRulesThatReadAnInvalidFieldStaySilent(t *testing.T) {
	p := validPipeline()
	p.Spec.Resources.Requests = nil // as if requests.cpu had been "500x"
	p.Spec.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
	if errs, _, _, _ := Check(p, defaults.Resolve(p, ""), nil); len(errs) != 2 {
		t.Fatalf("without skip, want the request and the mount errors, got %v", errs)
	}
	skip := fieldpath.Set{field.NewPath("spec", "resources", "requests").Key("cpu"), field.NewPath("spec", "volumes").Index(0)}
	if errs, _, _, _ := Check(p, defaults.Resolve(p, ""), skip); len(errs) != 0 {
		t.Errorf("with the fields skipped, want no errors, got %v", errs)
	}
}

// sidecar is a native sidecar with a CPU request, changed by change.
func sidecar(change func(*corev1.Container)) corev1.Container {
	c := corev1.Container{Name: "side", Image: "registry.example.com/s:1", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways),
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m")}}}
	if change != nil {
		change(&c)
	}
	return c
}

// queueScaledToZero makes the pipeline a queue worker with minReplicas 0.
func queueScaledToZero(p *v1alpha1.MLPipeline) {
	p.Spec.Autoscaling.MinReplicas = ptr.To[int32](0)
	p.Spec.Autoscaling.Queue = &v1alpha1.QueueMetricSpec{MetricName: "backlog", TargetPerReplica: ptr.To(resource.MustParse("20"))}
}
