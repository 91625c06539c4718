package apiserver

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// startControllerManager runs kube-controller-manager with only the
// controllers that turn a Deployment into pods, on loopback, until the test
// ends; it is stopped by its process id (TERM, then KILL after 10 s).
func startControllerManager(t *testing.T, path, kubeconfig, stage string) {
	t.Helper()
	port := freePort(t)
	log := logFile(t, stage+"-kube-controller-manager.log")
	cmd := exec.Command(path,
		"--kubeconfig", kubeconfig,
		"--authentication-kubeconfig", kubeconfig,
		"--authorization-kubeconfig", kubeconfig,
		"--bind-address", "127.0.0.1", "--secure-port", port,
		"--cert-dir", filepath.Join(t.TempDir(), "pki"),
		"--controllers", "deployment,replicaset",
		"--leader-elect=false",
	)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting kube-controller-manager: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { stopProcess(t, "kube-controller-manager", cmd, exited) })

	// /healthz needs no authorization; the serving certificate is the
	// controller manager's own, self-signed.
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, // loopback test server
	}
	err := waitFor(context.Background(), time.Minute, func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("exited: %v", err)
		default:
		}
		resp, err := client.Get("https://127.0.0.1:" + port + "/healthz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/healthz: %s", resp.Status)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("kube-controller-manager (pid %d) not healthy: %v (log: %s)", cmd.Process.Pid, err, log.Name())
	}
	t.Logf("kube-controller-manager (pid %d) healthy on 127.0.0.1:%s", cmd.Process.Pid, port)
}

// stopProcess sends TERM to the process, and KILL if it has not exited
// within 10 s.
func stopProcess(t *testing.T, name string, cmd *exec.Cmd, exited chan error) {
	select {
	case <-exited:
		return
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Logf("%s (pid %d) did not stop on TERM; killing it", name, cmd.Process.Pid)
		_ = cmd.Process.Kill()
		<-exited
	}
}
