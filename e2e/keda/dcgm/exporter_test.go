package dcgm

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func scrape(t *testing.T, e *Exporter) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestExporter(t *testing.T) {
	e := New()
	e.Set([]PodGPU{
		{Namespace: "ns", Pod: "srv-a", Container: "srv", Node: "node-0", Utilization: 52.5},
		{Namespace: "ns", Pod: "srv-b", Container: "srv", Node: "node-1", Utilization: 100},
	})
	got := scrape(t, e)
	for _, want := range []string{
		`DCGM_FI_DEV_GPU_UTIL{Hostname="node-0",UUID="GPU-`,
		`container="srv",device="nvidia0",gpu="0",modelName="NVIDIA A100-SXM4-40GB",namespace="ns",pod="srv-a"} 52.5`,
		`pod="srv-b"} 100`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("scrape lacks %q:\n%s", want, got)
		}
	}
	// A pod no longer set is no longer reported.
	e.Set([]PodGPU{{Namespace: "ns", Pod: "srv-b", Container: "srv", Node: "node-1", Utilization: 10}})
	if got := scrape(t, e); strings.Contains(got, "srv-a") || !strings.Contains(got, `pod="srv-b"} 10`) {
		t.Errorf("after Set of srv-b only:\n%s", got)
	}
}
