package serverside

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podutil "k8s.io/kubernetes/pkg/api/pod"
	"k8s.io/kubernetes/pkg/apis/apps"
	"k8s.io/kubernetes/pkg/apis/autoscaling"
	"k8s.io/kubernetes/pkg/apis/core"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/apis/policy"
	"k8s.io/kubernetes/pkg/features"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"

	// The API server's scheme: the groups' defaulting and conversion
	// functions, registered in legacyscheme.Scheme.
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
)

// Cause is one problem the server's validation found: at Field, a path of
// the object checked, with Message, the server's own "Invalid value: …"
// text (the field error without its path).
type Cause struct {
	Type    field.ErrorType
	Field   string
	Message string
}

// Report is what creating an object would give: the server's refusals, its
// create warnings, and the fields it would drop for a feature gate that is
// off at the version checked.
type Report struct {
	Causes   []Cause
	Warnings []string
	Dropped  []string
}

// storedKind says how the API server stores one kind: the strategy of its
// registry, its internal type, and its REST resource name.
type storedKind struct {
	strategy rest.RESTCreateStrategy
	internal func() runtime.Object
	gvr      schema.GroupVersionResource
}

func resourceFor(obj runtime.Object) (storedKind, error) {
	switch obj.(type) {
	case *appsv1.Deployment:
		return storedKind{deployment.Strategy, func() runtime.Object { return &apps.Deployment{} }, appsv1.SchemeGroupVersion.WithResource("deployments")}, nil
	case *autoscalingv2.HorizontalPodAutoscaler:
		return storedKind{horizontalpodautoscaler.Strategy, func() runtime.Object { return &autoscaling.HorizontalPodAutoscaler{} }, autoscalingv2.SchemeGroupVersion.WithResource("horizontalpodautoscalers")}, nil
	case *policyv1.PodDisruptionBudget:
		return storedKind{poddisruptionbudget.Strategy, func() runtime.Object { return &policy.PodDisruptionBudget{} }, policyv1.SchemeGroupVersion.WithResource("poddisruptionbudgets")}, nil
	case *corev1.Service:
		return storedKind{serviceStrategy{}, func() runtime.Object { return &core.Service{} }, corev1.SchemeGroupVersion.WithResource("services")}, nil
	}
	return storedKind{}, fmt.Errorf("no API server strategy for %T", obj)
}

// Create runs on obj, a typed object of apps/v1, autoscaling/v2, policy/v1
// or core/v1, what the API server of Kubernetes minor version does on
// create, short of storing it: defaulting, conversion, the strategy's
// PrepareForCreate, validation and create warnings (rest.BeforeCreate). obj
// is not changed. The error is for a failure to run the checks at all.
func Create(version string, obj runtime.Object) (Report, error) {
	var report Report
	err := atVersion(version, func() error {
		var err error
		report, err = create(obj)
		return err
	})
	return report, err
}

func create(obj runtime.Object) (Report, error) {
	res, err := resourceFor(obj)
	if err != nil {
		return Report{}, err
	}
	versioned := obj.DeepCopyObject()
	legacyscheme.Scheme.Default(versioned)
	internal := res.internal()
	// The conversion shares memory with its input, and the strategy changes
	// the internal object in place: convert a copy, so that versioned still
	// shows what the strategy dropped.
	if err := legacyscheme.Scheme.Convert(versioned.DeepCopyObject(), internal, nil); err != nil {
		return Report{}, fmt.Errorf("converting %T to the internal version: %w", obj, err)
	}
	objMeta, err := meta.Accessor(internal)
	if err != nil {
		return Report{}, err
	}
	// What the server's create handler sets before the strategy runs.
	rest.FillObjectMetaSystemFields(objMeta)
	namespace := objMeta.GetNamespace()
	if namespace == "" {
		namespace = "default"
	}
	warnings := &recorder{}
	ctx := genericapirequest.WithNamespace(context.Background(), namespace)
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIPrefix: "apis",
		APIGroup: res.gvr.Group, APIVersion: res.gvr.Version, Resource: res.gvr.Resource,
		Namespace: namespace, Name: objMeta.GetName(),
	})
	ctx = warning.WithWarningRecorder(ctx, warnings)

	report := Report{}
	if err := rest.BeforeCreate(res.strategy, ctx, internal); err != nil {
		var status apierrors.APIStatus
		if !errors.As(err, &status) || status.Status().Details == nil || len(status.Status().Details.Causes) == 0 {
			return Report{}, fmt.Errorf("the API server's create checks: %w", err)
		}
		for _, c := range status.Status().Details.Causes {
			report.Causes = append(report.Causes, Cause{Type: field.ErrorType(c.Type), Field: c.Field, Message: c.Message})
		}
	}
	if d, ok := internal.(*apps.Deployment); ok && len(report.Causes) == 0 {
		report.Causes = podFromTemplateCauses(d)
	}
	report.Warnings = warnings.list
	dropped, err := droppedFields(versioned, internal)
	if err != nil {
		return Report{}, err
	}
	report.Dropped = dropped
	return report, nil
}

