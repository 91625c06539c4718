package objects

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// pdb builds the PodDisruptionBudget that keeps drains and evictions from
// taking more than the allowed number of the pipeline's pods at once.
func pdb(p *v1alpha1.MLPipeline, resolved defaults.Settings) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(p),
		Spec: policyv1.PodDisruptionBudgetSpec{
			Selector:       &metav1.LabelSelector{MatchLabels: selectorLabels(p)},
			MinAvailable:   resolved.PDBMinAvailable,
			MaxUnavailable: resolved.PDBMaxUnavailable,
		},
	}
}
