// Command measure times mlpipeline-fn against kyaml identity functions as
// whole processes, alternating the two in every round so that load from other
// work on the machine hits both alike, and prints a markdown table of median
// wall time, CPU time and peak RSS with PASS/FAIL per target (issue 13):
//
//   - start-up (empty list, 10 items) against bench/identityk8s, the identity
//     that links the same k8s.io/api packages: reported, no limit;
//
//   - a real `kustomize build --enable-alpha-plugins --enable-exec` of
//     kustomization-example/exec, once with the function and once with the
//     identity as the exec generator: CPU of the whole process tree ≤ 1.35;
//
//   - 10,000 items, 1,000 MLPipelines and linearity against bench/identity.
//
//     measure -fn bin/mlpipeline-fn -identity DIR/identity -identity-k8s DIR/identityk8s \
//     -kustomize bin/kustomize -work DIR -out out/bench/results.md
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
	k8sBin := flag.String("identity-k8s", "", "the identity function linking the k8s.io/api packages: the start-up baseline")
	kustomize := flag.String("kustomize", "bin/kustomize", "the kustomize binary for the kustomize build case")
	kustomization := flag.String("kustomization", "kustomization-example/exec", "the exec kustomization the kustomize build case copies")
	work := flag.String("work", "", "directory for generated inputs")
	out := flag.String("out", "", "also write the markdown here")
	budget := flag.Duration("budget", 10*time.Second, "wall time to spend per case after the warm-up")
	minRuns := flag.Int("min-runs", 7, "fewest timed runs of each binary per case")
	maxRuns := flag.Int("max-runs", 51, "most timed runs of each binary per case")
	only := flag.String("only", "", "measure only the cases whose label contains this (for development; only the targets of those cases are checked)")
	flag.Parse()
	if *idBin == "" || *k8sBin == "" || *work == "" {
		fmt.Fprintln(os.Stderr, "usage: measure -fn BIN -identity BIN -identity-k8s BIN -work DIR [-kustomize BIN] [-kustomization DIR] [-out FILE]")
		os.Exit(2)
	}
	r := runner{fn: *fnBin, identity: *idBin, identityK8s: *k8sBin, kustomize: *kustomize, kustomization: *kustomization,
		work: *work, budget: *budget, minRuns: *minRuns, maxRuns: *maxRuns, only: *only}
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
	fn, identity, identityK8s      string
	kustomize, kustomization, work string
	budget                         time.Duration
	minRuns, maxRuns               int
	only                           string
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

// kustomizeLabel names the kustomize build case; -only matches it too.
const kustomizeLabel = "kustomize build of kustomization-example/exec"

// measured holds every table of the report.
type measured struct {
	startUp   []row // against the identity linking k8s.io/api
	scale     []row // against the kyaml identity
	noise     []row // the kyaml identity against itself
	kustomize []row // kustomize with the function against kustomize with the identity
	// linear is the function on 10,000 items paired with itself on 1,000, so
	// that load drifting between the two cases cancels as in the others;
	// then the same for the identity.
	linear []row
}

func (r runner) all() (string, bool, error) {
	if err := os.MkdirAll(r.work, 0o755); err != nil {
		return "", false, err
	}
	load0 := loadAvg()
	start := time.Now()
	var m measured
	for _, c := range bench.Cases {
		if !strings.Contains(c.Label, r.only) {
			continue
		}
		// Start-up is compared with the identity that pays the same price
		// for linking k8s.io/api: what is left is the function's own cost.
		baseline, list := r.identity, &m.scale
		if startUp(c) {
			baseline, list = r.identityK8s, &m.startUp
		}
		fmt.Fprintf(os.Stderr, "measure: %s ...\n", c.Label)
		rw, err := r.one(c, r.fn, baseline)
		if err != nil {
			return "", false, fmt.Errorf("%s: %w", c.Label, err)
		}
		*list = append(*list, rw)
		// The biggest case once more with the identity on both sides: how far
		// from 1.00 a ratio lands by chance (GC pacing, page faults, neighbours).
		if c.Items == 10000 {
			fmt.Fprintf(os.Stderr, "measure: %s, identity against itself ...\n", c.Label)
			rw, err := r.one(c, r.identity, r.identity)
			if err != nil {
				return "", false, fmt.Errorf("%s: %w", c.Label, err)
			}
			rw.Label += ", identity in the function's column"
			m.noise = append(m.noise, rw)
		}
	}
	if big, ok := find(m.scale, func(c bench.Case) bool { return c.Items == 10000 }); ok {
		if mid, ok := find(m.scale, func(c bench.Case) bool { return c.Items == 1000 }); ok {
			fmt.Fprintf(os.Stderr, "measure: linearity, %s against %s ...\n", big.Label, mid.Label)
			// The function first (the target), then the identity: how
			// linear the floor itself is.
			for _, bin := range []string{r.fn, r.identity} {
				rw, err := r.scaling(bin, big.Case, mid.Case)
				if err != nil {
					return "", false, fmt.Errorf("linearity: %w", err)
				}
				m.linear = append(m.linear, rw)
			}
		}
	}
	if strings.Contains(kustomizeLabel, r.only) {
		fmt.Fprintf(os.Stderr, "measure: %s ...\n", kustomizeLabel)
		rw, err := r.kustomizeBuild()
		if err != nil {
			return "", false, fmt.Errorf("%s: %w", kustomizeLabel, err)
		}
		m.kustomize = append(m.kustomize, rw)
	}
	report, ok := render(m, load0, loadAvg(), time.Since(start))
	return report, ok, nil
}

