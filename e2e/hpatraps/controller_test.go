package hpatraps

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	scalefake "k8s.io/client-go/scale/fake"
	clienttesting "k8s.io/client-go/testing"
	autoscalingv2defaults "k8s.io/kubernetes/pkg/apis/autoscaling/v2"
	corev1defaults "k8s.io/kubernetes/pkg/apis/core/v1"
	"k8s.io/kubernetes/pkg/controller/podautoscaler"
	"k8s.io/kubernetes/pkg/controller/podautoscaler/metrics"
	emapi "k8s.io/metrics/pkg/apis/external_metrics/v1beta1"
	metricsapi "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsfake "k8s.io/metrics/pkg/client/clientset/versioned/fake"
	cmfake "k8s.io/metrics/pkg/client/custom_metrics/fake"
	emfake "k8s.io/metrics/pkg/client/external_metrics/fake"
)

// load is what the metrics APIs serve while the controller reconciles.
type load struct {
	// replicas is the Deployment's current scale.
	replicas int32
	// scaledToZero marks the HPA with the ScaledToZero condition the
	// controller sets when it takes a target to zero; only then does it
	// compute metrics at zero replicas.
	scaledToZero bool
	// external is the value of every External metric.
	external int64
	// cpuPerRequest is each running pod's CPU usage as a multiple of its
	// summed CPU request (the usage served when a request is missing is
	// that of the main container's request).
	cpuPerRequest float64
}

// outcome is what one reconciliation of the controller did.
type outcome struct {
	scaledTo   *int32 // the replicas written to the scale subresource, if any
	status     autoscalingv2.HorizontalPodAutoscalerStatus
	conditions map[autoscalingv2.HorizontalPodAutoscalerConditionType]autoscalingv2.HorizontalPodAutoscalerCondition
}

func (o outcome) String() string {
	scaled := "no scale update"
	if o.scaledTo != nil {
		scaled = fmt.Sprintf("scaled to %d", *o.scaledTo)
	}
	s := fmt.Sprintf("%s, desiredReplicas %d", scaled, o.status.DesiredReplicas)
	for _, c := range o.status.Conditions {
		s += fmt.Sprintf("; %s=%s %s: %s", c.Type, c.Status, c.Reason, c.Message)
	}
	return s
}

