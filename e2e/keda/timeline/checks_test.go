package timeline

import (
	"math"
	"strings"
	"testing"
)

// queueMarks and queueWant describe the synthetic queue run below.
var (
	queueMarks = QueueMarks{Start: 0, High: 60, Mid: 120, RedisDown: 200, RedisUp: 260, Empty: 330, End: 420}
	queueWant  = QueueWant{Scenario: "q", Max: 5, High: 5, Mid: 2, Cooldown: 30, Polling: 5}
	gpuMarks   = GPUMarks{Start: 0, High: 60, Low: 180, PrometheusDown: 240, PrometheusUp: 300, End: 380}
	gpuWant    = GPUWant{Scenario: "g", Min: 1, Max: 6, Expected: 4, Fallback: 3}
)

// run samples a replica count (desired = ready) and conditions every 2 s.
func run(scenario string, end float64, replicas func(t float64) int, conds func(t float64) string) []Sample {
	var out []Sample
	for t := 0.0; t < end; t += 2 {
		n := replicas(t)
		out = append(out, Sample{T: t, Scenario: scenario, Metric: "queue", Simulated: math.NaN(), Measured: math.NaN(), Desired: n, Current: n, Conditions: conds(t)})
	}
	return out
}

// goodQueue is a queue run that passes: 1 -> 0, 5, 2 (held while Redis is
// stopped), 0 35 s after the list emptied.
func goodQueue(t float64) int {
	switch {
	case t < 20:
		return 1
	case t < 70:
		return 0
	case t < 80:
		return 1
	case t < 160:
		return 5
	case t < 350:
		return 2
	case t < 365:
		return 1
	}
	return 0
}

// goodQueueConds: Active=False while Redis is stopped, back a poll after.
func goodQueueConds(t float64) string {
	if t >= 205 && t < 265 {
		return "Ready=True Active=False Fallback=False"
	}
	return "Ready=True Active=True Fallback=False"
}

// withCond returns conds with c instead within [from, to).
func withCond(conds func(float64) string, from, to float64, c string) func(float64) string {
	return func(t float64) string {
		if t >= from && t < to {
			return c
		}
		return conds(t)
	}
}

// goodGPU: 1 -> 2 -> 4 -> 1, fallback 3 while Prometheus is stopped, 1.
func goodGPU(t float64) int {
	switch {
	case t < 70:
		return 1
	case t < 90:
		return 2
	case t < 200:
		return 4
	case t < 230:
		return 2
	case t < 260:
		return 1
	case t < 340:
		return 3
	}
	return 1
}

func goodGPUConds(t float64) string {
	if t >= 255 && t < 305 {
		return "Ready=True Active=False Fallback=True"
	}
	return "Ready=True Active=True Fallback=False"
}

func noConds(float64) string { return "Ready=True Active=True Fallback=False" }

// override returns f with the value v within [from, to).
func override(f func(float64) int, from, to float64, v int) func(float64) int {
	return func(t float64) int {
		if t >= from && t < to {
			return v
		}
		return f(t)
	}
}

func failed(results []Result) map[string]error {
	out := map[string]error{}
	for _, r := range results {
		if r.Err != nil {
			out[r.Name] = r.Err
		}
	}
	return out
}

// breaking is a run changed to fail one check: its replicas and conditions.
type breaking struct {
	check    string
	replicas func(float64) int
	conds    func(float64) string
}

// testChecks: the good run passes every check; each breaking run fails the
// check it was made to fail.
func testChecks(t *testing.T, scenario string, end float64, good breaking, check func([]Sample) []Result, cases []breaking) {
	t.Helper()
	if f := failed(check(run(scenario, end, good.replicas, good.conds))); len(f) != 0 {
		t.Fatalf("a good run fails: %v", f)
	}
	for _, tc := range cases {
		if f := failed(check(run(scenario, end, tc.replicas, tc.conds))); f[tc.check] == nil {
			t.Errorf("%q passed on a run made to fail it (failures: %v)", tc.check, f)
		}
	}
}

