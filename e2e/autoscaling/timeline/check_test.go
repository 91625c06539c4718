package timeline

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// testdata/recorded is a real run of `make e2e-autoscaling` (out/autoscaling/
// after it passed): what the checks were written against.
func recorded(t *testing.T) Run {
	t.Helper()
	r, err := ReadRun("testdata/recorded")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestRecordedRunPasses(t *testing.T) {
	f := Check(recorded(t))
	for _, msg := range f.Failures {
		t.Errorf("failure on the recorded run: %s", msg)
	}
	// What the log shows a reader: one line each, with the timings.
	for _, want := range []string{
		"ml-cpu: at max ", "ml-stepwise: at max ",
		"ml-queue: at 0 (ScaledToZero=True) ", "ml-queue: 0 -> 4 ", "ml-queue: at 5 ",
		"ml-queue: at 2 ", "ml-queue: at 0 ", "ml-queue-trap: ScalingLimited=True (ScaleUpLimit) ",
		"ml-gpu: at 5 ", "ml-gpu: at 1 ",
	} {
		if !slices.ContainsFunc(f.Notes, func(n string) bool { return strings.HasPrefix(n, want) }) {
			t.Errorf("no note starting %q in:\n%s", want, strings.Join(f.Notes, "\n"))
		}
	}
}

// mutation changes a copy of the recorded run the way a broken HPA (or a
// broken generated object) would have shaped it.
type mutation func(t *testing.T, r *Run)

// Each check has at least one failing case here: the case names the check
// and the message it must give.
func TestMutatedRunsFail(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate mutation
		want   string
	}{
		// bounds
		{"bounds: ml-cpu wants 6 at one tick", setAt("ml-cpu", "cpu:high-hold", 6),
			"ml-cpu: desired 6, current "},
		{"bounds: no ml-gpu samples", dropScenario("ml-gpu"), "ml-gpu: no samples in the timeline"},
		{"bounds: a scenario settings.env does not know", renameScenario("ml-gpu", "ml-tpu"), "ml-tpu at "},
		// cpu
		{"cpu: HPA formula mismatch, 1 -> 3 at the first rise", firstRiseTo("ml-cpu", "cpu:high", 3),
			"ml-cpu: 1 -> 3 at 73.9s exceeds the HPA formula: ceil(1 × 90 / 50) capped at 5 = 2"},
		{"cpu: scale-up too late", delayFrom("ml-cpu", "cpu:high", 70),
			"ml-cpu: first scaled up 91.7s after the load rose, later than 4 HPA syncs allow (65s)"},
		{"cpu: never at max", capDesired("ml-cpu", "cpu:high", "cpu:low", 4), "ml-cpu: never reached max 5"},
		{"cpu: default behaviour rises one pod at a time", onePodPerTick("ml-cpu", "cpu:high", "cpu:low"),
			"ml-cpu: never rose by more than one pod at once"},
		{"cpu: default behaviour at max after the rate-limited one", capUntilAfter("ml-cpu", "ml-stepwise", 5),
			"ml-cpu ("},
		{"cpu: rate limit broken, 2 pods at once", firstRiseTo("ml-stepwise", "cpu:high", 3),
			"more than 1 pod in one step"},
		{"cpu: rate limit broken, rises too close", secondRiseEarlier("ml-stepwise", "cpu:high", 20),
			"ml-stepwise: rises "},
		{"cpu: scale-down that never came", holdFrom("ml-cpu", "cpu:low"), "ml-cpu: never scaled down"},
		{"cpu: scale-down before the window", earlyDrop("ml-cpu", "cpu:low", 10),
			"ml-cpu: scaled down 11.0s after the change, before 25s: the 45s stabilization window was not applied"},
		// queue
		{"queue: never scaled to zero", stripCondition("ml-queue", "ScaledToZero=True"),
			"ml-queue: never went from a running pod to 0"},
		{"queue: 0 -> 5 at once, above the default limit", firstRiseTo("ml-queue", "queue:high", 5),
			"above the default scale-up limit from zero (4 pods)"},
		{"queue: scale-up too late", delayFrom("ml-queue", "queue:high", 31),
			"ml-queue: first scaled up 37.6s after the load rose, later than 2 HPA syncs allow (35s)"},
		{"queue: never at 5", capDesired("ml-queue", "queue:high", "queue:mid", 4), "ml-queue: never at 5 after the backlog rose"},
		{"queue: below ceil(40/20) under the middle backlog", setAt("ml-queue", "queue:mid-hold", 1),
			"below ceil(backlog / 20) = 2"},
		{"queue: scale-down that never came", holdFrom("ml-queue", "queue:empty"),
			"ml-queue: never at 0 after the queue emptied"},
		{"queue: scale-down before the window", earlyDrop("ml-queue", "queue:mid", 6),
			"ml-queue: scaled down to the middle backlog's count 6.7s after the change, before 10s: the 30s stabilization window was not applied"},
		// trap
		{"trap: it moved", setAt("ml-queue-trap", "queue:high-hold", 1),
			"ml-queue-trap: desired 1, current 0 at 60.6s under backlog 100: the Percent-only scale-up left zero"},
		{"trap: never ScalingLimited", stripCondition("ml-queue-trap", "ScalingLimited=True"),
			"ml-queue-trap: never reported ScalingLimited=True"},
		{"trap: never scaled to zero", stripCondition("ml-queue-trap", "ScaledToZero=True"),
			"ml-queue-trap: never went from a running pod to 0"},
		// gpu
		{"gpu: HPA formula mismatch, 1 -> 3 at the first rise", firstRiseTo("ml-gpu", "gpu:high", 3),
			"ml-gpu: 1 -> 3 at 29.4s exceeds the HPA formula: ceil(1 × 100 / 60) capped at 6 = 2"},
		{"gpu: scale-up too late", delayFrom("ml-gpu", "gpu:high", 40),
			"ml-gpu: first scaled up 53.5s after the load rose, later than 2 HPA syncs allow (35s)"},
		{"gpu: above the end state", setAt("ml-gpu", "gpu:high-hold", 6),
			"above the formula's end state 5"},
		{"gpu: scale-down that never came", holdFrom("ml-gpu", "gpu:low"), "ml-gpu: never at 1 after the work fell"},
		{"gpu: scale-down before the window", earlyDrop("ml-gpu", "gpu:low", 6),
			"ml-gpu: scaled down 6.8s after the change, before 10s: the 30s stabilization window was not applied"},
		// steps
		{"a step that never started", func(t *testing.T, r *Run) { delete(r.Steps, "gpu:low") },
			"gpu: step gpu:low never started"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := recorded(t)
			c.mutate(t, &r)
			f := Check(r)
			if !slices.ContainsFunc(f.Failures, func(m string) bool { return strings.Contains(m, c.want) }) {
				t.Errorf("no failure containing %q; failures:\n%s", c.want, strings.Join(f.Failures, "\n"))
			}
		})
	}
}

