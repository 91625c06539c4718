// Command measure times mlpipeline-fn against the kyaml identity function as
// whole processes, alternating the two in every round so that load from other
// work on the machine hits both alike, and prints a markdown table of median
// wall time, CPU time and peak RSS with PASS/FAIL per target of issue 5.
//
//	measure -fn bin/mlpipeline-fn -identity DIR/identity -work DIR -out out/bench/results.md
//
// Peak RSS is wait4(2)'s ru_maxrss, the number GNU `time -v` prints as
// "Maximum resident set size"; reading it here avoids time(1)'s 10 ms wall
// clock resolution, which is too coarse for the few-millisecond start-up cases.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlpipeline-dev/mlpipeline-fn/bench"
)

func main() {
	fnBin := flag.String("fn", "bin/mlpipeline-fn", "the function binary")
	idBin := flag.String("identity", "", "the identity function binary (baseline)")
	k8sBin := flag.String("identity-k8s", "", "optional: the identity function linking the k8s.io/api packages, as a second start-up baseline")
	work := flag.String("work", "", "directory for generated inputs")
	out := flag.String("out", "", "also write the markdown here")
	budget := flag.Duration("budget", 10*time.Second, "wall time to spend per case after the warm-up")
	minRuns := flag.Int("min-runs", 7, "fewest timed runs of each binary per case")
	maxRuns := flag.Int("max-runs", 51, "most timed runs of each binary per case")
	only := flag.String("only", "", "measure only the cases whose label contains this (for development; no targets are checked)")
	flag.Parse()
	if *idBin == "" || *work == "" {
		fmt.Fprintln(os.Stderr, "usage: measure -fn BIN -identity BIN -work DIR [-out FILE]")
		os.Exit(2)
	}
	r := runner{fn: *fnBin, identity: *idBin, identityK8s: *k8sBin, work: *work, budget: *budget, minRuns: *minRuns, maxRuns: *maxRuns, only: *only}
	report, ok, err := r.all()
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
	w := io.Writer(os.Stdout)
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "measure:", err)
			os.Exit(1)
		}
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "measure:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	fmt.Fprint(w, report)
	if !ok {
		// Deferred Close does not run on os.Exit; the report is already written.
		os.Exit(3)
	}
}

type runner struct {
	fn, identity, identityK8s, work string
	budget                          time.Duration
	minRuns, maxRuns                int
	only                            string
}

// row is the outcome of one case.
type row struct {
	bench.Case
	fnBytes, idBytes int64
	runs             int
	fn, id           summary
	// The ratios are medians of the per-round function/identity ratios: the
	// two runs of a round see the same load, so pairing them cancels load
	// that drifts between rounds better than a ratio of medians does.
	wallRatio, cpuRatio, rssRatio float64
}

func (r runner) all() (string, bool, error) {
	if err := os.MkdirAll(r.work, 0o755); err != nil {
		return "", false, err
	}
	load0 := loadAvg()
	start := time.Now()
	var rows, floor, noise []row
	for _, c := range bench.Cases {
		if !strings.Contains(c.Label, r.only) {
			continue
		}
		fmt.Fprintf(os.Stderr, "measure: %s ...\n", c.Label)
		rw, err := r.one(c, r.fn, r.identity)
		if err != nil {
			return "", false, fmt.Errorf("%s: %w", c.Label, err)
		}
		rows = append(rows, rw)
		// The biggest case once more with the identity on both sides: how far
		// from 1.00 a ratio lands by chance (GC pacing, page faults, neighbours).
		if c.Items == 10000 {
			fmt.Fprintf(os.Stderr, "measure: %s, identity against itself ...\n", c.Label)
			rw, err := r.one(c, r.identity, r.identity)
			if err != nil {
				return "", false, fmt.Errorf("%s: %w", c.Label, err)
			}
			rw.Label += ", identity in the function's column"
			noise = append(noise, rw)
		}
		// The start-up cases again, against the floor of the k8s.io/api packages.
		if r.identityK8s != "" && c.Items+c.Pipelines <= 11 {
			fmt.Fprintf(os.Stderr, "measure: %s, identity linking k8s.io/api ...\n", c.Label)
			rw, err := r.one(c, r.fn, r.identityK8s)
			if err != nil {
				return "", false, fmt.Errorf("%s: %w", c.Label, err)
			}
			floor = append(floor, rw)
		}
	}
	report, ok := render(rows, floor, noise, load0, loadAvg(), time.Since(start))
	return report, ok, nil
}

// one measures fn against the baseline binary on case c.
func (r runner) one(c bench.Case, fn, baseline string) (row, error) {
	in := filepath.Join(r.work, fmt.Sprintf("in-%d-%d.yaml", c.Items, c.Pipelines))
	if err := os.WriteFile(in, bench.ResourceList(c.Items, c.Pipelines), 0o644); err != nil {
		return row{}, err
	}
	idIn := in
	// The first function run doubles as its warm-up; its output is kept so
	// the generation case can feed it to the identity function.
	fnOut := filepath.Join(r.work, fmt.Sprintf("out-%d-%d.yaml", c.Items, c.Pipelines))
	fnWarm, err := run(fn, in, fnOut)
	if err != nil {
		return row{}, err
	}
	if c.IdentityOnFnOutput {
		idIn = fnOut
	}
	idWarm, err := run(baseline, idIn, os.DevNull)
	if err != nil {
		return row{}, err
	}
	n := int(r.budget / (fnWarm.wall + idWarm.wall + time.Millisecond))
	n = max(r.minRuns, min(r.maxRuns, n))
	var fnS, idS []sample
	for i := range n {
		// Swap the order every round (ABBA...) so neither binary always runs
		// right after the other one has warmed the page cache or the CPU.
		order := []bool{true, false}
		if i%2 == 1 {
			order = []bool{false, true}
		}
		for _, isFn := range order {
			if isFn {
				s, err := run(fn, in, os.DevNull)
				if err != nil {
					return row{}, err
				}
				fnS = append(fnS, s)
			} else {
				s, err := run(baseline, idIn, os.DevNull)
				if err != nil {
					return row{}, err
				}
				idS = append(idS, s)
			}
		}
	}
	return row{
		Case: c, fnBytes: size(in), idBytes: size(idIn), runs: n,
		fn: summarize(fnS), id: summarize(idS),
		wallRatio: pairedRatio(fnS, idS, func(x sample) float64 { return float64(x.wall) }),
		cpuRatio:  pairedRatio(fnS, idS, func(x sample) float64 { return float64(x.cpu) }),
		rssRatio:  pairedRatio(fnS, idS, func(x sample) float64 { return float64(x.rssKB) }),
	}, nil
}

func size(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// loadAvg returns the 1-minute load average, to show how quiet the machine was.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
