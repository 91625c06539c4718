package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
)

// prometheusServer is the real Prometheus the GPU server's prometheus
// trigger queries. It scrapes the exporter every 2 s, keeping the
// exporter's pod and namespace labels (honor_labels, as the gpu preset's
// podLabel: pod expects); its data survives a restart in dir.
type prometheusServer struct {
	process
	url string
}

func newPrometheusServer(bin, dir, pidFile string, port int, exporterAddr string) (*prometheusServer, error) {
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(config, []byte(fmt.Sprintf(`global: {scrape_interval: 2s, evaluation_interval: 2s}
scrape_configs:
- job_name: dcgm-exporter
  honor_labels: true
  static_configs:
  - targets: ['%s']
`, exporterAddr)), 0o644); err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	return &prometheusServer{
		process: process{name: "prometheus", bin: bin, dir: dir, pidFile: pidFile, args: []string{
			"--config.file", config, "--web.listen-address", addr, "--storage.tsdb.path", filepath.Join(dir, "data")}},
		url: "http://" + addr,
	}, nil
}

func (p *prometheusServer) start(ctx context.Context) error {
	return p.process.start(ctx, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/-/ready", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s/-/ready: %s", p.url, resp.Status)
		}
		return nil
	})
}
