package timeline

import (
	"fmt"
	"math"
)

// QueueMarks are the start times of the queue scenario's steps.
type QueueMarks struct {
	Start, High, Mid, RedisDown, RedisUp, Empty, End float64
}

// QueueWant is what the queue worker's ScaledObject says KEDA must do.
type QueueWant struct {
	Scenario string
	// Max is maxReplicaCount; High and Mid are ceil(jobs / listLength),
	// capped at Max, for the high and middle backlogs.
	Max, High, Mid int
	// Cooldown and Polling are cooldownPeriod and pollingInterval, seconds.
	Cooldown, Polling float64
}

// ScaleToZeroSlack allows for the sampling period: a sample can see the
// Deployment at 0 up to this much later than KEDA scaled it.
const ScaleToZeroSlack = 3.0

// CheckQueue checks the queue worker's timeline: 0 jobs -> 0 pods; the high
// backlog -> High; the middle one -> Mid, never fewer; Redis stopped -> KEDA
// v2.21.0 holds Mid, Active=False and no fallback (its redis scaler connects
// when it is built, and a scaler that cannot be built never reaches the
// fallback: kedacore/keda#5525, #8056); Redis back -> Mid with Active=True;
// empty -> 0, not before the cooldown; never above Max.
func CheckQueue(samples []Sample, m QueueMarks, w QueueWant) []Result {
	s := w.Scenario
	all := Span{m.Start, m.End}
	results := []Result{
		reaches("queue: 0 jobs -> 0 pods", samples, s, Span{m.Start, m.High}, 0, ""),
		bounded("queue: never above maxReplicaCount", samples, s, all, 0, w.Max),
		reaches(fmt.Sprintf("queue: high backlog -> %d", w.High), samples, s, Span{m.High, m.Mid}, w.High, ""),
		reaches(fmt.Sprintf("queue: middle backlog -> %d", w.Mid), samples, s, Span{m.Mid, m.RedisDown}, w.Mid, ""),
		midFloor(samples, m, w),
		bounded(fmt.Sprintf("queue: Redis stopped -> held at %d", w.Mid), samples, s, Span{m.RedisDown, m.RedisUp}, w.Mid, w.Mid),
		seen("queue: Redis stopped -> Active=False (KEDA sees the outage)", samples, s, Span{m.RedisDown, m.RedisUp}, "Active=False"),
		never("queue: Redis stopped -> no fallback (KEDA v2.21.0, kedacore/keda#5525)", samples, s, Span{m.RedisDown, m.RedisUp}, "Fallback=True"),
		reaches(fmt.Sprintf("queue: Redis back -> the metric again (%d, Active=True)", w.Mid), samples, s, Span{m.RedisUp, m.Empty}, w.Mid, "Active=True"),
		reaches("queue: empty -> 0 pods", samples, s, Span{m.Empty, m.End}, 0, ""),
		cooldownKept(samples, m, w),
	}
	return results
}

// midFloor: once at Mid under the middle backlog, never fewer (a scale-down
// below ceil(jobs / listLength) would leave jobs waiting).
func midFloor(samples []Sample, m QueueMarks, w QueueWant) Result {
	const name = "queue: middle backlog never below its count once reached"
	ss := in(samples, w.Scenario, Span{m.Mid, m.RedisDown})
	t := firstAt(ss, w.Mid, "")
	if math.IsNaN(t) {
		return Result{Name: name, Err: fmt.Errorf("%s never reached %d", w.Scenario, w.Mid)}
	}
	return bounded(name, samples, w.Scenario, Span{t, m.RedisDown}, w.Mid, w.Max)
}

// cooldownKept: after the list emptied, KEDA scales to 0 only when the
// cooldown has passed since the trigger was last active, which it was at
// most one polling interval before the list emptied.
func cooldownKept(samples []Sample, m QueueMarks, w QueueWant) Result {
	name := fmt.Sprintf("queue: 0 pods not before the %gs cooldown", w.Cooldown)
	ss := in(samples, w.Scenario, Span{m.Empty, m.End})
	for _, s := range ss {
		if s.Desired == 0 {
			after := s.T - m.Empty
			if after < w.Cooldown-w.Polling-ScaleToZeroSlack {
				return Result{Name: name, Err: fmt.Errorf("%s at 0 %.1fs after the list emptied: cooldownPeriod %gs, pollingInterval %gs", w.Scenario, after, w.Cooldown, w.Polling)}
			}
			return Result{Name: name, Detail: fmt.Sprintf("at 0 %.1fs after the list emptied (cooldownPeriod %gs)", after, w.Cooldown)}
		}
	}
	return Result{Name: name, Err: fmt.Errorf("%s never at 0 after the list emptied (last: %s)", w.Scenario, last(ss))}
}
