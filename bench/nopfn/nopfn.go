// Package nopfn is the benchmark baseline's whole program: a kyaml KRM
// function, built with the same kyaml version and the same command.Build
// entry point as mlpipeline-fn, whose processor changes nothing. It imports
// nothing but kyaml, so linking it adds nothing to the baseline.
package nopfn

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
)

// Main runs the identity function and exits 1 on error.
func Main() {
	nop := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	if err := command.Build(nop, command.StandaloneEnabled, false).Execute(); err != nil {
		os.Exit(1)
	}
}
