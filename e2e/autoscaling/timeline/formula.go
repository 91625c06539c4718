package timeline

import (
	"fmt"
	"math"
)

// Recommend is the HPA algorithm's replica count for n ready pods whose
// average metric is perPod against target: ceil(n × perPod / target), no
// change while perPod is within the tolerance of the target, capped at max.
// (kube-controller-manager's replica calculator; the scale-up and
// scale-down rules of behavior come on top.)
func Recommend(n int, perPod, target float64, tolerancePct, max int) int {
	ratio := perPod / target
	if math.Abs(1-ratio) <= float64(tolerancePct)/100 {
		return n
	}
	// The epsilon keeps float noise (3 × 90 / 60) off the next integer.
	r := int(math.Ceil(float64(n)*ratio - 1e-9))
	return min(r, max)
}

// endState iterates Recommend from n until it no longer changes: where an
// HPA without rate limits settles under a constant load.
func endState(n int, perPod func(n int) float64, target float64, tolerancePct, max int) int {
	for range 100 {
		next := Recommend(n, perPod(n), target, tolerancePct, max)
		if next == n {
			return n
		}
		n = next
	}
	return n
}

// cpuHighPct is the high CPU load in percent of the request, per pod.
func (s Settings) cpuHighPct() float64 {
	return float64(100 * s.CPUHighMilli / s.CPURequestMilli)
}

// gpuPerPod is each pod's GPU utilisation when n pods share the work:
// min(100, work / n).
func gpuPerPod(work, n int) float64 {
	return min(100, float64(work)/float64(n))
}

// Expected are the end states the HPA formula predicts for the scenarios'
// high loads; run.sh waits for them and Check holds the timeline to them.
type Expected struct {
	CPU       int // both CPU scenarios under the high load
	GPU       int // the GPU worker under the high work
	QueueHigh int // the queue worker under the high backlog
	QueueMid  int // ... and under the middle one
}

// Expect computes Expected from the settings, and refuses settings that
// would make a scenario prove nothing: a CPU load that does not reach max
// (the rate limit shows only on the way there), or a GPU end state at max
// (a per-pod load that does not fall as pods are added would reach it too).
func Expect(s Settings) (Expected, error) {
	cpuHigh := s.cpuHighPct()
	e := Expected{
		CPU: endState(s.CPUMin, func(int) float64 { return cpuHigh },
			float64(s.CPUTargetPct), s.TolerancePct, s.CPUMax),
		GPU: endState(s.GPUMin, func(n int) float64 { return gpuPerPod(s.GPUHighWork, n) },
			float64(s.GPUTarget), s.TolerancePct, s.GPUMax),
		QueueHigh: queueReplicas(s.QueueHigh, s.QueueTarget, s.QueueMax),
		QueueMid:  queueReplicas(s.QueueMid, s.QueueTarget, s.QueueMax),
	}
	if e.CPU != s.CPUMax {
		return e, fmt.Errorf("scenario settings: the CPU end state is %d, not maxReplicas %d", e.CPU, s.CPUMax)
	}
	if e.GPU >= s.GPUMax {
		return e, fmt.Errorf("scenario settings: the GPU end state %d is maxReplicas, which a load that does not fall would also reach", e.GPU)
	}
	if e.QueueMid >= e.QueueHigh || e.QueueMid == 0 {
		return e, fmt.Errorf("scenario settings: the middle backlog's %d replicas must lie between 0 and the high backlog's %d", e.QueueMid, e.QueueHigh)
	}
	return e, nil
}

// queueReplicas is an External AverageValue target's recommendation from
// zero or any count: ceil(backlog / per replica), capped at max.
func queueReplicas(backlog, perReplica, max int) int {
	return min((backlog+perReplica-1)/perReplica, max)
}
