package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// cluster reads what KEDA and the Deployment controller did.
type cluster struct {
	kube kubernetes.Interface
	keda kedaclient.Interface
	ns   string
}

func newCluster(kubeconfig, ns string) (*cluster, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	cfg.Timeout = 10e9 // every call bounded: a wedged server fails the run
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	keda, err := kedaclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &cluster{kube: kube, keda: keda, ns: ns}, nil
}

func (c *cluster) scaledObject(ctx context.Context, name string) (*kedav1alpha1.ScaledObject, error) {
	return c.keda.KedaV1alpha1().ScaledObjects(c.ns).Get(ctx, name, metav1.GetOptions{})
}

// state is one scenario's observed state.
type state struct {
	desired, ready int
	measured       float64 // the HPA's current value of its first metric; NaN if none
	conditions     string  // the ScaledObject's, Type=Status
	pods           []corev1.Pod
}

// observe reads the Deployment, its ready pods, the ScaledObject and the HPA
// KEDA made for it (named in the ScaledObject's status).
func (c *cluster) observe(ctx context.Context, name string) (state, error) {
	st := state{measured: math.NaN()}
	d, err := c.kube.AppsV1().Deployments(c.ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return st, err
	}
	if d.Spec.Replicas != nil {
		st.desired = int(*d.Spec.Replicas)
	}
	st.ready = int(d.Status.ReadyReplicas)
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return st, err
	}
	if st.pods, err = c.readyPods(ctx, sel); err != nil {
		return st, err
	}
	so, err := c.scaledObject(ctx, name)
	if err != nil {
		return st, err
	}
	var conds []string
	for _, cond := range so.Status.Conditions {
		conds = append(conds, fmt.Sprintf("%s=%s", cond.Type, cond.Status))
	}
	sort.Strings(conds)
	st.conditions = strings.Join(conds, " ")
	if so.Status.HpaName != "" {
		hpa, err := c.kube.AutoscalingV2().HorizontalPodAutoscalers(c.ns).Get(ctx, so.Status.HpaName, metav1.GetOptions{})
		if err != nil {
			return st, err
		}
		st.measured = currentValue(hpa)
	}
	return st, nil
}

// readyPods are the pods of the selector that are Ready and not terminating.
func (c *cluster) readyPods(ctx context.Context, sel labels.Selector) ([]corev1.Pod, error) {
	list, err := c.kube.CoreV1().Pods(c.ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, err
	}
	var out []corev1.Pod
	for _, p := range list.Items {
		if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
			continue
		}
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// currentValue is the HPA's current value of its first External metric (KEDA
// serves every trigger as one): the average per replica for an AverageValue
// target.
func currentValue(hpa *autoscalingv2.HorizontalPodAutoscaler) float64 {
	for _, m := range hpa.Status.CurrentMetrics {
		if m.External == nil {
			continue
		}
		if v := m.External.Current.AverageValue; v != nil {
			return v.AsApproximateFloat64()
		}
		if v := m.External.Current.Value; v != nil {
			return v.AsApproximateFloat64()
		}
	}
	return math.NaN()
}
