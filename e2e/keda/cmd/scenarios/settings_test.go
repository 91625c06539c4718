package main

import (
	"strings"
	"testing"

	"github.com/mlpipeline-dev/mlpipeline-fn/e2e/keda/conformance"
)

const queueSO = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: q, namespace: ns}
spec:
  scaleTargetRef: {name: q}
  maxReplicaCount: 5
  cooldownPeriod: 30
  pollingInterval: 5
  fallback: {failureThreshold: 3, replicas: 3}
  triggers:
  - type: redis
    metadata: {address: "ADDRESS", listName: jobs, listLength: "LENGTH"}
`

func TestReadQueueSettings(t *testing.T) {
	for _, tc := range []struct {
		name, address, length, wantErr string
	}{
		{name: "ok", address: "127.0.0.1:6379", length: "20"},
		{name: "not loopback", address: "redis.queues:6379", length: "20", wantErr: "want 127.0.0.1:PORT"},
		{name: "length not a number", address: "127.0.0.1:6379", length: "twenty", wantErr: `listLength "twenty"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.NewReplacer("ADDRESS", tc.address, "LENGTH", tc.length).Replace(queueSO)
			sos, err := conformance.ScaledObjects([]byte(doc))
			if err != nil || len(sos) != 1 {
				t.Fatalf("decoding: %v", err)
			}
			s, err := readQueueSettings(sos[0])
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.redisPort != 6379 || s.target != 20 || s.max != 5 || s.cooldown != 30 || s.polling != 5 || s.fallback != 3 || s.list != "jobs" {
				t.Fatalf("got %+v", s)
			}
		})
	}
}
