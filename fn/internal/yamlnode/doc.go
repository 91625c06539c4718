// Package yamlnode reads and writes YAML nodes as the function's users'
// tools do. ToJSON gives the JSON that kubectl and kustomize would decode
// from a node (merge keys, aliases, bounded against alias bombs), for strict
// decoding; FromObject turns a typed object into a YAML node in a fixed
// order, with every string that a YAML 1.1 reader (kubectl, Argo CD) would
// take for something else quoted. The rest are small node helpers.
package yamlnode
