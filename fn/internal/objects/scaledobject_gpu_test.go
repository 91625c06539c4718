package objects

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// TestGPUTriggerScalesLikeThePodsMetric computes, with the HPA
// controller's formulas, the replicas of both engines' GPU metric for the
// same load: the hpa engine's Pods metric (the pods' utilisation, averaged,
// against the target) and the keda engine's trigger (an External metric
// with an AverageValue target, whose value is what the trigger's query
// returns, the sum). They must agree. The control shows the check can fail:
// a query that averaged instead of summing would keep fewer replicas.
// (The function's go.mod cannot hold the controller's package itself:
// k8s.io/kubernetes's test dependencies need replace lines.)
func TestGPUTriggerScalesLikeThePodsMetric(t *testing.T) {
	p := &v1alpha1.MLPipeline{ObjectMeta: metav1.ObjectMeta{Name: "reranker", Namespace: "ml"}}
	p.Spec.Autoscaling = &v1alpha1.AutoscalingSpec{
		GPU:  &v1alpha1.GPUMetricSpec{TargetUtilizationPercentage: 60},
		KEDA: &v1alpha1.KEDASpec{PrometheusAddress: "http://prometheus:9090"},
	}
	trigger := gpuTrigger(p, p.Spec.Autoscaling, defaults.Settings{GPUMetricName: defaults.DefaultGPUMetricName})
	if trigger.MetricType != autoscalingv2.AverageValueMetricType {
		t.Fatalf("metricType %q, want AverageValue", trigger.MetricType)
	}
	target, err := strconv.ParseInt(trigger.Metadata["threshold"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if want := `sum(DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod=~"reranker-[a-z0-9]+-[a-z0-9]+"})`; trigger.Metadata["query"] != want {
		t.Fatalf("query %s, want %s", trigger.Metadata["query"], want)
	}

	loads := [][]int64{{10}, {95}, {60}, {30, 30}, {90, 100}, {61, 59, 60}, {100, 100, 100, 100},
		{5, 0, 12, 7, 3}, {75, 80, 90, 99, 100, 70}, {20, 20, 20, 20, 20, 20, 20}, {100, 100, 100, 100, 100, 100, 100, 100}}
	for _, load := range loads {
		t.Run(fmt.Sprint(load), func(t *testing.T) {
			var sum int64
			for _, u := range load {
				sum += u
			}
			hpaEngine := podsMetricReplicas(load, target)
			kedaEngine := externalAverageValueReplicas(int32(len(load)), sum, target)
			if hpaEngine != kedaEngine {
				t.Errorf("the hpa engine keeps %d replicas, the keda engine %d", hpaEngine, kedaEngine)
			}
			if averaged := externalAverageValueReplicas(int32(len(load)), sum/int64(len(load)), target); len(load) > 1 && hpaEngine > 1 && averaged == hpaEngine {
				t.Errorf("control: an averaging query also keeps %d replicas, so the check cannot tell sum from average", averaged)
			}
		})
	}
}

// hpaTolerance is the HPA controller's default tolerance: it keeps the
// current replicas while the usage ratio is within 10% of 1.
const hpaTolerance = 0.1

// podsMetricReplicas is the HPA controller's count for a Pods metric with
// an AverageValue target, every pod ready and reporting
// (pkg/controller/podautoscaler: GetMetricReplicas, calcPlainMetricReplicas;
// the metrics are milli-units and the average an integer division).
func podsMetricReplicas(load []int64, target int64) int32 {
	var total int64
	for _, u := range load {
		total += u * 1000
	}
	average := total / int64(len(load))
	ratio := float64(average) / float64(target*1000)
	current := int32(len(load))
	if math.Abs(ratio-1) <= hpaTolerance {
		return current
	}
	return int32(math.Ceil(ratio * float64(current)))
}

// externalAverageValueReplicas is the HPA controller's count for an
// External metric with an AverageValue target
// (GetExternalPerPodMetricReplicas): the metric's value divided by the
// target per pod.
func externalAverageValueReplicas(current int32, value, target int64) int32 {
	ratio := float64(value*1000) / (float64(target*1000) * float64(current))
	if math.Abs(ratio-1) <= hpaTolerance {
		return current
	}
	return int32(math.Ceil(float64(value*1000) / float64(target*1000)))
}
