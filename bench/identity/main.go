// Command identity is the benchmark baseline: a kyaml function that changes
// nothing (see bench/nopfn). Whatever it costs is the floor of any
// comment-preserving kyaml function (yaml.v3 parse + encode).
package main

import "github.com/mlpipeline-dev/mlpipeline-fn/bench/nopfn"

func main() { nopfn.Main() }
