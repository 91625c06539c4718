// Command gen writes a deterministic benchmark ResourceList to stdout:
//
//	go run ./bench/gen -items 10000 -pipelines 10 > in.yaml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mlpipeline-dev/mlpipeline-fn/bench"
)

func main() {
	items := flag.Int("items", 10, "pass-through items (Deployments, Services, ConfigMaps)")
	pipelines := flag.Int("pipelines", 1, "MLPipeline items")
	flag.Parse()
	if *items < 0 || *pipelines < 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen [-items N] [-pipelines K] > resourcelist.yaml")
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(bench.ResourceList(*items, *pipelines)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
