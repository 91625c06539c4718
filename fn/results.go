package fn

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/validation"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/yamlnode"
)

// origin says where an object came from, for results: its identity and the
// file and index the orchestrator read it from.
type origin struct {
	ref  yaml.ResourceIdentifier
	file *framework.File
	// annotatedPath is the file the orchestrator says the object lives in;
	// empty for a standalone config file, whose name is only for messages.
	annotatedPath string
}

// originOf reads the identity and file annotations of a node. defaultFile is
// used when the node carries no path (a standalone config file).
func originOf(node *yaml.RNode, defaultFile string) origin {
	o := origin{ref: yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: node.GetApiVersion(), Kind: node.GetKind()},
		NameMeta: yaml.NameMeta{Name: node.GetName(), Namespace: node.GetNamespace()},
	}}
	if name, namespace, ok := yamlnode.NameMeta(node.YNode()); ok {
		o.ref.Name, o.ref.Namespace = name, namespace
	}
	path, index, _ := kioutil.GetFileAnnotations(node)
	o.annotatedPath = path
	if path == "" {
		path = defaultFile
	}
	if path != "" {
		o.file = &framework.File{Path: path}
		if _, err := fmt.Sscan(index, &o.file.Index); err != nil {
			o.file.Index = 0
		}
	}
	return o
}

func (o origin) result(severity framework.Severity, fe validation.Finding) *framework.Result {
	r := &framework.Result{Severity: severity, Message: fe.Message, File: o.file}
	// An object without apiVersion, kind or name ({}) has no reference.
	if o.ref != (yaml.ResourceIdentifier{}) {
		ref := o.ref
		r.ResourceRef = &ref
	}
	if fe.Path != "" {
		r.Field = &framework.Field{Path: fe.Path}
	}
	return r
}

func (o origin) results(severity framework.Severity, errs []validation.Finding) framework.Results {
	out := make(framework.Results, 0, len(errs))
	for _, fe := range errs {
		out = append(out, o.result(severity, fe))
	}
	return out
}

// errorResults turns validation and decoding errors into results: the one
// place a field.ErrorList becomes what users see. The message is the
// error's body as the API server words it ("Invalid value: ...",
// "Required value: ..."), and the field its path.
func (o origin) errorResults(list field.ErrorList) framework.Results {
	out := make(framework.Results, 0, len(list))
	for _, e := range list {
		out = append(out, o.result(framework.Error, validation.Finding{Path: e.Field, Message: e.ErrorBody()}))
	}
	return out
}

func hasErrors(rs framework.Results) bool {
	return rs.ExitCode() != 0
}
