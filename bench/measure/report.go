package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/mlpipeline-dev/mlpipeline-fn/bench"
)

// target is one of issue 13's limits, checked against the tables.
type target struct {
	name     string
	measured float64
	limit    float64
	// cpu is the same ratio on CPU time, shown beside a wall-time target:
	// on a loaded machine wall time is mostly waiting for a core. 0: none.
	cpu float64
}

func render(m measured, loadStart, loadEnd string, took time.Duration) (string, bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "## Process benchmarks: %s, %d cores, %s/%s, %s\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&b, "Whole-process runs after one warm-up each, function and baseline alternating in every round. "+
		"Times and RSS are medians; ratios are medians of the per-round function/baseline ratios; "+
		"CPU is user+system of the process and every process it waited for (the Go GC runs on both cores). "+
		"1-minute load average %s at start, %s at end; measuring took %s.\n\n", loadStart, loadEnd, took.Round(time.Second))
	if len(m.kustomize) > 0 {
		b.WriteString("What a user runs: `kustomize build --enable-alpha-plugins --enable-exec` of kustomization-example/exec, " +
			"its generator exec'ing the function, against the same kustomization exec'ing the kyaml identity (bench/identity); " +
			"CPU covers kustomize and the function it ran:\n\n")
		table(&b, m.kustomize, "identity")
		b.WriteString("\n")
	}
	if len(m.startUp) > 0 {
		b.WriteString("Start-up against the identity that also links the k8s.io/api and apimachinery packages the function uses " +
			"(bench/identityk8s): what is left is the function's own start-up and work. Reported, no limit:\n\n")
		table(&b, m.startUp, "identity+k8s")
		b.WriteString("\n")
	}
	if len(m.scale) > 0 {
		b.WriteString("Size and scaling against the kyaml identity (bench/identity):\n\n")
		table(&b, m.scale, "identity")
	}
	ok := targets(&b, m)
	if len(m.noise) > 0 {
		b.WriteString("\nNoise floor: the identity function measured against itself the same way. " +
			"A function/identity ratio this far from 1.00 says nothing about the function.\n\n")
		table(&b, m.noise, "identity")
	}
	return b.String(), ok
}

// find returns the row of the case that f picks, if it was measured.
func find(rows []row, f func(bench.Case) bool) (row, bool) {
	for _, r := range rows {
		if f(r.Case) {
			return r, true
		}
	}
	return row{}, false
}

// targets writes the generation cost, the scaling and the PASS/FAIL table
// of every target whose cases were measured (all of them unless -only).
func targets(b *strings.Builder, m measured) bool {
	var limits []target
	if len(m.kustomize) > 0 {
		limits = append(limits, target{"kustomize build: CPU of kustomize + function / kustomize + identity", m.kustomize[0].cpuRatio, 1.35, 0})
	}
	big, haveBig := find(m.scale, func(c bench.Case) bool { return c.Items == 10000 })
	mid, haveMid := find(m.scale, func(c bench.Case) bool { return c.Items == 1000 })
	gen, haveGen := find(m.scale, func(c bench.Case) bool { return c.IdentityOnFnOutput })
	if haveBig {
		limits = append(limits,
			target{"10,000 items + 10 MLPipelines: wall, function / identity", big.wallRatio, 1.10, big.cpuRatio},
			target{"10,000 items + 10 MLPipelines: peak RSS, function / identity", big.rssRatio, 1.10, 0})
	}
	if haveGen {
		limits = append(limits, target{"1,000 MLPipelines: wall, function / identity on the function's output", gen.wallRatio, 1.5, gen.cpuRatio})
		fmt.Fprintf(b, "\nK = 1,000 generation cost: the function takes %s to turn %s of MLPipelines into %s; "+
			"the identity function takes %s to read and write that output (%.2f×).\n",
			dur(gen.fn.wall), bytesStr(gen.fnBytes), bytesStr(gen.idBytes), dur(gen.id.wall), gen.wallRatio)
	}
	if len(m.linear) == 2 {
		fn, id := m.linear[0], m.linear[1]
		limits = append(limits, target{"linear: function wall at 10,000 items / at 1,000 items (paired)", fn.wallRatio, 11, fn.cpuRatio})
		fmt.Fprintf(b, "\nScaling from 1,000 to 10,000 items, each binary against itself in paired rounds: "+
			"function wall ×%.2f, CPU ×%.2f (%d rounds); identity wall ×%.2f, CPU ×%.2f (%d rounds).\n",
			fn.wallRatio, fn.cpuRatio, fn.runs, id.wallRatio, id.cpuRatio, id.runs)
	}
	if haveBig && haveMid {
		// Unpaired (the two cases ran a minute apart), for the identity too.
		fmt.Fprintf(b, "\nThe same from the two cases' medians: function wall ×%.2f, CPU ×%.2f; identity wall ×%.2f, CPU ×%.2f.\n",
			ratio(big.fn.wall, mid.fn.wall), ratio(big.fn.cpu, mid.fn.cpu), ratio(big.id.wall, mid.id.wall), ratio(big.id.cpu, mid.id.cpu))
	}
	if len(limits) == 0 {
		return true
	}
	b.WriteString("\n| target | measured | limit | result | the same on CPU time |\n|---|---|---|---|---|\n")
	ok := true
	for _, t := range limits {
		res := "PASS"
		if !(t.measured <= t.limit) {
			res, ok = "FAIL", false
		}
		cpu := ""
		if t.cpu != 0 {
			cpu = fmt.Sprintf("%.2f", t.cpu)
		}
		fmt.Fprintf(b, "| %s | %.2f | ≤ %.2f | %s | %s |\n", t.name, t.measured, t.limit, res, cpu)
	}
	return ok
}

// table writes one markdown row per case; base names the baseline binary.
func table(b *strings.Builder, rows []row, base string) {
	fmt.Fprintf(b, "| input | input bytes (fn / %[1]s) | runs each | function wall | %[1]s wall | ratio | function CPU | %[1]s CPU | CPU ratio | function RSS | %[1]s RSS | RSS ratio |\n", base)
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		idBytes := "same"
		if r.idBytes != r.fnBytes {
			idBytes = bytesStr(r.idBytes)
		}
		fmt.Fprintf(b, "| %s | %s / %s | %d | %s | %s | %.2f | %s | %s | %.2f | %s | %s | %.2f |\n",
			r.Label, bytesStr(r.fnBytes), idBytes, r.runs,
			dur(r.fn.wall), dur(r.id.wall), r.wallRatio,
			dur(r.fn.cpu), dur(r.id.cpu), r.cpuRatio,
			mb(r.fn.rssKB), mb(r.id.rssKB), r.rssRatio)
	}
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func dur(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mb(kb int64) string { return fmt.Sprintf("%.0f MB", float64(kb)/1024) }

func bytesStr(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