func TestCheckQueue(t *testing.T) {
	check := func(ss []Sample) []Result { return CheckQueue(ss, queueMarks, queueWant) }
	testChecks(t, "q", 420, breaking{"", goodQueue, goodQueueConds}, check, []breaking{
		{"queue: 0 jobs -> 0 pods", override(goodQueue, 0, 60, 1), goodQueueConds},
		{"queue: never above maxReplicaCount", override(goodQueue, 100, 102, 6), goodQueueConds},
		{"queue: high backlog -> 5", override(goodQueue, 80, 120, 4), goodQueueConds},
		{"queue: middle backlog -> 2", override(goodQueue, 160, 200, 3), goodQueueConds},
		{"queue: middle backlog never below its count once reached", override(goodQueue, 190, 192, 1), goodQueueConds},
		{"queue: Redis stopped -> held at 2", override(goodQueue, 230, 240, 1), goodQueueConds},
		{"queue: Redis stopped -> Active=False (KEDA sees the outage)", goodQueue, noConds},
		{"queue: Redis stopped -> no fallback (KEDA v2.21.0, kedacore/keda#5525)", goodQueue, withCond(goodQueueConds, 230, 240, "Active=False Fallback=True")},
		{"queue: Redis back -> the metric again (2, Active=True)", goodQueue, withCond(goodQueueConds, 260, 330, "Active=False Fallback=False")},
		{"queue: empty -> 0 pods", override(goodQueue, 330, 420, 1), goodQueueConds},
		{"queue: 0 pods not before the 30s cooldown", override(goodQueue, 340, 420, 0), goodQueueConds},
	})
}

func TestCheckGPU(t *testing.T) {
	check := func(ss []Sample) []Result { return CheckGPU(ss, gpuMarks, gpuWant) }
	testChecks(t, "g", 380, breaking{"", goodGPU, goodGPUConds}, check, []breaking{
		{"gpu: idle at minReplicaCount 1", override(goodGPU, 0, 60, 0), goodGPUConds},
		{"gpu: high work -> 4", override(goodGPU, 90, 180, 3), goodGPUConds},
		{"gpu: high work never above 4", override(goodGPU, 150, 152, 5), goodGPUConds},
		{"gpu: low work -> back at 1", override(goodGPU, 180, 240, 2), goodGPUConds},
		{"gpu: Prometheus stopped -> fallback.replicas 3", override(goodGPU, 240, 300, 1), goodGPUConds},
		{"gpu: Prometheus stopped -> fallback.replicas 3", goodGPU, noConds},
		{"gpu: Prometheus back -> the metric again (1)", override(goodGPU, 300, 380, 3), goodGPUConds},
		{"gpu: never above maxReplicaCount", override(goodGPU, 350, 352, 7), goodGPUConds},
	})
}

func TestExpectedGPUReplicas(t *testing.T) {
	for _, tc := range []struct {
		work float64
		want int
	}{
		{20, 1},   // one pod at 20 %: below the target, stays at min
		{210, 4},  // 1 -> 2 (100/60) -> 4 (200/60) -> 4 (210/60 = 3.5)
		{270, 5},  // ... -> 5 (270/60 = 4.5); at 5, 270/300 is within the tolerance
		{1000, 6}, // capped at max
	} {
		if got := ExpectedGPUReplicas(tc.work, 60, 0.1, 1, 6); got != tc.want {
			t.Errorf("work %g: got %d, want %d", tc.work, got, tc.want)
		}
	}
}

func TestRecord(t *testing.T) {
	got := strings.Join(Sample{T: 1.25, Scenario: "q", Metric: "queue", Simulated: 40, Measured: math.NaN(), Desired: 2, Current: 1, Conditions: "Ready=True"}.Record(), ",")
	if want := "1.2,q,queue,40,,2,1,Ready=True"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
