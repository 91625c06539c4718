package apiserver

import (
	"context"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	deploymentsResource     = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	replicaSetsResource     = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}
	podsResource            = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	servicesResource        = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	serviceAccountsResource = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
)

// podsFromTemplates creates, as a dry run, a Pod made from each
// Deployment's template in ns, as the ReplicaSet controller would: some
// rules (a matchLabelKeys key the selector repeats, Pod Security's
// enforcement) hold only for pods, so a Deployment can be accepted while
// none of its pods can be created.
func (c *cluster) podsFromTemplates(ctx context.Context, ns string) (answers, error) {
	deployments, err := listAs[appsv1.Deployment](ctx, c, deploymentsResource, ns, "")
	if err != nil {
		return nil, err
	}
	var out answers
	for _, d := range deployments {
		// Pod admission looks up the service account a pod names: the
		// cluster admin's part, as "default" is in newNamespace.
		if sa := d.Spec.Template.Spec.ServiceAccountName; sa != "" {
			if err := c.ensureServiceAccount(ctx, ns, sa); err != nil {
				return nil, err
			}
		}
		pod := podFromTemplate(&d, d.Name+"-from-template", map[string]string{"pod-template-hash": "e2e"})
		out = append(out, c.create(ctx, ns, pod, true))
	}
	return out, nil
}

// podFromTemplate is a Pod with the Deployment's pod template and extra
// labels on top of the template's.
func podFromTemplate(d *appsv1.Deployment, name string, labels map[string]string) *unstructured.Unstructured {
	meta := d.Spec.Template.ObjectMeta
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Labels:      maps.Clone(meta.Labels),
			Annotations: meta.Annotations,
		},
		Spec: d.Spec.Template.Spec,
	}
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	maps.Copy(pod.Labels, labels)
	return toUnstructured(pod)
}

// newNamespace creates namespace ns with the "default" service account
// that a controller would make in a real cluster. Pod Security
// "restricted" applies to it through the admission configuration.
func (c *cluster) newNamespace(ctx context.Context, ns string) error {
	nsObj := toUnstructured(&corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: ns}})
	if a := c.create(ctx, "", nsObj, false); !a.clean() {
		return fmt.Errorf("%s", a)
	}
	return c.ensureServiceAccount(ctx, ns, "default")
}

func (c *cluster) ensureServiceAccount(ctx context.Context, ns, name string) error {
	sa := toUnstructured(&corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: metav1.ObjectMeta{Name: name}})
	a := c.create(ctx, ns, sa, false)
	if a.err != nil && !apierrors.IsAlreadyExists(a.err) {
		return fmt.Errorf("%s", a)
	}
	return nil
}

// listAs lists a resource in ns (with a label selector, if any) as typed
// objects.
func listAs[T any](ctx context.Context, c *cluster, gvr schema.GroupVersionResource, ns, selector string) ([]T, error) {
	var list *unstructured.UnstructuredList
	_, err := recordWarnings(ctx, func(ctx context.Context) error {
		var err error
		list, err = c.dynamic.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s in %s: %w", gvr.Resource, ns, err)
	}
	out := make([]T, len(list.Items))
	for i, item := range list.Items {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(item.Object, &out[i]); err != nil {
			return nil, fmt.Errorf("reading %s %s: %w", gvr.Resource, item.GetName(), err)
		}
	}
	return out, nil
}

// getAs gets one object of a resource as a typed object.
func getAs[T any](ctx context.Context, c *cluster, gvr schema.GroupVersionResource, ns, name string) (T, error) {
	var out T
	var u *unstructured.Unstructured
	_, err := recordWarnings(ctx, func(ctx context.Context) error {
		var err error
		u, err = c.dynamic.Resource(gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		return err
	})
	if err != nil {
		return out, fmt.Errorf("getting %s %s: %w", gvr.Resource, name, err)
	}
	err = runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &out)
	return out, err
}

func toUnstructured(obj runtime.Object) *unstructured.Unstructured {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		panic(err) // typed API objects always convert
	}
	return &unstructured.Unstructured{Object: m}
}
