package timeline

import (
	"fmt"
	"math"
	"strings"
)

// Result is one named check's outcome: Err is nil when it passed; Detail
// says what was seen either way.
type Result struct {
	Name   string
	Detail string
	Err    error
}

// Span is the part of the run from one step's start to the next's: [From, To).
type Span struct{ From, To float64 }

func (sp Span) String() string { return fmt.Sprintf("%.1f-%.1fs", sp.From, sp.To) }

// in returns the scenario's samples within the span, in order.
func in(samples []Sample, scenario string, sp Span) []Sample {
	var out []Sample
	for _, s := range samples {
		if s.Scenario == scenario && s.T >= sp.From && s.T < sp.To {
			out = append(out, s)
		}
	}
	return out
}

// firstAt is the time of the first sample in the span at which Desired and
// Current are both n (and cond holds, when given); NaN when there is none.
func firstAt(ss []Sample, n int, cond string) float64 {
	for _, s := range ss {
		if s.Desired == n && s.Current == n && (cond == "" || hasCondition(s, cond)) {
			return s.T
		}
	}
	return math.NaN()
}

func hasCondition(s Sample, cond string) bool {
	return strings.Contains(" "+s.Conditions+" ", " "+cond+" ")
}

// reaches: within the span, Desired and Current both reach n (with cond).
func reaches(name string, samples []Sample, scenario string, sp Span, n int, cond string) Result {
	ss := in(samples, scenario, sp)
	what := fmt.Sprintf("%d replicas", n)
	if cond != "" {
		what += " with " + cond
	}
	if t := firstAt(ss, n, cond); !math.IsNaN(t) {
		return Result{Name: name, Detail: fmt.Sprintf("%s %.1fs after the step began", what, t-sp.From)}
	}
	return Result{Name: name, Err: fmt.Errorf("%s never at %s in %s (%d samples; last: %s)", scenario, what, sp, len(ss), last(ss))}
}

// bounded: within the span, Desired and Current stay within [lo, hi].
func bounded(name string, samples []Sample, scenario string, sp Span, lo, hi int) Result {
	ss := in(samples, scenario, sp)
	for _, s := range ss {
		if s.Desired < lo || s.Desired > hi || s.Current < lo || s.Current > hi {
			return Result{Name: name, Err: fmt.Errorf("%s at %.1fs: desired %d, ready %d, outside [%d, %d] in %s", scenario, s.T, s.Desired, s.Current, lo, hi, sp)}
		}
	}
	if len(ss) == 0 {
		return Result{Name: name, Err: fmt.Errorf("%s: no samples in %s", scenario, sp)}
	}
	return Result{Name: name, Detail: fmt.Sprintf("within [%d, %d] over %d samples", lo, hi, len(ss))}
}

// seen: within the span, some sample has cond.
func seen(name string, samples []Sample, scenario string, sp Span, cond string) Result {
	for _, s := range in(samples, scenario, sp) {
		if hasCondition(s, cond) {
			return Result{Name: name, Detail: fmt.Sprintf("%s %.1fs after the step began", cond, s.T-sp.From)}
		}
	}
	return Result{Name: name, Err: fmt.Errorf("%s never had %s in %s", scenario, cond, sp)}
}

// never: within the span, no sample has cond.
func never(name string, samples []Sample, scenario string, sp Span, cond string) Result {
	ss := in(samples, scenario, sp)
	for _, s := range ss {
		if hasCondition(s, cond) {
			return Result{Name: name, Err: fmt.Errorf("%s had %s at %.1fs in %s", scenario, cond, s.T, sp)}
		}
	}
	if len(ss) == 0 {
		return Result{Name: name, Err: fmt.Errorf("%s: no samples in %s", scenario, sp)}
	}
	return Result{Name: name, Detail: fmt.Sprintf("no %s over %d samples", cond, len(ss))}
}

func last(ss []Sample) string {
	if len(ss) == 0 {
		return "none"
	}
	s := ss[len(ss)-1]
	return fmt.Sprintf("%.1fs desired %d ready %d [%s]", s.T, s.Desired, s.Current, s.Conditions)
}
