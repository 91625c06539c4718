package objects

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// Build makes the typed objects of a pipeline, the Deployment first. The
// builders expect a pipeline that passed validation; the server's checks
// run on what they make of one that did not, so a builder's panic on such
// a pipeline is an error here, reported after the validation errors.
func Build(p *v1alpha1.MLPipeline, resolved defaults.Settings) (objects []runtime.Object, err error) {
	defer func() {
		if r := recover(); r != nil {
			objects, err = nil, fmt.Errorf("internal error building the objects: %v", r)
		}
	}()
	objects = []runtime.Object{deployment(p, resolved)}
	switch {
	case resolved.Autoscaling && resolved.Engine == v1alpha1.EngineKEDA:
		objects = append(objects, scaledObject(p, resolved))
	case resolved.Autoscaling:
		objects = append(objects, HPA(p, resolved))
	}
	if resolved.PDB {
		objects = append(objects, pdb(p, resolved))
	}
	if resolved.Service {
		objects = append(objects, service(p, resolved))
	}
	return objects, nil
}
