package serverside

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	serviceapi "k8s.io/kubernetes/pkg/api/service"
	"k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/apis/core/validation"
)

// serviceStrategy is the create half of the Service registry's strategy
// (pkg/registry/core/service, strategy.go), built from the same exported
// validation and warnings. That package also holds the Service's storage
// and proxy, which pull in the etcd client and gRPC: importing it made the
// function's binary 49 MB instead of 21 MB (see docs/performance.md).
// Its PrepareForCreate clears the status and drops no field at v1.37.
type serviceStrategy struct{}

var _ rest.RESTCreateStrategy = serviceStrategy{}

func (serviceStrategy) ObjectKinds(obj runtime.Object) ([]schema.GroupVersionKind, bool, error) {
	return legacyscheme.Scheme.ObjectKinds(obj)
}

func (serviceStrategy) Recognizes(gvk schema.GroupVersionKind) bool {
	return legacyscheme.Scheme.Recognizes(gvk)
}

func (serviceStrategy) GenerateName(base string) string {
	return names.SimpleNameGenerator.GenerateName(base)
}

func (serviceStrategy) NamespaceScoped() bool { return true }

func (serviceStrategy) PrepareForCreate(_ context.Context, obj runtime.Object) {
	obj.(*core.Service).Status = core.ServiceStatus{}
}

func (serviceStrategy) Validate(_ context.Context, obj runtime.Object) field.ErrorList {
	return validation.ValidateServiceCreate(obj.(*core.Service))
}

func (serviceStrategy) WarningsOnCreate(_ context.Context, obj runtime.Object) []string {
	return serviceapi.GetWarningsForService(obj.(*core.Service), nil)
}

func (serviceStrategy) Canonicalize(runtime.Object) {}