// startUp tells the cases where process start-up dominates.
func startUp(c bench.Case) bool { return c.Items+c.Pipelines <= 11 }

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
	if _, err := run(in, fnOut, fn); err != nil {
		return row{}, err
	}
	if c.IdentityOnFnOutput {
		idIn = fnOut
	}
	rw, err := r.pair(
		func() (sample, error) { return run(in, os.DevNull, fn) },
		func() (sample, error) { return run(idIn, os.DevNull, baseline) },
		r.budget, r.maxRuns)
	rw.Case, rw.fnBytes, rw.idBytes = c, size(in), size(idIn)
	return rw, err
}

// scaling runs bin on big's input and on small's, paired in rounds like fn
// and identity elsewhere: the ratios are how much longer the bigger input
// takes.
func (r runner) scaling(bin string, big, small bench.Case) (row, error) {
	bigIn := filepath.Join(r.work, fmt.Sprintf("in-%d-%d.yaml", big.Items, big.Pipelines))
	smallIn := filepath.Join(r.work, fmt.Sprintf("in-%d-%d.yaml", small.Items, small.Pipelines))
	rw, err := r.pair(
		func() (sample, error) { return run(bigIn, os.DevNull, bin) },
		func() (sample, error) { return run(smallIn, os.DevNull, bin) },
		r.budget, r.maxRuns)
	rw.Case = big
	rw.Label = fmt.Sprintf("%s: %s against %s", filepath.Base(bin), big.Label, small.Label)
	rw.fnBytes, rw.idBytes = size(bigIn), size(smallIn)
	return rw, err
}

// kustomizeBuild runs `kustomize build --enable-alpha-plugins --enable-exec`
// on two copies of r.kustomization: one whose generator execs the function,
// one whose generator execs the kyaml identity. kustomize, its plugin
// machinery and both processes are what a user waits for.
func (r runner) kustomizeBuild() (row, error) {
	var dirs [2]string
	for i, bin := range []string{r.fn, r.identity} {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return row{}, err
		}
		dirs[i] = filepath.Join(r.work, fmt.Sprintf("kustomization-%d", i))
		if err := copyKustomization(r.kustomization, dirs[i], abs); err != nil {
			return row{}, err
		}
	}
	build := func(dir, out string) (sample, error) {
		return run(os.DevNull, out, r.kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	}
	// Warm-up, and a check that the function's build really generated the
	// objects: timing a build that ran nothing would pass any target.
	fnOut := filepath.Join(r.work, "kustomize-fn.yaml")
	if _, err := build(dirs[0], fnOut); err != nil {
		return row{}, err
	}
	got, err := os.ReadFile(fnOut)
	if err != nil {
		return row{}, err
	}
	for _, kind := range []string{"Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"} {
		if !strings.Contains(string(got), "\nkind: "+kind+"\n") {
			return row{}, fmt.Errorf("kustomize build of %s printed no %s:\n%s", dirs[0], kind, got)
		}
	}
	if _, err := build(dirs[1], os.DevNull); err != nil {
		return row{}, err
	}
	// A CPU ratio near 1 needs many rounds to settle: twice the budget and
	// twice the rounds of the other cases.
	rw, err := r.pair(
		func() (sample, error) { return build(dirs[0], os.DevNull) },
		func() (sample, error) { return build(dirs[1], os.DevNull) },
		2*r.budget, 2*r.maxRuns)
	rw.Label, rw.fnBytes, rw.idBytes = kustomizeLabel, size(filepath.Join(dirs[0], "mlpipeline.yaml")), size(filepath.Join(dirs[1], "mlpipeline.yaml"))
	return rw, err
}

// copyKustomization copies the kustomization.yaml and mlpipeline.yaml of
// src into dst, with the generator's exec path replaced by bin.
func copyKustomization(src, dst, bin string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	k, err := os.ReadFile(filepath.Join(src, "kustomization.yaml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dst, "kustomization.yaml"), k, 0o644); err != nil {
		return err
	}
	p, err := os.ReadFile(filepath.Join(src, "mlpipeline.yaml"))
	if err != nil {
		return err
	}
	const path = "path: ../../bin/mlpipeline-fn"
	if n := strings.Count(string(p), path); n != 1 {
		return fmt.Errorf("%s/mlpipeline.yaml: want one %q, found %d", src, path, n)
	}
	p = []byte(strings.Replace(string(p), path, "path: "+bin, 1))
	return os.WriteFile(filepath.Join(dst, "mlpipeline.yaml"), p, 0o644)
}

// pair runs fn and id once each to warm up and to size the rounds, then in
// rounds until budget is spent (at least r.minRuns, at most maxRuns).
func (r runner) pair(fn, id func() (sample, error), budget time.Duration, maxRuns int) (row, error) {
	fnWarm, err := fn()
	if err != nil {
		return row{}, err
	}
	idWarm, err := id()
	if err != nil {
		return row{}, err
	}
	n := int(budget / (fnWarm.wall + idWarm.wall + time.Millisecond))
	n = max(r.minRuns, min(maxRuns, n))
	var fnS, idS []sample
	for i := range n {
		// Swap the order every round (ABBA...) so neither binary always runs
		// right after the other one has warmed the page cache or the CPU.
		type side struct {
			run  func() (sample, error)
			into *[]sample
		}
		order := []side{{fn, &fnS}, {id, &idS}}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, sd := range order {
			s, err := sd.run()
			if err != nil {
				return row{}, err
			}
			*sd.into = append(*sd.into, s)
		}
	}
	return row{
		runs: n, fn: summarize(fnS), id: summarize(idS),
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
