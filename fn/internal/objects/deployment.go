package objects

import (
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// deployment builds the pipeline's Deployment. With autoscaling on it has no
// replicas: a replicas field would reset the HPA's count on every GitOps sync.
func deployment(p *v1alpha1.MLPipeline, resolved defaults.Settings) *appsv1.Deployment {
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: objectMeta(p),
		Spec: appsv1.DeploymentSpec{
			Selector:                &metav1.LabelSelector{MatchLabels: selectorLabels(p)},
			Template:                podTemplate(p, resolved),
			MinReadySeconds:         p.Spec.MinReadySeconds,
			RevisionHistoryLimit:    p.Spec.RevisionHistoryLimit,
			ProgressDeadlineSeconds: p.Spec.ProgressDeadlineSeconds,
		},
	}
	if p.Spec.Strategy != nil {
		d.Spec.Strategy = *p.Spec.Strategy
	}
	if !resolved.Autoscaling {
		d.Spec.Replicas = ptr.To(resolved.Replicas)
	}
	return d
}
