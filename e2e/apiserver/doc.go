// Package apiserver is the end-to-end test of mlpipeline-fn against a real
// kube-apiserver v1.37.2 (make e2e-apiserver). The built function
// (bin/mlpipeline-fn) renders each case as kustomize and kpt run it, as a
// KRM function; the output is server-side applied with strict field
// validation into a cluster whose Pod Security admission enforces and warns
// on "restricted", and the function's verdict must match the server's:
// nothing the function accepts is refused, every server warning has a
// function warning, and a Pod made from each Deployment's template is
// accepted. envtest manages etcd and kube-apiserver; the test starts
// kube-controller-manager itself so that Deployments really create pods.
// docs/testing.md explains the cases and how to add one.
package apiserver
