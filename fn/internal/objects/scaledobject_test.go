package objects

import (
	"maps"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// TestQueueTriggerWritesTheScalersOwnFields: targetPerReplica and
// activation land in each scaler's own fields, with the field names of KEDA
// v2.21.0's scalers, next to the user's metadata.
func TestQueueTriggerWritesTheScalersOwnFields(t *testing.T) {
	user := map[string]string{"queue": "jobs"}
	for _, tc := range []struct {
		scaler             string
		userMetadata       map[string]string
		target, activation string
		want               map[string]string
	}{
		{"redis", user, "20", "5", map[string]string{"listLength": "20", "activationListLength": "5"}},
		{"rabbitmq", user, "20", "5", map[string]string{"value": "20", "activationValue": "5", "mode": "QueueLength"}},
		{"kafka", user, "20", "5", map[string]string{"lagThreshold": "20", "activationLagThreshold": "5"}},
		{"aws-sqs-queue", user, "20", "5", map[string]string{"queueLength": "20", "activationQueueLength": "5"}},
		{"gcp-pubsub", user, "20", "5", map[string]string{"value": "20", "activationValue": "5", "mode": "SubscriptionSize"}},
		{"gcp-pubsub", map[string]string{"mode": "OldestUnackedMessageAge"}, "20", "5", map[string]string{"value": "20", "activationValue": "5", "mode": "OldestUnackedMessageAge"}},
		{"azure-servicebus", user, "20", "5", map[string]string{"messageCount": "20", "activationMessageCount": "5"}},
		{"nats-jetstream", user, "20", "5", map[string]string{"lagThreshold": "20", "activationLagThreshold": "5"}},
		{"prometheus", user, "500m", "0.25", map[string]string{"threshold": "0.5", "activationThreshold": "0.25"}},
	} {
		t.Run(tc.scaler, func(t *testing.T) {
			q := &v1alpha1.QueueMetricSpec{
				TargetPerReplica: ptrQuantity(tc.target),
				Activation:       ptrQuantity(tc.activation),
				Scaler:           &v1alpha1.KEDAScaler{Type: tc.scaler, Metadata: tc.userMetadata},
			}
			got := queueTrigger(q)
			want := maps.Clone(tc.userMetadata)
			maps.Copy(want, tc.want)
			if got.Type != tc.scaler || !maps.Equal(got.Metadata, want) {
				t.Errorf("got %s %v, want %s %v", got.Type, got.Metadata, tc.scaler, want)
			}
			if got.MetricType != "" {
				t.Errorf("metricType %q: the queue trigger keeps KEDA's default, AverageValue", got.MetricType)
			}
		})
	}
	if len(QueueScalers) != 8 {
		t.Errorf("the table covers 8 scalers, queueScalers has %d", len(QueueScalers))
	}
}

func ptrQuantity(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}
