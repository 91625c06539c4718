package timeline

import (
	"fmt"
	"strconv"
)

// Steps holds when each step of each scenario driver started, in seconds on
// the timeline's clock, keyed "driver:step" (cpu:high, queue:empty, ...).
type Steps map[string]float64

var stepsHeader = []string{"time_s", "driver", "step"}

// ReadSteps reads steps.csv.
func ReadSteps(path string) (Steps, error) {
	recs, err := readCSV(path, stepsHeader)
	if err != nil {
		return nil, err
	}
	steps := Steps{}
	for i, rec := range recs {
		t, err := strconv.ParseFloat(rec[0], 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: time_s: %w", path, i+2, err)
		}
		steps[rec[1]+":"+rec[2]] = t
	}
	return steps, nil
}

// start returns when step key started; a check that needs a step the run
// never reached fails with this error.
func (s Steps) start(key string) (float64, error) {
	t, ok := s[key]
	if !ok {
		return 0, fmt.Errorf("step %s never started (not in steps.csv)", key)
	}
	return t, nil
}

// highLow returns when a driver's high and low steps began.
func (s Steps) highLow(driver string) (high, low float64, err error) {
	if high, err = s.start(driver + ":high"); err != nil {
		return 0, 0, err
	}
	low, err = s.start(driver + ":low")
	return high, low, err
}
