// Command metrics-adapter is the autoscaling e2e test's stand-in for a metrics
// pipeline (Prometheus adapter + DCGM exporter, KEDA's metrics server...): an
// aggregated API server, built on sigs.k8s.io/custom-metrics-apiserver, that
// serves
//
//   - custom.metrics.k8s.io (Pods and Object metrics) from the library's own
//     writable test provider (sigs.k8s.io/custom-metrics-apiserver/test-adapter/provider):
//     POST /write-metrics/namespaces/NS/RESOURCE/NAME/METRIC with a JSON
//     quantity as the body (e.g. "90");
//   - external.metrics.k8s.io from externalStore (external.go):
//     POST /write-external-metrics/namespaces/NS/METRIC?labels=k=v,k=v with a
//     quantity as the body.
//
// Unlike the library's test-adapter binary, both listeners are loopback only:
// the aggregated API on --bind-address (default 127.0.0.1, anything else is
// refused) and --secure-port (0: any free port), and the write endpoint on
// --write-address (default 127.0.0.1:0). The ports actually bound are written
// to --ports-file as secure-port=N and write-port=N lines, so the test never
// has to guess a free port.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/emicklei/go-restful/v3"
	"k8s.io/component-base/logs"
	"k8s.io/klog/v2"

	basecmd "sigs.k8s.io/custom-metrics-apiserver/pkg/cmd"
	"sigs.k8s.io/custom-metrics-apiserver/pkg/cmd/options"
	testprovider "sigs.k8s.io/custom-metrics-apiserver/test-adapter/provider"
)

func main() {
	logs.InitLogs()
	defer logs.FlushLogs()
	if err := run(); err != nil {
		klog.Errorf("metrics-adapter: %v", err)
		logs.FlushLogs()
		os.Exit(1)
	}
}

func run() error {
	adapter := &basecmd.AdapterBase{Name: "mlpipeline-e2e-metrics-adapter"}
	// Loopback defaults, set before the flags are installed so they are the
	// flags' defaults too.
	adapter.CustomMetricsAdapterServerOptions = options.NewCustomMetricsAdapterServerOptions()
	adapter.SecureServing.BindAddress = net.IPv4(127, 0, 0, 1)
	adapter.SecureServing.BindPort = 0
	fs := adapter.Flags()
	writeAddr := fs.String("write-address", "127.0.0.1:0", "loopback host:port of the HTTP endpoint that sets metric values (port 0: any free port)")
	portsFile := fs.String("ports-file", "", "file to write the bound ports to, as secure-port=N and write-port=N lines, once both listen")
	logs.AddFlags(fs)
	if err := fs.Parse(os.Args); err != nil {
		return err
	}

	// The aggregated API: listen here rather than in the library so that port
	// 0 works and the real port is known.
	if !adapter.SecureServing.BindAddress.IsLoopback() {
		return fmt.Errorf("--bind-address %s is not a loopback address", adapter.SecureServing.BindAddress)
	}
	secure, err := net.Listen("tcp", net.JoinHostPort(adapter.SecureServing.BindAddress.String(), strconv.Itoa(adapter.SecureServing.BindPort)))
	if err != nil {
		return err
	}
	adapter.SecureServing.Listener = secure
	adapter.SecureServing.BindPort = secure.Addr().(*net.TCPAddr).Port

	if err := loopbackOnly(*writeAddr); err != nil {
		return fmt.Errorf("--write-address: %w", err)
	}
	write, err := net.Listen("tcp", *writeAddr)
	if err != nil {
		return err
	}

	client, err := adapter.DynamicClient()
	if err != nil {
		return fmt.Errorf("dynamic client (--lister-kubeconfig): %w", err)
	}
	mapper, err := adapter.RESTMapper()
	if err != nil {
		return fmt.Errorf("REST mapper (--lister-kubeconfig): %w", err)
	}
	custom, customWrites := testprovider.NewFakeProvider(client, mapper)
	external := newExternalStore()
	adapter.WithCustomMetrics(custom)
	adapter.WithExternalMetrics(external)

	writes := restful.NewContainer()
	writes.Add(customWrites)
	mux := http.NewServeMux()
	mux.Handle("/write-metrics/", writes)
	mux.HandleFunc("POST /write-external-metrics/namespaces/{namespace}/{metric}", external.write)
	writeServer := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errs := make(chan error, 2)
	go func() {
		if err := writeServer.Serve(write); !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("write endpoint: %w", err)
		}
	}()
	go func() { errs <- adapter.Run(ctx) }()

	if *portsFile != "" {
		ports := fmt.Sprintf("secure-port=%d\nwrite-port=%d\n", adapter.SecureServing.BindPort, write.Addr().(*net.TCPAddr).Port)
		if err := os.WriteFile(*portsFile, []byte(ports), 0o644); err != nil {
			return err
		}
	}
	klog.Infof("serving custom.metrics.k8s.io and external.metrics.k8s.io on %s, metric writes on http://%s", secure.Addr(), write.Addr())

	err = <-errs
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = writeServer.Shutdown(shutdown)
	return err
}

// loopbackOnly refuses a listen address whose host is not a loopback IP or
// "localhost" (an empty host would mean every interface).
func loopbackOnly(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address", hostport)
	}
	return nil
}
