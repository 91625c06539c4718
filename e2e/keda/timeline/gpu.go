package timeline

import (
	"fmt"
	"math"
)

// GPUMarks are the start times of the GPU scenario's steps.
type GPUMarks struct {
	Start, High, Low, PrometheusDown, PrometheusUp, End float64
}

// GPUWant is what the GPU server's ScaledObject says KEDA's HPA must do.
type GPUWant struct {
	Scenario string
	Min, Max int
	// Expected is the end state under the high work (ExpectedGPUReplicas).
	Expected int
	// Fallback is fallback.replicas.
	Fallback int
}

// CheckGPU checks the GPU server's timeline: idle at Min; under the high
// work up to Expected and never above it (a count above it means the query
// or the metric type does not divide the pods' summed utilisation by the
// target, as the hpa engine's Pods metric does); back at Min after;
// Prometheus stopped -> fallback.replicas with Fallback=True (the
// prometheus scaler is built without a connection, so its failed reads
// count towards the fallback); Prometheus back -> Min with Fallback=False.
func CheckGPU(samples []Sample, m GPUMarks, w GPUWant) []Result {
	s := w.Scenario
	return []Result{
		reaches(fmt.Sprintf("gpu: idle at minReplicaCount %d", w.Min), samples, s, Span{m.Start, m.High}, w.Min, ""),
		reaches(fmt.Sprintf("gpu: high work -> %d", w.Expected), samples, s, Span{m.High, m.Low}, w.Expected, ""),
		bounded(fmt.Sprintf("gpu: high work never above %d", w.Expected), samples, s, Span{m.High, m.Low}, w.Min, w.Expected),
		reaches(fmt.Sprintf("gpu: low work -> back at %d", w.Min), samples, s, Span{m.Low, m.PrometheusDown}, w.Min, ""),
		reaches(fmt.Sprintf("gpu: Prometheus stopped -> fallback.replicas %d", w.Fallback), samples, s, Span{m.PrometheusDown, m.PrometheusUp}, w.Fallback, "Fallback=True"),
		reaches(fmt.Sprintf("gpu: Prometheus back -> the metric again (%d)", w.Min), samples, s, Span{m.PrometheusUp, m.End}, w.Min, "Fallback=False"),
		bounded("gpu: never above maxReplicaCount", samples, s, Span{m.Start, m.End}, 0, w.Max),
	}
}

// ExpectedGPUReplicas iterates the HPA's rule for an External AverageValue
// target from min replicas: desired = ceil(total / target) unless
// total / (target * n) is within the tolerance of 1, where the total is the
// summed utilisation of n pods sharing `work` percent of one GPU, each at most
// 100 %. It returns the count where that settles, within [lo, hi].
func ExpectedGPUReplicas(work, target, tolerance float64, lo, hi int) int {
	n := lo
	for range 100 {
		total := math.Min(work, 100*float64(n))
		ratio := total / (target * float64(n))
		if math.Abs(ratio-1) <= tolerance {
			return n
		}
		next := min(max(int(math.Ceil(total/target)), lo), hi)
		if next == n {
			return n
		}
		n = next
	}
	return n
}
