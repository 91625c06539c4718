package apiserver

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// cluster is etcd and kube-apiserver (envtest manages both processes),
// optionally with kube-controller-manager, and the clients the checks use.
type cluster struct {
	config  *rest.Config
	dynamic dynamic.Interface
	mapper  *restmapper.DeferredDiscoveryRESTMapper
	kubectl string // kubectl, with --kubeconfig for this cluster
	kubecfg string // the admin kubeconfig's path
	hasPods bool   // a controller manager turns Deployments into pods
}

type clusterOptions struct {
	stage             string // names the log files
	emulatedVersion   string // kube-apiserver --emulated-version
	controllerManager bool   // start kube-controller-manager
}

// podSecurityAdmission makes Pod Security "restricted" the enforced and
// warned level of every namespace, so no test namespace can miss a label.
const podSecurityAdmission = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: restricted
      enforce-version: latest
      warn: restricted
      warn-version: latest
      audit: restricted
      audit-version: latest
    exemptions: {}
`

// startCluster starts the control plane; t.Cleanup stops every process it
// started, by its process, also when the test fails.
func startCluster(t *testing.T, bins binaries, opts clusterOptions) *cluster {
	t.Helper()
	dir := t.TempDir()
	admission := filepath.Join(dir, "admission.yaml")
	if err := os.WriteFile(admission, []byte(podSecurityAdmission), 0o600); err != nil {
		t.Fatal(err)
	}

	etcd := &envtest.Etcd{
		Path: bins.etcd,
		URL:  loopbackURL(t, "http"),
		Out:  logFile(t, opts.stage+"-etcd.log"),
	}
	etcd.Err = etcd.Out
	etcd.Configure().
		Set("listen-peer-urls", loopbackURL(t, "http").String()).
		Set("log-level", "warn")

	api := &envtest.APIServer{
		Path: bins.apiserver,
		Out:  logFile(t, opts.stage+"-kube-apiserver.log"),
	}
	api.Err = api.Out
	api.SecureServing.ListenAddr = envtest.ListenAddr{Address: "127.0.0.1", Port: freePort(t)}
	args := api.Configure()
	// envtest switches the ServiceAccount admission plugin off; a real
	// cluster has it (pods must name an existing service account).
	args.Disable("disable-admission-plugins")
	args.Set("advertise-address", "127.0.0.1").
		// The "kubernetes" Service's endpoint reconciler refuses a loopback
		// address, and nothing here needs that Service.
		Set("endpoint-reconciler-type", "none").
		// As in kubeadm clusters: Pod Security, not this flag, must stop a
		// privileged pod.
		Set("allow-privileged", "true").
		Set("authorization-mode", "RBAC").
		Set("service-cluster-ip-range", "10.96.0.0/16").
		Set("admission-control-config-file", admission)
	if opts.emulatedVersion != "" {
		args.Set("emulated-version", opts.emulatedVersion)
	}

	env := &envtest.Environment{
		ControlPlane: envtest.ControlPlane{APIServer: api, Etcd: etcd, KubectlPath: bins.kubectl},
		// The emulating server and a loaded machine are slow to come up.
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	config, err := env.Start()
	if err != nil {
		t.Fatalf("starting etcd and kube-apiserver: %v (logs in %s)", err, outDir)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stopping etcd and kube-apiserver: %v", err)
		}
	})
	config.WarningHandlerWithContext = warningRecorder{}
	config.Timeout = time.Minute

	c := &cluster{config: config}
	if c.dynamic, err = dynamic.NewForConfig(config); err != nil {
		t.Fatal(err)
	}
	disco, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	c.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))
	c.kubecfg = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(c.kubecfg, env.KubeConfig, 0o600); err != nil {
		t.Fatal(err)
	}
	c.kubectl = bins.kubectl
	t.Logf("kube-apiserver on %s (logs in %s)", config.Host, outDir)

	if opts.controllerManager {
		startControllerManager(t, bins.controllerManager, c.kubecfg, opts.stage)
		c.hasPods = true
	}
	return c
}

// mapping finds the resource of an object's kind; after a CRD is installed
// the discovery cache is reset once to find its kind.
func (c *cluster) mapping(apiVersion, kind string) (*meta.RESTMapping, error) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, err
	}
	m, err := c.mapper.RESTMapping(gv.WithKind(kind).GroupKind(), gv.Version)
	if meta.IsNoMatchError(err) {
		c.mapper.Reset()
		m, err = c.mapper.RESTMapping(gv.WithKind(kind).GroupKind(), gv.Version)
	}
	return m, err
}

// loopbackURL is a URL on a free 127.0.0.1 port.
func loopbackURL(t *testing.T, scheme string) *url.URL {
	return &url.URL{Scheme: scheme, Host: net.JoinHostPort("127.0.0.1", freePort(t))}
}

// freePort is a port nobody listens on right now on 127.0.0.1. Another
// process could take it before the server binds it; the server then fails
// to start, and envtest reports that.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// waitFor polls check every half second until it returns nil or the
// timeout passes; it returns check's last error.
func waitFor(ctx context.Context, timeout time.Duration, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("after %s: %w", timeout, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
