// Package hpatraps checks the function's HPA trap rules against the HPA
// controller's own code, k8s.io/kubernetes/pkg/controller/podautoscaler at the
// pinned server version.
//
// A trap is an HPA the API server accepts but the controller can never act
// on: minReplicas 0 with a scale-up the behaviour normalisation turns into 0
// (Disabled, only Percent policies, selectPolicy Min with a Percent policy),
// or a Utilization target while a container the controller counts has no
// request for that resource (its request sum fails). The function refuses
// each of them; the tests here show, for every trap, that the controller
// indeed stays put on the objects the trap would give, and, for every
// accepted counterpart, that the controller scales the objects the function
// rendered.
//
// The controller runs unmodified (NewHorizontalController, its REST metrics
// client, its replica calculator and behaviour normalisation) against
// client-go's fake clientsets, which stand in for the API server and the
// metrics APIs. The function is the built binary, run as a user runs it.
//
// It is a nested module so that the controller's dependencies stay out of the
// function's go.mod.
package hpatraps
