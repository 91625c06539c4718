package apiserver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// answer is the server's reply to one request about one object.
type answer struct {
	request  string // "apply (dry run) Deployment x", "create (dry run) Pod x-from-template"
	warnings []string
	err      error
}

func (a answer) clean() bool { return a.err == nil && len(a.warnings) == 0 }

func (a answer) String() string {
	switch {
	case a.err != nil:
		return a.request + ": refused: " + a.err.Error()
	case len(a.warnings) > 0:
		return a.request + ": warned: " + strings.Join(a.warnings, "; ")
	}
	return a.request + ": accepted"
}

// answers are a case's replies, in request order.
type answers []answer

func (as answers) clean() bool {
	for _, a := range as {
		if !a.clean() {
			return false
		}
	}
	return true
}

// problems lists the replies that are not clean.
func (as answers) problems() string {
	var out []string
	for _, a := range as {
		if !a.clean() {
			out = append(out, a.String())
		}
	}
	return strings.Join(out, "\n")
}

// localConfig is the annotation with which kustomize and kpt leave an
// object out of what they deploy.
const localConfig = "config.kubernetes.io/local-config"

// fieldManager names the test as the owner of the fields it applies.
const fieldManager = "mlpipeline-e2e"

// applyAll server-side applies objs into namespace ns, as `kubectl apply
// --server-side --validate=strict` does: every object as a dry run first,
// then for real. An object refused in the dry run is not applied.
func (c *cluster) applyAll(ctx context.Context, ns string, objs []*unstructured.Unstructured) answers {
	var out answers
	var deploy []*unstructured.Unstructured
	for _, obj := range objs {
		if obj.GetAnnotations()[localConfig] == "true" {
			continue
		}
		a := c.apply(ctx, ns, obj, true)
		out = append(out, a)
		if a.err == nil {
			deploy = append(deploy, obj)
		}
	}
	for _, obj := range deploy {
		out = append(out, c.apply(ctx, ns, obj, false))
	}
	return out
}

// apply server-side applies one object (a dry run if dryRun) with strict
// field validation and records the server's warnings for it.
func (c *cluster) apply(ctx context.Context, ns string, obj *unstructured.Unstructured, dryRun bool) answer {
	opts := metav1.PatchOptions{FieldManager: fieldManager, FieldValidation: "Strict", DryRun: dryRunOption(dryRun)}
	return c.send(ctx, "apply", ns, obj, dryRun, func(ctx context.Context, client dynamic.ResourceInterface, obj *unstructured.Unstructured) error {
		body, err := obj.MarshalJSON()
		if err == nil {
			_, err = client.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, opts)
		}
		return err
	})
}

// create creates one object (a dry run if dryRun) with strict field
// validation and records the server's warnings for it.
func (c *cluster) create(ctx context.Context, ns string, obj *unstructured.Unstructured, dryRun bool) answer {
	opts := metav1.CreateOptions{FieldManager: fieldManager, FieldValidation: "Strict", DryRun: dryRunOption(dryRun)}
	return c.send(ctx, "create", ns, obj, dryRun, func(ctx context.Context, client dynamic.ResourceInterface, obj *unstructured.Unstructured) error {
		_, err := client.Create(ctx, obj, opts)
		return err
	})
}

// send makes one request about obj in namespace ns and records the
// server's answer: its warnings and its error.
func (c *cluster) send(ctx context.Context, verb, ns string, obj *unstructured.Unstructured, dryRun bool,
	request func(context.Context, dynamic.ResourceInterface, *unstructured.Unstructured) error,
) answer {
	a := answer{request: verb + " " + describe(obj)}
	if dryRun {
		a.request = verb + " (dry run) " + describe(obj)
	}
	client, obj, err := c.resourceFor(ns, obj)
	if err != nil {
		a.err = err
		return a
	}
	a.warnings, a.err = recordWarnings(ctx, func(ctx context.Context) error { return request(ctx, client, obj) })
	return a
}

func dryRunOption(dryRun bool) []string {
	if dryRun {
		return []string{metav1.DryRunAll}
	}
	return nil
}

// resourceFor finds the client for obj's resource and returns obj in
// namespace ns if its kind is namespaced (a copy: the caller's is kept).
func (c *cluster) resourceFor(ns string, obj *unstructured.Unstructured) (dynamic.ResourceInterface, *unstructured.Unstructured, error) {
	m, err := c.mapping(obj.GetAPIVersion(), obj.GetKind())
	if err != nil {
		return nil, nil, fmt.Errorf("finding the resource of %s: %w", describe(obj), err)
	}
	if m.Scope.Name() != "namespace" {
		return c.dynamic.Resource(m.Resource), obj, nil
	}
	obj = obj.DeepCopy()
	obj.SetNamespace(ns)
	return c.dynamic.Resource(m.Resource).Namespace(ns), obj, nil
}

func describe(obj *unstructured.Unstructured) string {
	return obj.GetKind() + " " + obj.GetName()
}

// statusError is err as the server's Status, if it is one.
func statusError(err error) (*apierrors.StatusError, bool) {
	var s *apierrors.StatusError
	ok := errors.As(err, &s)
	return s, ok
}
