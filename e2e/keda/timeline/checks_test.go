package timeline

import (
	"math"
	"strings"
	"testing"
)

// queueMarks and queueWant describe the synthetic queue run below.
var (
	queueMarks = QueueMarks{Start: 0, High: 60, Mid: 120, RedisDown: 200, RedisUp: 260, Empty: 330, End: 420}
	queueWant  = QueueWant{Scenario: "q", Max: 5, High: 5, Mid: 2, Fallback: 3, Cooldown: 30, Polling: 5}
	gpuMarks   = GPUMarks{Start: 0, High: 60, Low: 180, End: 300}
	gpuWant    = GPUWant{Scenario: "g", Min: 1, Max: 6, Expected: 4}
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

// goodQueue is a queue run that passes: 1 -> 0, 5, 2, fallback 3, 2, 0 35 s
// after the list emptied.
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
	case t < 230:
		return 2
	case t < 300:
		return 3
	case t < 350:
		return 2
	case t < 365:
		return 1
	}
	return 0
}

func goodQueueConds(t float64) string {
	if t >= 225 && t < 290 {
		return "Ready=True Active=False Fallback=True"
	}
	return "Ready=True Active=True Fallback=False"
}

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
	}
	return 1
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

func TestCheckQueue(t *testing.T) {
	all := CheckQueue(run("q", 420, goodQueue, goodQueueConds), queueMarks, queueWant)
	if f := failed(all); len(f) != 0 {
		t.Fatalf("a good run fails: %v", f)
	}
	// Each check, shown failing on a run that breaks only what it checks.
	for _, tc := range []struct {
		check    string
		replicas func(float64) int
		conds    func(float64) string
	}{
		{"queue: 0 jobs -> 0 pods", override(goodQueue, 0, 60, 1), goodQueueConds},
		{"queue: never above maxReplicaCount", override(goodQueue, 100, 102, 6), goodQueueConds},
		{"queue: high backlog -> 5", override(goodQueue, 80, 120, 4), goodQueueConds},
		{"queue: middle backlog -> 2", override(goodQueue, 160, 200, 3), goodQueueConds},
		{"queue: middle backlog never below its count once reached", override(goodQueue, 190, 192, 1), goodQueueConds},
		{"queue: Redis stopped -> fallback.replicas 3", override(goodQueue, 230, 260, 2), goodQueueConds},
		{"queue: Redis stopped -> fallback.replicas 3", goodQueue, noConds},
		{"queue: Redis back -> the metric again (2)", override(goodQueue, 260, 330, 3), goodQueueConds},
		{"queue: empty -> 0 pods", override(goodQueue, 330, 420, 1), goodQueueConds},
		{"queue: 0 pods not before the 30s cooldown", override(goodQueue, 340, 420, 0), goodQueueConds},
	} {
		f := failed(CheckQueue(run("q", 420, tc.replicas, tc.conds), queueMarks, queueWant))
		if f[tc.check] == nil {
			t.Errorf("%q passed on a run made to fail it (failures: %v)", tc.check, f)
		}
	}
}

func TestCheckGPU(t *testing.T) {
	if f := failed(CheckGPU(run("g", 300, goodGPU, noConds), gpuMarks, gpuWant)); len(f) != 0 {
		t.Fatalf("a good run fails: %v", f)
	}
	for _, tc := range []struct {
		check    string
		replicas func(float64) int
	}{
		{"gpu: idle at minReplicaCount 1", override(goodGPU, 0, 60, 0)},
		{"gpu: high work -> 4", override(goodGPU, 90, 180, 3)},
		{"gpu: high work never above 4", override(goodGPU, 150, 152, 5)},
		{"gpu: low work -> back at 1", override(goodGPU, 180, 300, 2)},
		{"gpu: never above maxReplicaCount", override(goodGPU, 250, 252, 7)},
	} {
		f := failed(CheckGPU(run("g", 300, tc.replicas, noConds), gpuMarks, gpuWant))
		if f[tc.check] == nil {
			t.Errorf("%q passed on a run made to fail it (failures: %v)", tc.check, f)
		}
	}
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