// stepSpan is [start of step, start of the driver's next step).
func stepSpan(t *testing.T, r *Run, key string) (from, to float64) {
	t.Helper()
	from, ok := r.Steps[key]
	if !ok {
		t.Fatalf("step %s not recorded", key)
	}
	driver, _, _ := strings.Cut(key, ":")
	to = 1e9
	for _, k := range slices.Sorted(maps.Keys(r.Steps)) {
		if strings.HasPrefix(k, driver+":") && r.Steps[k] > from && r.Steps[k] < to {
			to = r.Steps[k]
		}
	}
	return from, to
}

// edit calls fn on each sample of scenario in [from, to).
func edit(r *Run, scenario string, from, to float64, fn func(*Sample)) {
	for i := range r.Samples {
		if x := &r.Samples[i]; x.Scenario == scenario && x.T >= from && x.T < to {
			fn(x)
		}
	}
}

// setAt: desired = n through the step.
func setAt(scenario, step string, n int) mutation {
	return func(t *testing.T, r *Run) {
		from, to := stepSpan(t, r, step)
		edit(r, scenario, from, to, func(x *Sample) { x.Desired = n })
	}
}

// rises: the samples of scenario from step on where desired went up.
func rises(t *testing.T, r *Run, scenario, step string) []int {
	t.Helper()
	from, _ := stepSpan(t, r, step)
	var out []int
	prev := -1
	for i, x := range r.Samples {
		if x.Scenario != scenario {
			continue
		}
		if x.T >= from && prev >= 0 && x.Desired > prev {
			out = append(out, i)
		}
		prev = x.Desired
	}
	if len(out) < 2 {
		t.Fatalf("%s rises only %d times from %s", scenario, len(out), step)
	}
	return out
}

// firstRiseTo: the first rise after step goes to n, held until the next rise.
func firstRiseTo(scenario, step string, n int) mutation {
	return func(t *testing.T, r *Run) {
		rs := rises(t, r, scenario, step)
		edit(r, scenario, r.Samples[rs[0]].T, r.Samples[rs[1]].T, func(x *Sample) { x.Desired = n })
	}
}

