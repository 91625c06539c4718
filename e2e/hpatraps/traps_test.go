package hpatraps

import (
	"fmt"
	"strings"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/kubernetes/pkg/features"
)

// queueWorker is a worker at minReplicas 0 on a queue backlog; BEHAVIOR is
// replaced by each case's scale-up behaviour.
const queueWorker = `apiVersion: mlpipeline.dev/v1alpha1
kind: MLPipeline
metadata:
  name: worker
  namespace: ml
spec:
  image: registry.example.com/ml/worker:1.0.0
  resources:
    requests: {cpu: 500m, memory: 1Gi, ephemeral-storage: 1Gi}
    limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 2Gi}
  autoscaling:
    minReplicas: 0
    maxReplicas: 10
    queue: {metricName: backlog, targetPerReplica: "20"}
BEHAVIOR`

// cpuServer is a server with a CPU target and a native sidecar; RESOURCES is
// replaced by the main container's resources and SIDECAR by the sidecar's.
const cpuServer = `apiVersion: mlpipeline.dev/v1alpha1
kind: MLPipeline
metadata:
  name: server
  namespace: ml
spec:
  image: registry.example.com/ml/server:1.0.0
  ports:
  - {name: http, containerPort: 8080}
  readinessProbe:
    tcpSocket: {port: http}
  resources: RESOURCES
  initContainers:
  - name: proxy
    image: registry.example.com/ml/proxy:1.0.0
    restartPolicy: Always
    resources: SIDECAR
  autoscaling:
    minReplicas: 2
    maxReplicas: 10
    targetCPUUtilizationPercentage: 50
`

func worker(behavior string) string {
	return strings.Replace(queueWorker, "BEHAVIOR", behavior, 1)
}

func server(resources, sidecar string) string {
	return strings.NewReplacer("RESOURCES", resources, "SIDECAR", sidecar).Replace(cpuServer)
}

const (
	mainRequests        = `{requests: {cpu: 500m, memory: 1Gi, ephemeral-storage: 1Gi}, limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 2Gi}}`
	mainWithoutCPU      = "{requests: {memory: 1Gi, ephemeral-storage: 1Gi}, limits: {memory: 1Gi, ephemeral-storage: 2Gi}}"
	sidecarRequests     = "{requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 10Mi}, limits: {memory: 64Mi, ephemeral-storage: 10Mi}}"
	sidecarWithoutCPU   = "{requests: {memory: 64Mi, ephemeral-storage: 10Mi}, limits: {memory: 64Mi, ephemeral-storage: 10Mi}}"
	backlogFromZero     = 100 // at 20 per replica: 5 workers wanted
	cpuAtTwiceTheTarget = 1.0 // usage = request, at a 50% target: twice the replicas
)

// fromZero is a backlog arriving while the worker is at zero; overloaded is
// the server's two pods at 100% of their request against a 50% target.
var (
	fromZero   = load{replicas: 0, scaledToZero: true, external: backlogFromZero}
	overloaded = load{replicas: 2, cpuPerRequest: cpuAtTwiceTheTarget}
)

// trapCase pairs a config the function refuses with the accepted config it
// is closest to. The controller must stay put on the trap's objects and
// scale the counterpart's.
type trapCase struct {
	name string
	// trap is refused by the function with trapError on stderr.
	trap, trapError string
	// accepted is rendered by the function; under the load the controller
	// scales its Deployment to want replicas.
	accepted string
	load     load
	want     int32
	// stuck says how the controller fails to act on the trap's objects.
	stuck func(o outcome) error
}

// readTheScale: every trap outcome must come from a controller that read
// the scale and computed, so a failure of the harness cannot pass for a trap.
func readTheScale(o outcome) error {
	if o.conditions[autoscalingv2.AbleToScale].Status != corev1.ConditionTrue {
		return fmt.Errorf("the controller could not read the scale: %s", o)
	}
	return nil
}

// stuckAtZero: the controller computed and kept the target at zero.
func stuckAtZero(o outcome) error {
	if err := readTheScale(o); err != nil {
		return err
	}
	if (o.scaledTo != nil && *o.scaledTo > 0) || o.status.DesiredReplicas != 0 {
		return fmt.Errorf("the controller left zero: %s", o)
	}
	return nil
}

// cannotComputeCPU: the controller's request sum failed, so it did not scale.
func cannotComputeCPU(o outcome) error {
	if err := readTheScale(o); err != nil {
		return err
	}
	active := o.conditions[autoscalingv2.ScalingActive]
	if o.scaledTo != nil || active.Status != corev1.ConditionFalse || !strings.Contains(active.Message, "missing request for cpu") {
		return fmt.Errorf("want no scale update and ScalingActive=False for a missing CPU request, got: %s", o)
	}
	return nil
}