// recorder collects the warnings the strategy adds, as the API server
// collects them for the response's Warning headers.
type recorder struct {
	mu   sync.Mutex
	list []string
}

func (r *recorder) AddWarning(_, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.list {
		if w == text {
			return
		}
	}
	r.list = append(r.list, text)
}

// podFromTemplateCauses validates a Pod made from a Deployment's template
// as the Pod registry's strategy does on create: the ReplicaSet controller
// creates such pods, and some rules hold only for pods (a matchLabelKeys
// key that the labelSelector repeats), so a Deployment can be accepted
// while every one of its pods is refused. Causes are at the Deployment's
// paths (spec.template...).
func podFromTemplateCauses(d *apps.Deployment) []Cause {
	template := d.Spec.Template.DeepCopy()
	pod := &core.Pod{ObjectMeta: template.ObjectMeta, Spec: template.Spec}
	pod.Name, pod.Namespace = d.Name+"-0", d.Namespace
	labels := map[string]string{appsv1.DefaultDeploymentUniqueLabelKey: "0"}
	for k, v := range pod.Labels {
		labels[k] = v
	}
	pod.Labels = labels
	podutil.DropDisabledPodFields(pod, nil)
	mergeMatchLabelKeys(pod)
	opts := podutil.GetValidationOptionsFromPodSpecAndMeta(&pod.Spec, nil, &pod.ObjectMeta, nil)
	opts.ResourceIsPod = true
	var causes []Cause
	for _, e := range corevalidation.ValidatePodCreate(pod, opts) {
		if strings.HasPrefix(e.Field, "metadata.name") || strings.HasPrefix(e.Field, "metadata.namespace") {
			continue // the pod's name is the controller's
		}
		causes = append(causes, Cause{Type: e.Type, Field: "spec.template." + e.Field, Message: e.ErrorBody()})
	}
	return causes
}

// mergeMatchLabelKeys does what the Pod strategy's PrepareForCreate does to
// topology spread constraints (mutateTopologySpreadConstraints): each
// matchLabelKeys key becomes an "In" expression of the labelSelector with
// the pod's value. That package (pkg/registry/core/pod) cannot be imported:
// it pulls in the kubelet's client and makes the binary 69 MB instead of
// 21 MB, so these few lines follow it.
func mergeMatchLabelKeys(pod *core.Pod) {
	if !utilfeature.DefaultFeatureGate.Enabled(features.MatchLabelKeysInPodTopologySpread) ||
		!utilfeature.DefaultFeatureGate.Enabled(features.MatchLabelKeysInPodTopologySpreadSelectorMerge) {
		return
	}
	for i := range pod.Spec.TopologySpreadConstraints {
		c := &pod.Spec.TopologySpreadConstraints[i]
		if len(c.MatchLabelKeys) == 0 || c.LabelSelector == nil {
			continue
		}
		for _, key := range c.MatchLabelKeys {
			if value, ok := pod.Labels[key]; ok {
				c.LabelSelector.MatchExpressions = append(c.LabelSelector.MatchExpressions, metav1.LabelSelectorRequirement{
					Key: key, Operator: metav1.LabelSelectorOpIn, Values: []string{value}})
			}
		}
	}
}
