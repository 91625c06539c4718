package objects

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/inf.v0"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// Capacity states the envelope of a pipeline: what all its pods request and
// may use at full scale (maxReplicas, or replicas without autoscaling). It
// is the number to size quotas and budgets by; for GPUs it is money.
//
// A pod's requests and limits are counted as the scheduler counts them: a
// container that gives only a limit requests that much; the containers and
// native sidecars run together, and a regular init container runs alone with
// the sidecars started before it, so the pod needs the larger of the two.
func Capacity(d *appsv1.Deployment, resolved defaults.Settings) string {
	word, n := "replicas", resolved.Replicas
	if resolved.Autoscaling {
		word, n = "maxReplicas", resolved.MaxReplicas
	}
	pod := d.Spec.Template.Spec
	requests, limits, unlimited := podTotals(pod)
	var b strings.Builder
	fmt.Fprintf(&b, "capacity at %s %d: requests %s", word, n, listTotals(requests, n, nil))
	fmt.Fprintf(&b, "; limits %s", listTotals(limits, n, unlimited))
	if surge := maxSurge(d.Spec.Strategy, n); surge > 0 {
		fmt.Fprintf(&b, "; a rolling update may run %d more pod(s) (maxSurge %s)", surge, surgeText(d.Spec.Strategy))
	}
	if pod.RuntimeClassName != nil {
		fmt.Fprintf(&b, "; plus the pod overhead of RuntimeClass %q, if it sets one", *pod.RuntimeClassName)
	}
	return b.String()
}

// podTotals are one pod's effective requests and limits; unlimited names the
// resources that a running container uses without a limit while some
// container requests or limits them.
func podTotals(pod corev1.PodSpec) (requests, limits corev1.ResourceList, unlimited map[corev1.ResourceName]bool) {
	requests, limits = corev1.ResourceList{}, corev1.ResourceList{}
	unlimited = map[corev1.ResourceName]bool{}
	var running []corev1.Container
	sidecarRequests, sidecarLimits := corev1.ResourceList{}, corev1.ResourceList{}
	initRequests, initLimits := corev1.ResourceList{}, corev1.ResourceList{}
	for _, c := range pod.InitContainers {
		req, lim := effective(c.Resources)
		if IsSidecar(c) {
			addTo(sidecarRequests, req)
			addTo(sidecarLimits, lim)
			running = append(running, c)
			continue
		}
		maxOf(initRequests, sum(req, sidecarRequests))
		maxOf(initLimits, sum(lim, sidecarLimits))
	}
	for _, c := range pod.Containers {
		req, lim := effective(c.Resources)
		addTo(requests, req)
		addTo(limits, lim)
		running = append(running, c)
	}
	addTo(requests, sidecarRequests)
	addTo(limits, sidecarLimits)
	maxOf(requests, initRequests)
	maxOf(limits, initLimits)
	for name := range requests {
		if resourceRank(name) > 2 {
			// An extended resource a container does not name is none.
			continue
		}
		for _, c := range running {
			if _, ok := c.Resources.Limits[name]; !ok {
				unlimited[name] = true
				delete(limits, name)
			}
		}
	}
	return requests, limits, unlimited
}

// effective applies the API server's defaulting: a limit without a request
// requests the limit.
func effective(r corev1.ResourceRequirements) (requests, limits corev1.ResourceList) {
	requests = corev1.ResourceList{}
	for name, q := range r.Limits {
		requests[name] = q.DeepCopy()
	}
	for name, q := range r.Requests {
		requests[name] = q.DeepCopy()
	}
	return requests, r.Limits
}

func addTo(total, add corev1.ResourceList) {
	for name, q := range add {
		t := total[name]
		t.Add(q)
		total[name] = t
	}
}

func sum(a, b corev1.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{}
	addTo(out, a)
	addTo(out, b)
	return out
}

func maxOf(total, other corev1.ResourceList) {
	for name, q := range other {
		if t, ok := total[name]; !ok || q.Cmp(t) > 0 {
			total[name] = q.DeepCopy()
		}
	}
}

// listTotals writes "cpu 32, memory 128Gi, nvidia.com/gpu 8": the pod's
// quantities times n, cpu, memory and ephemeral-storage first.
func listTotals(list corev1.ResourceList, n int32, unlimited map[corev1.ResourceName]bool) string {
	var names []corev1.ResourceName
	for name := range list {
		names = append(names, name)
	}
	for name := range unlimited {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := resourceRank(names[i]), resourceRank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	if len(names) == 0 {
		return "none set"
	}
	parts := make([]string, 0, len(names))
	for _, name := range names {
		if unlimited[name] {
			parts = append(parts, fmt.Sprintf("%s unlimited", name))
			continue
		}
		q := list[name]
		total := q.AsDec()
		total.Mul(total, inf.NewDec(int64(n), 0))
		parts = append(parts, fmt.Sprintf("%s %s", name, resource.NewDecimalQuantity(*total, q.Format).String()))
	}
	return strings.Join(parts, ", ")
}

func resourceRank(name corev1.ResourceName) int {
	switch name {
	case corev1.ResourceCPU:
		return 0
	case corev1.ResourceMemory:
		return 1
	case corev1.ResourceEphemeralStorage:
		return 2
	}
	return 3
}

// defaultMaxSurge is the API server's default for a rolling update.
var defaultMaxSurge = intstr.FromString("25%")

// maxSurge is how many pods a rolling update may add above n.
func maxSurge(strategy appsv1.DeploymentStrategy, n int32) int {
	if strategy.Type == appsv1.RecreateDeploymentStrategyType || n == 0 {
		return 0
	}
	v := defaultMaxSurge
	if strategy.RollingUpdate != nil && strategy.RollingUpdate.MaxSurge != nil {
		v = *strategy.RollingUpdate.MaxSurge
	}
	surge, err := intstr.GetScaledValueFromIntOrPercent(&v, int(n), true)
	if err != nil {
		return 0
	}
	return surge
}

func surgeText(strategy appsv1.DeploymentStrategy) string {
	if strategy.RollingUpdate != nil && strategy.RollingUpdate.MaxSurge != nil {
		return strategy.RollingUpdate.MaxSurge.String()
	}
	return defaultMaxSurge.String() + ", the default"
}