// delayFrom: from step on, the scenario's replicas come `by` seconds later:
// each sample takes the values of the last one at or before its time less
// by, and none from before the step began but the last.
func delayFrom(scenario, step string, by float64) mutation {
	return func(t *testing.T, r *Run) {
		from, _ := stepSpan(t, r, step)
		orig := slices.Clone(r.Samples)
		edit(r, scenario, from, 1e9, func(x *Sample) {
			src := max(x.T-by, from-1e-3)
			for _, o := range orig {
				if o.Scenario == scenario && o.T <= src {
					x.Desired, x.Current = o.Desired, o.Current
				}
			}
		})
	}
}

// capDesired: desired at most n between two steps.
func capDesired(scenario, fromStep, toStep string, n int) mutation {
	return func(t *testing.T, r *Run) {
		from, _ := stepSpan(t, r, fromStep)
		to, _ := stepSpan(t, r, toStep)
		edit(r, scenario, from, to, func(x *Sample) { x.Desired = min(x.Desired, n) })
	}
}

// onePodPerTick: between two steps, desired rises by at most one per sample.
func onePodPerTick(scenario, fromStep, toStep string) mutation {
	return func(t *testing.T, r *Run) {
		from, _ := stepSpan(t, r, fromStep)
		to, _ := stepSpan(t, r, toStep)
		prev := -1
		edit(r, scenario, from, to, func(x *Sample) {
			if prev >= 0 && x.Desired > prev+1 {
				x.Desired = prev + 1
			}
			prev = x.Desired
		})
	}
}

// capUntilAfter: scenario stays below max until other has reached max.
func capUntilAfter(scenario, other string, max int) mutation {
	return func(t *testing.T, r *Run) {
		from, _ := stepSpan(t, r, "cpu:high")
		at := -1.0
		for _, x := range r.Samples {
			if x.Scenario == other && x.T >= from && x.Desired == max {
				at = x.T
				break
			}
		}
		if at < 0 {
			t.Fatalf("%s never at %d", other, max)
		}
		edit(r, scenario, from, at+2, func(x *Sample) { x.Desired = min(x.Desired, max-1) })
	}
}

// secondRiseEarlier: the second rise after step comes `gap` seconds after the
// first.
func secondRiseEarlier(scenario, step string, gap float64) mutation {
	return func(t *testing.T, r *Run) {
		rs := rises(t, r, scenario, step)
		first, second := r.Samples[rs[0]], r.Samples[rs[1]]
		edit(r, scenario, first.T+gap, second.T, func(x *Sample) { x.Desired = second.Desired })
	}
}

// holdFrom: from step on, desired stays what it was when the step began.
func holdFrom(scenario, step string) mutation {
	return func(t *testing.T, r *Run) {
		from, _ := stepSpan(t, r, step)
		held := -1
		edit(r, scenario, from, 1e9, func(x *Sample) {
			if held < 0 {
				held = x.Desired
			}
			x.Desired, x.Current = held, held
		})
	}
}

// earlyDrop: the first step down after step comes `after` seconds after it.
func earlyDrop(scenario, step string, after float64) mutation {
	return func(t *testing.T, r *Run) {
		from, _ := stepSpan(t, r, step)
		var down Sample
		prev := -1
		for _, x := range r.Samples {
			if x.Scenario == scenario && x.T >= from && prev >= 0 && x.Desired < prev {
				down = x
				break
			}
			if x.Scenario == scenario {
				prev = x.Desired
			}
		}
		if prev < 0 || down.Scenario == "" {
			t.Fatalf("%s never went down after %s", scenario, step)
		}
		edit(r, scenario, from+after, down.T, func(x *Sample) { x.Desired = down.Desired })
	}
}

func stripCondition(scenario, cond string) mutation {
	return func(t *testing.T, r *Run) {
		edit(r, scenario, -1, 1e9, func(x *Sample) {
			x.Conditions = strings.ReplaceAll(x.Conditions, cond, "Stripped=True")
		})
	}
}

func dropScenario(scenario string) mutation {
	return func(t *testing.T, r *Run) {
		r.Samples = slices.DeleteFunc(r.Samples, func(x Sample) bool { return x.Scenario == scenario })
	}
}

func renameScenario(from, to string) mutation {
	return func(t *testing.T, r *Run) {
		edit(r, from, -1, 1e9, func(x *Sample) { x.Scenario = to })
	}
}
