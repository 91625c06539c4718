package objects

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// The ScaledObject is written from structs of the function's own that hold
// only the fields it emits, not from KEDA's API package
// (github.com/kedacore/keda/v2/apis/keda/v1alpha1): that package pulls in
// controller-runtime and KEDA's webhook and metrics code (the binary would
// double), and KEDA's module graph would move dependencies that the API
// server code the function runs is pinned with; the measurement is in
// docs/performance.md. The e2e harness (e2e/keda) decodes
// every generated ScaledObject strictly into KEDA's own types and applies it
// to a kube-apiserver with KEDA's CRDs, so these structs cannot drift from
// KEDA's schema unnoticed.

// KEDAHPAPrefix is the prefix of the HPA KEDA makes for a ScaledObject,
// keda-hpa-<name>.
const KEDAHPAPrefix = "keda-hpa-"

// ScaledObjectGroupVersion is KEDA's API group and version.
var ScaledObjectGroupVersion = schema.GroupVersion{Group: "keda.sh", Version: "v1alpha1"}

// ScaledObject is the keda.sh/v1alpha1 ScaledObject of engine keda.
type ScaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              scaledObjectSpec `json:"spec"`
}

type scaledObjectSpec struct {
	ScaleTargetRef        scaleTarget            `json:"scaleTargetRef"`
	PollingInterval       *int32                 `json:"pollingInterval,omitempty"`
	InitialCooldownPeriod *int32                 `json:"initialCooldownPeriod,omitempty"`
	CooldownPeriod        *int32                 `json:"cooldownPeriod,omitempty"`
	IdleReplicaCount      *int32                 `json:"idleReplicaCount,omitempty"`
	MinReplicaCount       *int32                 `json:"minReplicaCount,omitempty"`
	MaxReplicaCount       *int32                 `json:"maxReplicaCount,omitempty"`
	Advanced              *scaledObjectAdvanced  `json:"advanced,omitempty"`
	Triggers              []v1alpha1.KEDATrigger `json:"triggers"`
	Fallback              *v1alpha1.KEDAFallback `json:"fallback,omitempty"`
}

type scaleTarget struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Name       string `json:"name"`
}

type scaledObjectAdvanced struct {
	HorizontalPodAutoscalerConfig *kedaHPAConfig `json:"horizontalPodAutoscalerConfig,omitempty"`
}

type kedaHPAConfig struct {
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
}

// DeepCopyObject makes ScaledObject a runtime.Object, as build returns;
// nothing mutates the built objects, and only the API server's checks copy
// them, which the ScaledObject does not go through.
func (s *ScaledObject) DeepCopyObject() runtime.Object {
	c := *s
	return &c
}

// scaledObject is the ScaledObject of engine keda: the same metadata
// as every generated object, the Deployment as its target, and triggers in
// the order cpu, memory, gpu, queue, then keda.triggers, as HPA orders its
// metrics. Only fields the user set are written, except minReplicaCount,
// whose KEDA default (0) differs from the function's (1).
func scaledObject(p *v1alpha1.MLPipeline, resolved defaults.Settings) *ScaledObject {
	spec := scaledObjectSpec{
		ScaleTargetRef:  scaleTarget{APIVersion: "apps/v1", Kind: "Deployment", Name: p.Name},
		MinReplicaCount: &resolved.MinReplicas,
		MaxReplicaCount: &resolved.MaxReplicas,
		Triggers:        kedaTriggers(p, resolved),
	}
	a := p.Spec.Autoscaling
	if a != nil && a.Behavior != nil {
		spec.Advanced = &scaledObjectAdvanced{HorizontalPodAutoscalerConfig: &kedaHPAConfig{Behavior: a.Behavior}}
	}
	if a != nil && a.KEDA != nil {
		k := a.KEDA
		spec.PollingInterval = k.PollingInterval
		spec.InitialCooldownPeriod = k.InitialCooldownPeriod
		spec.CooldownPeriod = k.CooldownPeriod
		spec.IdleReplicaCount = k.IdleReplicaCount
		spec.Fallback = k.Fallback
	}
	return &ScaledObject{
		TypeMeta:   metav1.TypeMeta{APIVersion: ScaledObjectGroupVersion.String(), Kind: "ScaledObject"},
		ObjectMeta: objectMeta(p),
		Spec:       spec,
	}
}

