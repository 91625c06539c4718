// Package timeline records what the KEDA e2e scenarios did (one CSV row per
// scenario per sample, the format e2e/autoscaling/plot draws) and checks the
// recorded timeline against what KEDA must do. The checks are pure functions
// of the samples, so each has a unit test that shows it can fail.
package timeline

import (
	"math"
	"strconv"
)

// Header is the CSV's header line (the columns of e2e/autoscaling/plot).
var Header = []string{"time_s", "scenario", "metric", "simulated", "measured",
	"desired_replicas", "current_replicas", "conditions"}

// Sample is one scenario's state at one moment.
type Sample struct {
	T        float64 // seconds since the scenarios started
	Scenario string  // the Deployment's (and the ScaledObject's) name
	Metric   string  // "queue" or "gpu": which plot legend applies
	// Simulated is the load the test set (jobs in the list; GPU utilisation
	// written per pod), Measured what the HPA that KEDA made last saw; NaN
	// when unknown (Redis stopped, no measurement yet).
	Simulated, Measured float64
	// Desired is the Deployment's spec.replicas (set by KEDA at and from 0,
	// by the HPA above), Current its ready pods.
	Desired, Current int
	// Conditions are the ScaledObject's conditions as Type=Status, space
	// separated (Ready, Active, Fallback), plus redis=down while it is.
	Conditions string
}

// Record is the sample as a CSV row.
func (s Sample) Record() []string {
	return []string{
		strconv.FormatFloat(s.T, 'f', 1, 64), s.Scenario, s.Metric,
		number(s.Simulated), number(s.Measured),
		strconv.Itoa(s.Desired), strconv.Itoa(s.Current), s.Conditions,
	}
}

func number(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