func TestHPATrapsMatchTheController(t *testing.T) {
	if !utilfeature.DefaultFeatureGate.Enabled(features.HPAScaleToZero) {
		t.Fatalf("HPAScaleToZero is off in the controller under test; the scale-from-zero cases would prove nothing")
	}
	cases := []trapCase{{
		name: "minReplicas 0 with scale-up Disabled",
		trap: worker(`    behavior:
      scaleUp: {selectPolicy: Disabled}`),
		trapError: "spec.autoscaling.behavior.scaleUp.selectPolicy: Forbidden",
		accepted:  worker(""),
		load:      fromZero, want: 4, // the default scale-up policy allows at most 4 pods from zero
		stuck: stuckAtZero,
	}, {
		name: "minReplicas 0 with only Percent policies",
		trap: worker(`    behavior:
      scaleUp:
        policies:
        - {type: Percent, value: 100, periodSeconds: 15}
        - {type: Percent, value: 50, periodSeconds: 60}`),
		trapError: "spec.autoscaling.behavior.scaleUp.policies: Forbidden",
		accepted: worker(`    behavior:
      scaleUp:
        policies:
        - {type: Percent, value: 100, periodSeconds: 15}
        - {type: Pods, value: 2, periodSeconds: 15}`),
		load: fromZero, want: 2,
		stuck: stuckAtZero,
	}, {
		name: "minReplicas 0 with selectPolicy Min and a Percent policy",
		trap: worker(`    behavior:
      scaleUp:
        selectPolicy: Min
        policies:
        - {type: Pods, value: 3, periodSeconds: 15}
        - {type: Percent, value: 100, periodSeconds: 15}`),
		trapError: "spec.autoscaling.behavior.scaleUp",
		accepted: worker(`    behavior:
      scaleUp:
        selectPolicy: Min
        policies:
        - {type: Pods, value: 3, periodSeconds: 15}
        - {type: Pods, value: 5, periodSeconds: 60}`),
		load: fromZero, want: 3,
		stuck: stuckAtZero,
	}, {
		name:      "CPU target while a native sidecar has no CPU request",
		trap:      server(mainRequests, sidecarWithoutCPU),
		trapError: "spec.initContainers[0].resources.requests[cpu]: Required value",
		accepted:  server(mainRequests, sidecarRequests),
		load:      overloaded, want: 4,
		stuck: cannotComputeCPU,
	}, {
		name:      "CPU target while the main container has no CPU request",
		trap:      server(mainWithoutCPU, sidecarRequests),
		trapError: "spec.autoscaling.targetCPUUtilizationPercentage: Invalid value: 50",
		accepted:  server(mainRequests, sidecarRequests),
		load:      overloaded, want: 4,
		stuck: cannotComputeCPU,
	}}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runFunction(t, tc.trap)
			if err == nil {
				t.Errorf("the function accepted the trap")
			} else if !strings.Contains(stderr, tc.trapError) {
				t.Errorf("the function's error does not name %q:\n%s", tc.trapError, stderr)
			}

			hpa, dep := render(t, tc.accepted)
			accepted := reconcile(t, hpa, dep, tc.load)
			t.Logf("accepted counterpart: %s", accepted)
			if accepted.scaledTo == nil || *accepted.scaledTo != tc.want {
				t.Errorf("accepted counterpart: want the controller to scale to %d, got: %s", tc.want, accepted)
			}
			// The negative control: the check that finds the trap stuck
			// must fail on the counterpart the controller does scale.
			if tc.stuck(accepted) == nil {
				t.Errorf("the stuck check passes on the accepted counterpart too, so it proves nothing: %s", accepted)
			}

			trapHPA, trapDep := withUserFields(t, hpa, dep, tc.trap)
			trapped := reconcile(t, trapHPA, trapDep, tc.load)
			t.Logf("trap: %s", trapped)
			if err := tc.stuck(trapped); err != nil {
				t.Errorf("trap: %v", err)
			}
		})
	}
}

// A request the API server defaults from the limit is one the controller
// measures against: the function must not refuse a Utilization target there.
func TestCPUTargetWithRequestsDefaultedFromLimits(t *testing.T) {
	limitsOnly := server(`{limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 2Gi}}`,
		"{limits: {cpu: 100m, memory: 64Mi, ephemeral-storage: 10Mi}}")
	hpa, dep := render(t, limitsOnly)
	o := reconcile(t, hpa, dep, overloaded)
	t.Logf("limits only: %s", o)
	if o.scaledTo == nil || *o.scaledTo != 4 {
		t.Errorf("want the controller to scale to 4, got: %s", o)
	}
}
