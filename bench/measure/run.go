package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// sample is one process run.
type sample struct {
	wall, cpu time.Duration
	rssKB     int64
}

// run executes argv with stdin from in and stdout to out, and fails on a
// non-zero exit: a failing function would make any timing meaningless.
//
// CPU time is wait4(2)'s, which on Linux covers the process and every
// descendant it waited for: for `kustomize build --enable-exec` that is
// kustomize and the function it ran. Peak RSS is the largest of them.
func run(in, out string, argv ...string) (sample, error) {
	stdin, err := os.Open(in)
	if err != nil {
		return sample{}, err
	}
	defer stdin.Close()
	stdout, err := os.Create(out)
	if err != nil {
		return sample{}, err
	}
	defer stdout.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%v < %s: %v\n%s", argv, in, err, tail(stderr.Bytes()))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return sample{
		wall:  wall,
		cpu:   cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		rssKB: ru.Maxrss, // kilobytes on Linux
	}, nil
}

// tail keeps error output short: 1,000 results could be megabytes.
func tail(b []byte) []byte {
	if len(b) > 2000 {
		return append([]byte("..."), b[len(b)-2000:]...)
	}
	return b
}

// summary holds the medians of a case's samples.
type summary struct {
	wall, cpu time.Duration
	rssKB     int64
}

func summarize(s []sample) summary {
	return summary{
		wall:  median(s, func(x sample) time.Duration { return x.wall }),
		cpu:   median(s, func(x sample) time.Duration { return x.cpu }),
		rssKB: median(s, func(x sample) int64 { return x.rssKB }),
	}
}

func median[T int64 | time.Duration](s []sample, f func(sample) T) T {
	v := make([]T, len(s))
	for i, x := range s {
		v[i] = f(x)
	}
	return mid(v)
}

// pairedRatio is the median over rounds of f(fn run) / f(identity run).
func pairedRatio(fn, id []sample, f func(sample) float64) float64 {
	r := make([]float64, len(fn))
	for i := range fn {
		r[i] = f(fn[i]) / f(id[i])
	}
	return mid(r)
}

// mid sorts v and returns its median.
func mid[T int64 | time.Duration | float64](v []T) T {
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
