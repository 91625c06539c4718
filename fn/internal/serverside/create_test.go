package serverside

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

func testDeployment(mutate func(*corev1.PodSpec)) *appsv1.Deployment {
	labels := map[string]string{"app": "x"}
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "ml"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "busybox"}}},
			},
		},
	}
	if mutate != nil {
		mutate(&d.Spec.Template.Spec)
	}
	return d
}

func testHPA(min int32) *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "ml"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "x"},
			MinReplicas:    ptr.To(min), MaxReplicas: 3,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: "q"},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resourceQty("5"))},
			}}},
		},
	}
}

func TestCreate(t *testing.T) {
	cases := []struct {
		name, version string
		obj           func() any
		wantField     string // "" means accepted
		wantDropped   string
		wantWarning   string
	}{
		{name: "valid deployment", version: "1.37", obj: func() any { return testDeployment(nil) }},
		{name: "env name with =", version: "1.37", wantField: "spec.template.spec.containers[0].env[0].name", obj: func() any {
			return testDeployment(func(s *corev1.PodSpec) { s.Containers[0].Env = []corev1.EnvVar{{Name: "a=b"}} })
		}},
		{name: "init container protocol tcp", version: "1.37", wantField: "spec.template.spec.initContainers[0].ports[0].protocol", obj: func() any {
			return testDeployment(func(s *corev1.PodSpec) {
				s.InitContainers = []corev1.Container{{Name: "i", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: "tcp"}}}}
			})
		}},
		{name: "hostIP without hostPort warns", version: "1.37", wantWarning: "hostIP set without hostPort", obj: func() any {
			return testDeployment(func(s *corev1.PodSpec) {
				s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostIP: "10.0.0.1"}}
			})
		}},
		{name: "stopSignal dropped at 1.37", version: "1.37", wantDropped: "spec.template.spec.containers[0].lifecycle.stopSignal", obj: func() any {
			return testDeployment(func(s *corev1.PodSpec) {
				s.OS = &corev1.PodOS{Name: corev1.Linux}
				s.Containers[0].Lifecycle = &corev1.Lifecycle{StopSignal: ptr.To(corev1.SIGTERM)}
			})
		}},
		{name: "matchLabelKeys repeating a selector key: the pods are refused", version: "1.37",
			wantField: "spec.template.spec.topologySpreadConstraints[0][0]", obj: func() any {
				return testDeployment(func(s *corev1.PodSpec) {
					s.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.ScheduleAnyway,
						LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}, MatchLabelKeys: []string{"app"}}}
				})
			}},
		{name: "minReplicas 0 at 1.37", version: "1.37", obj: func() any { return testHPA(0) }},
		{name: "minReplicas 0 at 1.36", version: "1.36", wantField: "spec.minReplicas", obj: func() any { return testHPA(0) }},
		{name: "minReplicas 0 at 1.37 again", version: "1.37", obj: func() any { return testHPA(0) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Create(c.version, c.obj().(runtime.Object))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", r)
			if c.wantField == "" && len(r.Causes) > 0 {
				t.Fatalf("refused: %+v", r.Causes)
			}
			if c.wantField != "" && (len(r.Causes) == 0 || r.Causes[0].Field != c.wantField) {
				t.Fatalf("want a cause at %s, got %+v", c.wantField, r.Causes)
			}
			if c.wantDropped != "" && !strings.Contains(strings.Join(r.Dropped, " "), c.wantDropped) {
				t.Fatalf("want %s dropped, got %v", c.wantDropped, r.Dropped)
			}
			if c.wantDropped == "" && len(r.Dropped) > 0 {
				t.Fatalf("dropped %v", r.Dropped)
			}
			if c.wantWarning != "" && !strings.Contains(strings.Join(r.Warnings, " "), c.wantWarning) {
				t.Fatalf("want warning %q, got %v", c.wantWarning, r.Warnings)
			}
		})
	}
}

func resourceQty(s string) resource.Quantity { return resource.MustParse(s) }