// kedaTriggers maps the presets to KEDA triggers and appends keda.triggers.
func kedaTriggers(p *v1alpha1.MLPipeline, resolved defaults.Settings) []v1alpha1.KEDATrigger {
	var out []v1alpha1.KEDATrigger
	if resolved.TargetCPU != nil {
		out = append(out, utilizationTrigger(corev1.ResourceCPU, *resolved.TargetCPU))
	}
	if resolved.TargetMemory != nil {
		out = append(out, utilizationTrigger(corev1.ResourceMemory, *resolved.TargetMemory))
	}
	a := p.Spec.Autoscaling
	if a == nil {
		return out
	}
	if a.GPU != nil {
		out = append(out, gpuTrigger(p, a, resolved))
	}
	if q := a.Queue; q != nil && q.Scaler != nil {
		out = append(out, queueTrigger(q))
	}
	if a.KEDA != nil {
		out = append(out, a.KEDA.Triggers...)
	}
	return out
}

// utilizationTrigger is KEDA's cpu or memory scaler, which KEDA turns into
// the same Resource metric the hpa engine writes.
func utilizationTrigger(name corev1.ResourceName, percent int32) v1alpha1.KEDATrigger {
	return v1alpha1.KEDATrigger{
		Type:       string(name),
		MetricType: autoscalingv2.UtilizationMetricType,
		Metadata:   map[string]string{"value": strconv.Itoa(int(percent))},
	}
}

// gpuTrigger is a prometheus trigger on the SUM of the pipeline's pods' GPU
// utilisation, with an AverageValue target of the percentage. KEDA hands the
// HPA an External metric, and for an AverageValue External metric the HPA
// keeps ceil(value / target) replicas: with the sum that is ceil(sum /
// target), the count the hpa engine's Pods metric gives (ceil(average ×
// replicas / target), and average × replicas is the sum). An average query
// would be divided by the replicas a second time and scale too little.
func gpuTrigger(p *v1alpha1.MLPipeline, a *v1alpha1.AutoscalingSpec, resolved defaults.Settings) v1alpha1.KEDATrigger {
	address := ""
	if a.KEDA != nil {
		address = a.KEDA.PrometheusAddress
	}
	return v1alpha1.KEDATrigger{
		Type:       "prometheus",
		MetricType: autoscalingv2.AverageValueMetricType,
		Metadata: map[string]string{
			"serverAddress": address,
			"query":         gpuQuery(p, resolved.GPUMetricName, a.GPU.PodLabel),
			"threshold":     strconv.Itoa(int(a.GPU.TargetUtilizationPercentage)),
		},
	}
}

// gpuQuery selects the series of the Deployment's pods, named
// <name>-<pod-template-hash>-<suffix>, in the pipeline's namespace, by the
// labels the DCGM exporter writes: pod and namespace, or exported_pod and
// exported_namespace where Prometheus renamed them. Without a namespace the
// query cannot name one (a warning says so).
func gpuQuery(p *v1alpha1.MLPipeline, metric string, podLabel v1alpha1.GPUPodLabel) string {
	podKey, namespaceKey := "pod", "namespace"
	if podLabel == v1alpha1.GPUPodLabelExportedPod {
		podKey, namespaceKey = "exported_pod", "exported_namespace"
	}
	var matchers []string
	if p.Namespace != "" {
		matchers = append(matchers, fmt.Sprintf("%s=%q", namespaceKey, p.Namespace))
	}
	matchers = append(matchers, fmt.Sprintf("%s=~%q", podKey, p.Name+"-[a-z0-9]+-[a-z0-9]+"))
	return fmt.Sprintf("sum(%s{%s})", metric, strings.Join(matchers, ","))
}

// queueScaler says where a KEDA scaler keeps the queue preset's values:
// its target and activation metadata fields, whether they are integers,
// the metadata the preset sets with them (owned: the user may not set it),
// the metadata it sets only when the user did not (defaults), and other
// fields that would set the same target (also owned).
type QueueScaler struct {
	Target, Activation string
	Integer            bool
	owned, defaults    map[string]string
	sameTarget         []string
}

