// Package dcgm serves a GPU utilisation gauge the way NVIDIA's DCGM exporter
// does on a Kubernetes node: DCGM_FI_DEV_GPU_UTIL, one series per GPU, with
// the exporter's labels (gpu, UUID, device, modelName, Hostname) and the pod
// that holds the GPU (namespace, pod, container). The KEDA e2e test sets the
// values for the KWOK pods, which have no GPUs; a real Prometheus scrapes it.
package dcgm

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metric is the DCGM exporter's GPU utilisation gauge (percent).
const Metric = "DCGM_FI_DEV_GPU_UTIL"

// ModelName is the GPU model the series report.
const ModelName = "NVIDIA A100-SXM4-40GB"

// labels are the DCGM exporter's, in its order.
var labels = []string{"gpu", "UUID", "device", "modelName", "Hostname", "namespace", "pod", "container"}

// PodGPU is one pod's GPU: where it runs and how busy it is.
type PodGPU struct {
	Namespace, Pod, Container, Node string
	Utilization                     float64
}

// Exporter serves DCGM_FI_DEV_GPU_UTIL for the pods last Set.
type Exporter struct {
	mu    sync.Mutex
	gauge *prometheus.GaugeVec
	reg   *prometheus.Registry
}

// New returns an exporter with no series.
func New() *Exporter {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: Metric,
		Help: "GPU utilization (in %).",
	}, labels)
	reg := prometheus.NewRegistry()
	reg.MustRegister(g)
	return &Exporter{gauge: g, reg: reg}
}

// Set replaces every series with one per pod: a pod that is gone stops
// being reported, as its GPU would be released.
func (e *Exporter) Set(pods []PodGPU) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gauge.Reset()
	for _, p := range pods {
		e.gauge.With(prometheus.Labels{
			"gpu": "0", "UUID": uuid(p), "device": "nvidia0", "modelName": ModelName,
			"Hostname": p.Node, "namespace": p.Namespace, "pod": p.Pod, "container": p.Container,
		}).Set(p.Utilization)
	}
}

// Handler serves the metrics in the Prometheus exposition format.
func (e *Exporter) Handler() http.Handler {
	return promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{})
}

// uuid is a stable GPU UUID per pod, in the driver's GPU-xxxxxxxx-... form.
func uuid(p PodGPU) string {
	h := sha256.Sum256([]byte(p.Namespace + "/" + p.Pod))
	return fmt.Sprintf("GPU-%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
