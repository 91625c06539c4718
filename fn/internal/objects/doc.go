// Package objects builds the typed objects of a pipeline from its resolved
// Settings: the Deployment with its pod template, the autoscaling/v2 HPA
// or, with engine keda, KEDA's ScaledObject (scaledobject.go, with the
// mapping of the presets to KEDA triggers), the PodDisruptionBudget and the Service, with one set of labels and
// metadata; and the capacity envelope of the Deployment at full scale.
// Builders expect a pipeline that passed validation; Build turns a panic on
// one that did not into an error.
package objects
