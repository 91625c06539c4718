// Command identityk8s is the identity function of bench/identity that also
// links (and so initialises) the Kubernetes API packages mlpipeline-fn builds
// its outputs with, without using them. It is the start-up floor of any
// function built on typed k8s.io/api objects: comparing mlpipeline-fn with it
// separates the function's own start-up cost from the price of those
// dependencies. Keep the import list in step with fn/'s non-kyaml imports.
package main

import (
	_ "k8s.io/api/apps/v1"
	_ "k8s.io/api/autoscaling/v2"
	_ "k8s.io/api/core/v1"
	_ "k8s.io/api/policy/v1"
	_ "k8s.io/apimachinery/pkg/api/resource"
	_ "k8s.io/apimachinery/pkg/api/validation"
	_ "k8s.io/apimachinery/pkg/apis/meta/v1"
	_ "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	_ "k8s.io/apimachinery/pkg/util/intstr"
	_ "k8s.io/apimachinery/pkg/util/validation"
	_ "k8s.io/utils/ptr"
	_ "sigs.k8s.io/json"

	"github.com/mlpipeline-dev/mlpipeline-fn/bench/nopfn"
)

func main() { nopfn.Main() }
