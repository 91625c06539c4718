// Package bench holds the benchmark tooling of mlpipeline-fn: a deterministic
// ResourceList generator (used by bench/gen, bench/measure and the Go
// benchmarks, so every measurement sees the same bytes) and the Go benchmarks.
package bench

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// namespaces spreads items over a few namespaces, as a real monorepo package does.
var namespaces = []string{"team-a", "team-b", "team-c", "platform"}

// ResourceList returns a ResourceList with items pass-through resources (a
// rotating mix of Deployments, Services and ConfigMaps, all with YAML comments)
// followed by pipelines valid MLPipelines. The output depends only on the two
// counts, so inputs are reproducible on any machine.
func ResourceList(items, pipelines int) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
	if items+pipelines == 0 {
		b.WriteString("items: []\n")
		return b.Bytes()
	}
	b.WriteString("items:\n")
	for i := range items {
		switch i % 3 {
		case 0:
			writeDeployment(&b, i)
		case 1:
			writeService(&b, i)
		default:
			writeConfigMap(&b, i)
		}
	}
	for i := range pipelines {
		writeMLPipeline(&b, i)
	}
	return b.Bytes()
}

// writeAnnotations writes the path/index annotations kpt attaches to an item
// read from a package file. Only MLPipelines carry them: the function copies
// them into its results, and leaving them off the pass-through items keeps a
// 10,000-item list near the 2.7 MB the reference numbers were taken on.
func writeAnnotations(b *bytes.Buffer, file string) {
	fmt.Fprintf(b, `    annotations:
      internal.config.kubernetes.io/path: '%s'
      internal.config.kubernetes.io/index: '0'
`, file)
}

func writeDeployment(b *bytes.Buffer, i int) {
	ns := namespaces[i%len(namespaces)]
	name := fmt.Sprintf("web-%05d", i)
	fmt.Fprintf(b, "# Deployment %d: a plain web workload the function must not touch\n", i)
	fmt.Fprintf(b, `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: %[1]s
    namespace: %[2]s
    labels:
      app: %[1]s # selector label
`, name, ns)
	fmt.Fprintf(b, `  spec:
    replicas: %[2]d
    selector:
      matchLabels:
        app: %[1]s
    template:
      metadata:
        labels:
          app: %[1]s
      spec:
        containers:
        - name: web
          image: registry.example.com/web:1.%[3]d.0 # pinned by CI
          ports:
          - containerPort: 8080
            name: http
`, name, 1+i%5, i%40)
}

// writeService writes the Service in front of the Deployment written just before it.
func writeService(b *bytes.Buffer, i int) {
	ns := namespaces[(i-1)%len(namespaces)]
	name := fmt.Sprintf("web-%05d", i-1)
	fmt.Fprintf(b, "# Service %d\n", i)
	fmt.Fprintf(b, `- apiVersion: v1
  kind: Service
  metadata:
    name: %[1]s
    namespace: %[2]s
`, name, ns)
	fmt.Fprintf(b, `  spec:
    selector:
      app: %[1]s
    ports:
    - port: 80 # public port
      targetPort: http
`, name)
}

func writeConfigMap(b *bytes.Buffer, i int) {
	ns := namespaces[i%len(namespaces)]
	name := fmt.Sprintf("settings-%05d", i)
	fmt.Fprintf(b, `- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: %[1]s
    namespace: %[2]s
`, name, ns)
	fmt.Fprintf(b, `  data:
    # keep in sync with the web tier
    LOG_LEVEL: info
    FEATURE_FLAGS: "a,b,c"
    SHARD: "%d"
`, i%16)
}

// writeMLPipeline writes MLPipeline number i with a unique name and a digest derived from it, so it passes validation.
func writeMLPipeline(b *bytes.Buffer, i int) {
	ns := namespaces[i%len(namespaces)]
	name := fmt.Sprintf("model-%05d", i)
	digest := sha256.Sum256([]byte(name))
	fmt.Fprintf(b, "# MLPipeline %d: serves one model\n", i)
	fmt.Fprintf(b, `- apiVersion: mlpipeline.dev/v1alpha1
  kind: MLPipeline
  metadata:
    name: %[1]s
    namespace: %[2]s
`, name, ns)
	writeAnnotations(b, fmt.Sprintf("%s/%s.mlpipeline.yaml", ns, name))
	fmt.Fprintf(b, `  spec:
    image: registry.example.com/model@sha256:%x
    resources:
      requests: {cpu: 500m, memory: 1Gi, ephemeral-storage: 1Gi}
      limits: {cpu: "1", memory: 2Gi, ephemeral-storage: 2Gi}
    autoscaling:
      maxReplicas: 10 # peak traffic
`, digest)
}

// Case is one benchmarked input: Items pass-through items plus Pipelines
// MLPipelines. With IdentityOnFnOutput the baseline reads the function's own
// output instead of the input, so the ratio is what generating the resources
// costs over merely reading and writing them.
type Case struct {
	Label              string
	Items, Pipelines   int
	IdentityOnFnOutput bool
}

// Name is the case's Go sub-benchmark name.
func (c Case) Name() string { return fmt.Sprintf("items=%d,pipelines=%d", c.Items, c.Pipelines) }

// Cases are the inputs issue 5's targets are stated on, shared by the
// process benchmarks (bench/measure) and the Go benchmarks.
var Cases = []Case{
	{Label: "empty list"},
	{Label: "10 items + 1 MLPipeline", Items: 10, Pipelines: 1},
	{Label: "1,000 items + 10 MLPipelines", Items: 1000, Pipelines: 10},
	{Label: "10,000 items + 10 MLPipelines", Items: 10000, Pipelines: 10},
	{Label: "1,000 MLPipelines (identity on the function's output)", Pipelines: 1000, IdentityOnFnOutput: true},
}
