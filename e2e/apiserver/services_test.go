package apiserver

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// pipelineLabel is the label that tells one pipeline's pods from another's.
const pipelineLabel = "mlpipeline.dev/pipeline"

// serviceCheck is the outcome of one generated Service's check.
type serviceCheck struct {
	service string
	err     error  // the Service does not select exactly its Deployment's pods
	note    string // what was compared
	// others is a selector on the pipeline's other labels, which must list
	// more than the Deployment's pods (the decoy too): the negative control.
	others           string
	othersSelectSame bool  // it lists exactly the Deployment's pods
	othersErr        error // listing failed
}

// checkServices checks that every generated Service in ns selects exactly
// the pods of the Deployment of the same name (found by ownerReferences,
// not by labels) and not a decoy: the pipeline's pod template, labelled as
// another pipeline's. The controller manager must have created the pods.
func (c *cluster) checkServices(ctx context.Context, ns string) ([]serviceCheck, error) {
	services, err := listAs[corev1.Service](ctx, c, servicesResource, ns, "")
	if err != nil {
		return nil, err
	}
	var out []serviceCheck
	for _, svc := range services {
		if svc.Annotations["mlpipeline.dev/generated-from"] == "" {
			continue
		}
		out = append(out, c.checkService(ctx, ns, svc))
	}
	return out, nil
}

func (c *cluster) checkService(ctx context.Context, ns string, svc corev1.Service) serviceCheck {
	check := serviceCheck{service: svc.Name}
	fail := func(format string, args ...any) serviceCheck {
		check.err = fmt.Errorf(format, args...)
		return check
	}
	if len(svc.Spec.Selector) == 0 {
		return fail("the Service has no selector")
	}
	if !c.hasPods {
		return fail("no controller manager runs in this cluster to give the Deployment its pods")
	}
	deployments, err := listAs[appsv1.Deployment](ctx, c, deploymentsResource, ns, "")
	if err != nil {
		return fail("%v", err)
	}
	i := slices.IndexFunc(deployments, func(d appsv1.Deployment) bool { return d.Name == svc.Name })
	if i < 0 {
		return fail("no Deployment named like the Service")
	}
	d := deployments[i]
	// Without an HPA controller, an autoscaled Deployment keeps its replicas.
	replicas := int(*d.Spec.Replicas)
	var want []string
	err = waitFor(ctx, time.Minute, func() error {
		var err error
		if want, err = c.deploymentPods(ctx, ns, d.Name); err != nil {
			return err
		}
		if len(want) != replicas {
			return fmt.Errorf("the Deployment has %d of its %d pod(s)", len(want), replicas)
		}
		return nil
	})
	if err != nil {
		return fail("%v", err)
	}
	decoyLabels := map[string]string{pipelineLabel: "not-" + svc.Name}
	if a := c.create(ctx, ns, podFromTemplate(&d, "decoy-"+svc.Name, decoyLabels), false); !a.clean() {
		return fail("creating the decoy pod: %s", a)
	}
	selector := labels.SelectorFromSet(svc.Spec.Selector).String()
	got, err := c.podNames(ctx, ns, selector)
	if err != nil {
		return fail("%v", err)
	}
	if !slices.Equal(got, want) {
		return fail("selector %s lists %v; the Deployment's pods are %v", selector, got, want)
	}
	check.note = fmt.Sprintf("selector %s lists exactly the Deployment's %d pod(s), not the decoy", selector, replicas)

	// The pipeline's other labels match the decoy too: a Service that
	// selected on them would fail the comparison above.
	others := maps.Clone(d.Spec.Template.Labels)
	delete(others, pipelineLabel)
	check.others = labels.SelectorFromSet(others).String()
	listed, err := c.podNames(ctx, ns, check.others)
	check.othersSelectSame, check.othersErr = slices.Equal(listed, want), err
	return check
}

// deploymentPods are the names of the pods that the Deployment's
// ReplicaSets own.
func (c *cluster) deploymentPods(ctx context.Context, ns, deployment string) ([]string, error) {
	sets, err := listAs[appsv1.ReplicaSet](ctx, c, replicaSetsResource, ns, "")
	if err != nil {
		return nil, err
	}
	owned := map[string]bool{}
	for _, rs := range sets {
		for _, ref := range rs.OwnerReferences {
			if ref.Kind == "Deployment" && ref.Name == deployment {
				owned[rs.Name] = true
			}
		}
	}
	pods, err := listAs[corev1.Pod](ctx, c, podsResource, ns, "")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range pods {
		for _, ref := range p.OwnerReferences {
			if ref.Kind == "ReplicaSet" && owned[ref.Name] {
				names = append(names, p.Name)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// podNames are the pods the server lists for a label selector.
func (c *cluster) podNames(ctx context.Context, ns, selector string) ([]string, error) {
	pods, err := listAs[corev1.Pod](ctx, c, podsResource, ns, selector)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(pods))
	for i, p := range pods {
		names[i] = p.Name
	}
	slices.Sort(names)
	return names, nil
}
