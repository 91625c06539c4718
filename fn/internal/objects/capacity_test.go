package objects

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

func resources(cpuReq, cpuLim, memReq, memLim string) corev1.ResourceRequirements {
	r := corev1.ResourceRequirements{Requests: corev1.ResourceList{}, Limits: corev1.ResourceList{}}
	for _, q := range []struct {
		list  corev1.ResourceList
		name  corev1.ResourceName
		value string
	}{{r.Requests, corev1.ResourceCPU, cpuReq}, {r.Limits, corev1.ResourceCPU, cpuLim},
		{r.Requests, corev1.ResourceMemory, memReq}, {r.Limits, corev1.ResourceMemory, memLim}} {
		if q.value != "" {
			q.list[q.name] = resource.MustParse(q.value)
		}
	}
	return r
}

// TestCapacity checks the pod arithmetic the scheduler uses: containers and
// sidecars add up, a regular init container runs alone with the sidecars
// before it, a limit without a request requests the limit.
func TestCapacity(t *testing.T) {
	always := ptr.To(corev1.ContainerRestartPolicyAlways)
	for _, tc := range []struct {
		name     string
		pod      corev1.PodSpec
		resolved defaults.Settings
		want     string
	}{
		{"one container, replicas 3", corev1.PodSpec{Containers: []corev1.Container{{Resources: resources("500m", "1", "1Gi", "2Gi")}}},
			defaults.Settings{Replicas: 3},
			"capacity at replicas 3: requests cpu 1500m, memory 3Gi; limits cpu 3, memory 6Gi; a rolling update may run 1 more pod(s) (maxSurge 25%, the default)"},
		{"a limit alone is the request", corev1.PodSpec{Containers: []corev1.Container{{Resources: resources("", "2", "", "4Gi")}}},
			defaults.Settings{Autoscaling: true, MaxReplicas: 4},
			"capacity at maxReplicas 4: requests cpu 8, memory 16Gi; limits cpu 8, memory 16Gi; a rolling update may run 1 more pod(s) (maxSurge 25%, the default)"},
		{"no cpu limit is unlimited", corev1.PodSpec{Containers: []corev1.Container{{Resources: resources("1", "", "1Gi", "1Gi")}}},
			defaults.Settings{Replicas: 2},
			"capacity at replicas 2: requests cpu 2, memory 2Gi; limits cpu unlimited, memory 2Gi; a rolling update may run 1 more pod(s) (maxSurge 25%, the default)"},
		{"a big init container decides the pod", corev1.PodSpec{
			InitContainers: []corev1.Container{
				{Name: "side", RestartPolicy: always, Resources: resources("100m", "100m", "100Mi", "100Mi")},
				{Name: "init", Resources: resources("4", "4", "1Gi", "1Gi")},
			},
			Containers: []corev1.Container{{Resources: resources("1", "1", "2Gi", "2Gi")}}},
			defaults.Settings{Replicas: 1},
			// cpu: max(1 + 0.1, 4 + 0.1) = 4.1; memory: max(2Gi + 100Mi, 1Gi + 100Mi).
			"capacity at replicas 1: requests cpu 4100m, memory 2148Mi; limits cpu 4100m, memory 2148Mi; a rolling update may run 1 more pod(s) (maxSurge 25%, the default)"},
		{"nothing set", corev1.PodSpec{Containers: []corev1.Container{{}}}, defaults.Settings{Replicas: 1},
			"capacity at replicas 1: requests none set; limits none set; a rolling update may run 1 more pod(s) (maxSurge 25%, the default)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: tc.pod}}}
			if got := Capacity(d, tc.resolved); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestMaxSurge(t *testing.T) {
	for _, tc := range []struct {
		strategy appsv1.DeploymentStrategy
		n        int32
		want     int
	}{
		{appsv1.DeploymentStrategy{}, 8, 2},
		{appsv1.DeploymentStrategy{}, 0, 0},
		{appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}, 8, 0},
		{appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(0))}}, 8, 0},
		{appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromString("50%"))}}, 3, 2},
	} {
		if got := maxSurge(tc.strategy, tc.n); got != tc.want {
			t.Errorf("%+v at %d: got %d, want %d", tc.strategy, tc.n, got, tc.want)
		}
	}
}
