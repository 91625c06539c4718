package timeline

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Sample is one row of timeline.csv: one HPA at one tick. Simulated and
// Measured are NaN where the CSV has no value (the HPA has not measured yet,
// or a backlog per replica at 0 replicas, which means nothing).
type Sample struct {
	T                   float64 // seconds since the load started
	Scenario, Metric    string  // the HPA's name; cpu, gpu or queue
	Simulated, Measured float64
	Desired, Current    int    // the HPA's desiredReplicas; the Deployment's ready pods
	Conditions          string // Type=Status/Reason, space-separated
}

// HasCondition: the HPA had cond (Type=Status, or Type=Status/Reason).
func (x Sample) HasCondition(cond string) bool {
	for _, c := range strings.Fields(x.Conditions) {
		if c == cond || strings.HasPrefix(c, cond+"/") {
			return true
		}
	}
	return false
}

// Header is timeline.csv's first line.
var Header = []string{"time_s", "scenario", "metric", "simulated", "measured",
	"desired_replicas", "current_replicas", "conditions"}

// ReadSamples reads timeline.csv, in file order (ticks are recorded in
// time order).
func ReadSamples(path string) ([]Sample, error) {
	recs, err := readCSV(path, Header)
	if err != nil {
		return nil, err
	}
	samples := make([]Sample, 0, len(recs))
	for i, rec := range recs {
		s, err := parseSample(rec)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+2, err)
		}
		samples = append(samples, s)
	}
	return samples, nil
}

// readCSV reads a CSV file whose first line must be header, and returns the
// records after it.
func readCSV(path string, header []string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // checked below, with the header's own message
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		return nil, fmt.Errorf("%s: the first line must be %s", path, strings.Join(header, ","))
	}
	for i, rec := range recs {
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d (%s)", path, i+1, len(rec), len(header), strings.Join(header, ","))
		}
	}
	return recs[1:], nil
}

func parseSample(rec []string) (Sample, error) {
	s := Sample{Scenario: rec[1], Metric: rec[2], Conditions: rec[7]}
	floats := []struct {
		col int
		v   *float64
	}{{0, &s.T}, {3, &s.Simulated}, {4, &s.Measured}}
	for _, f := range floats {
		if rec[f.col] == "" && f.col != 0 {
			*f.v = math.NaN()
			continue
		}
		v, err := strconv.ParseFloat(rec[f.col], 64)
		if err != nil {
			return s, fmt.Errorf("%s: %w", Header[f.col], err)
		}
		*f.v = v
	}
	ints := []struct {
		col int
		v   *int
	}{{5, &s.Desired}, {6, &s.Current}}
	for _, i := range ints {
		v, err := strconv.Atoi(rec[i.col])
		if err != nil {
			return s, fmt.Errorf("%s: %w", Header[i.col], err)
		}
		*i.v = v
	}
	return s, nil
}