// QueueScalers are the scalers the queue preset knows, with the field
// names of KEDA v2.21.0's scalers (pkg/scalers/*_scaler.go).
var QueueScalers = map[string]QueueScaler{
	"redis":         {Target: "listLength", Activation: "activationListLength", Integer: true},
	"rabbitmq":      {Target: "value", Activation: "activationValue", owned: map[string]string{"mode": "QueueLength"}, sameTarget: []string{"queueLength"}},
	"kafka":         {Target: "lagThreshold", Activation: "activationLagThreshold", Integer: true},
	"aws-sqs-queue": {Target: "queueLength", Activation: "activationQueueLength", Integer: true},
	"gcp-pubsub": {Target: "value", Activation: "activationValue", defaults: map[string]string{"mode": "SubscriptionSize"},
		sameTarget: []string{"subscriptionSize"}},
	"azure-servicebus": {Target: "messageCount", Activation: "activationMessageCount", Integer: true},
	"nats-jetstream":   {Target: "lagThreshold", Activation: "activationLagThreshold", Integer: true},
	"prometheus":       {Target: "threshold", Activation: "activationThreshold"},
}

// QueueScalerTypes are the names of QueueScalers, sorted, for messages.
func QueueScalerTypes() []string {
	names := make([]string, 0, len(QueueScalers))
	for name := range QueueScalers {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// OwnedKeys are the metadata keys the preset writes for a scaler, each
// with what writes it, for the rule that the user may not set them too.
func (s QueueScaler) OwnedKeys(queue *field.Path) map[string]string {
	target := "from " + queue.Child("targetPerReplica").String()
	keys := map[string]string{s.Target: target, s.Activation: "from " + queue.Child("activation").String()}
	for _, k := range s.sameTarget {
		keys[k] = target + " (as " + s.Target + ")"
	}
	for k, v := range s.owned {
		keys[k] = fmt.Sprintf("as %s, the backlog that %s divides (another %s goes into spec.autoscaling.keda.triggers)", v, queue.Child("targetPerReplica"), k)
	}
	return keys
}

// queueTrigger is the scaler the user named with the preset's target and
// activation in its own fields. Its metricType stays KEDA's default,
// AverageValue: the HPA keeps ceil(backlog / targetPerReplica) workers, as
// the hpa engine's External metric does.
func queueTrigger(q *v1alpha1.QueueMetricSpec) v1alpha1.KEDATrigger {
	s := QueueScalers[q.Scaler.Type]
	metadata := map[string]string{}
	for k, v := range s.defaults {
		metadata[k] = v
	}
	for k, v := range q.Scaler.Metadata {
		metadata[k] = v
	}
	for k, v := range s.owned {
		metadata[k] = v
	}
	if q.TargetPerReplica != nil {
		metadata[s.Target] = scalerNumber(*q.TargetPerReplica, s.Integer)
	}
	if q.Activation != nil {
		metadata[s.Activation] = scalerNumber(*q.Activation, s.Integer)
	}
	return v1alpha1.KEDATrigger{Type: q.Scaler.Type, Metadata: metadata, AuthenticationRef: q.Scaler.AuthenticationRef}
}

// scalerNumber writes a quantity as the plain number KEDA's metadata
// parser reads: an integer, or a decimal without a unit suffix.
func scalerNumber(q resource.Quantity, integer bool) string {
	if integer {
		return strconv.FormatInt(q.Value(), 10)
	}
	return strconv.FormatFloat(q.AsApproximateFloat64(), 'f', -1, 64)
}

// KEDAHPA is the HPA KEDA makes from the ScaledObject, as far as the API
// server's HPA rules see it: its name, replica bounds (KEDA's HPA never has
// fewer than 1) and behavior. The function checks it with the server's own
// validation, since KEDA's webhook does not, and an HPA the server refuses
// leaves the ScaledObject without one.
func KEDAHPA(p *v1alpha1.MLPipeline, resolved defaults.Settings) *autoscalingv2.HorizontalPodAutoscaler {
	meta := objectMeta(p)
	meta.Name = KEDAHPAPrefix + p.Name
	h := &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: meta,
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: p.Name},
			MinReplicas:    ptr.To(max(resolved.MinReplicas, 1)),
			MaxReplicas:    resolved.MaxReplicas,
		},
	}
	if a := p.Spec.Autoscaling; a != nil {
		h.Spec.Behavior = a.Behavior
	}
	return h
}