// reconcile runs the HPA controller on one HPA and its Deployment under a
// load, until the controller has written the HPA's status once.
func reconcile(t *testing.T, hpa *autoscalingv2.HorizontalPodAutoscaler, dep *appsv1.Deployment, l load) outcome {
	t.Helper()
	hpa = hpa.DeepCopy()
	// As stored by the API server: the controller reads defaulted behaviour.
	autoscalingv2defaults.SetObjectDefaults_HorizontalPodAutoscaler(hpa)
	hpa.Status.CurrentReplicas = l.replicas
	if l.scaledToZero {
		hpa.Status.Conditions = []autoscalingv2.HorizontalPodAutoscalerCondition{{
			Type: autoscalingv2.ScaledToZero, Status: corev1.ConditionTrue, Reason: "ScaledToZero",
			LastTransitionTime: metav1.NewTime(time.Now().Add(-time.Hour)),
		}}
	}
	pods := runningPods(t, dep, l.replicas)

	objects := []runtime.Object{hpa}
	for _, p := range pods {
		objects = append(objects, p)
	}
	client := fake.NewClientset(objects...)

	var mu sync.Mutex
	var got outcome
	statusWritten := make(chan struct{}, 1)
	client.PrependReactor("update", "horizontalpodautoscalers", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() != "status" {
			return false, nil, nil
		}
		written := a.(clienttesting.UpdateAction).GetObject().(*autoscalingv2.HorizontalPodAutoscaler)
		mu.Lock()
		got.status = *written.Status.DeepCopy()
		mu.Unlock()
		select {
		case statusWritten <- struct{}{}:
		default:
		}
		return true, written, nil
	})

	scales := &scalefake.FakeScaleClient{}
	selector := metav1.FormatLabelSelector(dep.Spec.Selector)
	scales.AddReactor("get", "deployments", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, &autoscalingv1.Scale{
			ObjectMeta: metav1.ObjectMeta{Name: dep.Name, Namespace: dep.Namespace},
			Spec:       autoscalingv1.ScaleSpec{Replicas: l.replicas},
			Status:     autoscalingv1.ScaleStatus{Replicas: l.replicas, Selector: selector},
		}, nil
	})
	scales.AddReactor("update", "deployments", func(a clienttesting.Action) (bool, runtime.Object, error) {
		scale := a.(clienttesting.UpdateAction).GetObject().(*autoscalingv1.Scale)
		mu.Lock()
		replicas := scale.Spec.Replicas
		got.scaledTo = &replicas
		mu.Unlock()
		return true, scale, nil
	})

	podMetrics := &metricsfake.Clientset{}
	podMetrics.AddReactor("list", "pods", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, cpuUsage(pods, l.cpuPerRequest), nil
	})
	external := &emfake.FakeExternalMetricsClient{}
	external.AddReactor("list", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		return true, &emapi.ExternalMetricValueList{Items: []emapi.ExternalMetricValue{{
			MetricName: "backlog", Timestamp: metav1.Now(), Value: *resource.NewQuantity(l.external, resource.DecimalSI),
		}}}, nil
	})

	mapper := meta.NewDefaultRESTMapper([]schema.GroupVersion{appsv1.SchemeGroupVersion})
	mapper.Add(appsv1.SchemeGroupVersion.WithKind("Deployment"), meta.RESTScopeNamespace)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	factory := informers.NewSharedInformerFactory(client, 0)
	controller := podautoscaler.NewHorizontalController(ctx,
		client.CoreV1(), scales, client.AutoscalingV2(), mapper,
		metrics.NewRESTMetricsClient(podMetrics.MetricsV1beta1(), &cmfake.FakeCustomMetricsClient{}, external),
		factory.Autoscaling().V2().HorizontalPodAutoscalers(), factory.Core().V1().Pods(),
		time.Hour,      // resync: one reconciliation is enough
		5*time.Minute,  // the controller-manager's default downscale stabilisation
		0.1,            // and its default tolerance
		5*time.Minute,  // CPU initialisation period
		30*time.Second) // delay of initial readiness status
	factory.Start(ctx.Done())
	go controller.Run(ctx, 1)

	select {
	case <-statusWritten:
	case <-time.After(30 * time.Second):
		t.Fatalf("the HPA controller wrote no status within 30s")
	}
	cancel()
	factory.Shutdown()

	mu.Lock()
	defer mu.Unlock()
	got.conditions = map[autoscalingv2.HorizontalPodAutoscalerConditionType]autoscalingv2.HorizontalPodAutoscalerCondition{}
	for _, c := range got.status.Conditions {
		got.conditions[c.Type] = c
	}
	return got
}

// runningPods are the Deployment's pods, made from its template and
// defaulted as the API server defaults a Pod (a request defaults to its
// limit), running and Ready for long enough that the controller counts them.
func runningPods(t *testing.T, dep *appsv1.Deployment, n int32) []*corev1.Pod {
	t.Helper()
	long := metav1.NewTime(time.Now().Add(-time.Hour))
	var pods []*corev1.Pod
	for i := range n {
		p := &corev1.Pod{
			ObjectMeta: *dep.Spec.Template.ObjectMeta.DeepCopy(),
			Spec:       *dep.Spec.Template.Spec.DeepCopy(),
			Status: corev1.PodStatus{
				Phase:      corev1.PodRunning,
				StartTime:  &long,
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: long}},
			},
		}
		p.Name = fmt.Sprintf("%s-%d", dep.Name, i)
		p.Namespace = dep.Namespace
		corev1defaults.SetObjectDefaults_Pod(p)
		pods = append(pods, p)
	}
	return pods
}

// cpuUsage serves each pod's CPU usage: factor times the summed requests of
// the containers the controller counts (main and native sidecars), the
// missing ones counted as the first container's.
func cpuUsage(pods []*corev1.Pod, factor float64) *metricsapi.PodMetricsList {
	list := &metricsapi.PodMetricsList{}
	for _, p := range pods {
		containers := append([]corev1.Container{}, p.Spec.Containers...)
		for _, c := range p.Spec.InitContainers {
			if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
				containers = append(containers, c)
			}
		}
		fallback := p.Spec.Containers[0].Resources.Requests.Cpu().MilliValue()
		pm := metricsapi.PodMetrics{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, Labels: p.Labels},
			Timestamp:  metav1.Now(),
			Window:     metav1.Duration{Duration: time.Minute},
		}
		for _, c := range containers {
			request := fallback
			if r, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
				request = r.MilliValue()
			}
			usage := resource.NewMilliQuantity(int64(float64(request)*factor), resource.DecimalSI)
			pm.Containers = append(pm.Containers, metricsapi.ContainerMetrics{
				Name: c.Name, Usage: corev1.ResourceList{corev1.ResourceCPU: *usage},
			})
		}
		list.Items = append(list.Items, pm)
	}
	return list
}
