// Command mlpipeline-fn is a KRM function that turns an MLPipeline into a
// Deployment, an autoscaling/v2 HorizontalPodAutoscaler, a
// PodDisruptionBudget and, for a container with ports, a Service. It runs
// as a KRM function (a ResourceList on stdin) or renders files standalone;
// package fn holds the command. See README.md.
package main

import (
	"os"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if err := fn.NewCommand(version).Execute(); err != nil {
		os.Exit(1)
	}
}
