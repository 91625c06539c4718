// Package serverside runs, inside the function, what kube-apiserver does
// when an object is created: the API server's scheme defaults the object and
// converts it to the internal version, the resource's registry strategy
// prepares it (dropping fields of disabled feature gates), validates it (the
// hand-written validation of k8s.io/kubernetes beside the declarative one)
// and gives its create warnings; Pod Security's own evaluator checks a pod
// template at the "restricted" level. All of it runs at one Kubernetes minor
// version with that version's feature gates, as `kube-apiserver
// --emulated-version` does.
//
// It knows nothing of MLPipelines: findings name paths in the object given,
// and the caller maps them back to the fields its user wrote.
package serverside
