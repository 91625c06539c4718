// Package conformance proves the function's ScaledObjects against KEDA's own
// Go API: each one decodes strictly (no unknown or misspelt field, no value of
// the wrong type) into github.com/kedacore/keda/v2/apis/keda/v1alpha1's
// ScaledObject, and passes the checks of KEDA's admission webhook that need no
// cluster. The checks that need one (the workload's resource requests, another
// HPA on the same workload) run in the e2e test, against KEDA's own webhook.
package conformance
