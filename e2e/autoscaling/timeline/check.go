package timeline

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Run is one recorded run of the autoscaling test.
type Run struct {
	Samples  []Sample
	Steps    Steps
	Settings Settings
}

// ReadRun reads timeline.csv, steps.csv and settings.env from dir.
func ReadRun(dir string) (Run, error) {
	var r Run
	var err error
	if r.Samples, err = ReadSamples(filepath.Join(dir, "timeline.csv")); err != nil {
		return r, err
	}
	if r.Steps, err = ReadSteps(filepath.Join(dir, "steps.csv")); err != nil {
		return r, err
	}
	r.Settings, err = ReadSettings(filepath.Join(dir, "settings.env"))
	return r, err
}

// series is one scenario's samples, in time order.
func (r Run) series(scenario string) []Sample {
	var out []Sample
	for _, x := range r.Samples {
		if x.Scenario == scenario {
			out = append(out, x)
		}
	}
	return out
}

// Findings is what the checks saw (Notes: the timings a reader of the log
// wants) and what failed.
type Findings struct {
	Notes, Failures []string
}

func (f *Findings) notef(format string, a ...any) {
	f.Notes = append(f.Notes, fmt.Sprintf(format, a...))
}
func (f *Findings) failf(format string, a ...any) {
	f.Failures = append(f.Failures, fmt.Sprintf(format, a...))
}

// A check adds to the findings; its error (a step it needs never started,
// settings that prove nothing) is a failure too.
type check func(Run, Expected, *Findings) error

// Checks are every check, by name, in the order Check runs them.
var Checks = []struct {
	Name string
	Run  check
}{
	{"bounds", checkBounds},
	{"cpu", checkCPU},
	{"queue", checkQueue},
	{"trap", checkTrap},
	{"gpu", checkGPU},
}

// Check runs every check over a recorded run.
func Check(r Run) Findings {
	var f Findings
	e, err := Expect(r.Settings)
	if err != nil {
		f.failf("%v", err)
		return f
	}
	for _, c := range Checks {
		if err := c.Run(r, e, &f); err != nil {
			f.failf("%s: %v", c.Name, err)
		}
	}
	return f
}

// checkBounds: every scenario was recorded, and no HPA ever wanted, and no
// Deployment ever had, more than maxReplicas, at any tick.
func checkBounds(r Run, _ Expected, f *Findings) error {
	s := r.Settings
	for _, name := range append(s.CPUScenarios[:2:2], s.Queue, s.Trap, s.GPU) {
		if len(r.series(name)) == 0 {
			f.failf("%s: no samples in the timeline", name)
		}
	}
	for _, x := range r.Samples {
		max, ok := s.maxOf(x.Scenario)
		if !ok {
			f.failf("%s at %.1fs: not a scenario of settings.env", x.Scenario, x.T)
			continue
		}
		if x.Desired > max || x.Current > max {
			f.failf("%s: desired %d, current %d at %.1fs: above maxReplicas %d", x.Scenario, x.Desired, x.Current, x.T, max)
		}
	}
	return nil
}

// replicaPath is a scenario's desired replicas as "1 @0.5s -> 2 @31.2s ...".
func replicaPath(samples []Sample) string {
	var b strings.Builder
	for i, x := range samples {
		if i > 0 && x.Desired == samples[i-1].Desired {
			continue
		}
		if i > 0 {
			b.WriteString(" -> ")
		}
		fmt.Fprintf(&b, "%d @%.1fs", x.Desired, x.T)
	}
	return b.String()
}

// windowApplied fails a scale-down that came before the stabilization
// window could have passed: the window, less one HPA sync (the HPA records
// a recommendation only every sync), less 5 s for the 2-3 s sampling.
func windowApplied(f *Findings, s Settings, name, what string, after float64, windowS int) {
	if earliest := float64(windowS - s.HPASyncS - 5); after < earliest {
		f.failf("%s: %s %.1fs after the change, before %.0fs: the %ds stabilization window was not applied",
			name, what, after, earliest, windowS)
	}
}

// moment is when something first happened, in seconds after a step began.
type moment struct {
	after float64
	seen  bool
}

func (m *moment) mark(after float64) {
	if !m.seen {
		m.after, m.seen = after, true
	}
}

// scaledUpWithin fails a first scale-up that came more than syncs HPA syncs
// (plus 5 s for the sampling) after the load rose, or never: the HPA acts
// on every sync once its metric shows the load.
func scaledUpWithin(f *Findings, s Settings, name string, up moment, syncs int) {
	limit := float64(syncs*s.HPASyncS + 5)
	switch {
	case !up.seen:
		f.failf("%s: never scaled up after the load rose", name)
	case up.after > limit:
		f.failf("%s: first scaled up %.1fs after the load rose, later than %d HPA syncs allow (%.0fs)", name, up.after, syncs, limit)
	}
}
