// Command identity is the benchmark baseline: a kyaml KRM function, built
// from the same kyaml version and the same command.Build entry point as
// mlpipeline-fn, whose processor changes nothing. Whatever it costs is the
// floor of any comment-preserving kyaml function (yaml.v3 parse + encode).
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
)

func main() {
	nop := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	if err := command.Build(nop, command.StandaloneEnabled, false).Execute(); err != nil {
		os.Exit(1)
	}
}
