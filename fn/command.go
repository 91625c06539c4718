package fn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	kerrors "sigs.k8s.io/kustomize/kyaml/errors"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/serverside"
)

const usage = `mlpipeline-fn generates a Deployment, an autoscaling/v2 HorizontalPodAutoscaler,
a PodDisruptionBudget and, for a container with ports, a Service from each
MLPipeline (apiVersion mlpipeline.dev/v1alpha1).

With no arguments it is a KRM function: a ResourceList on stdin, the result on
stdout, as kustomize (--enable-alpha-plugins), kpt and Argo CD run it.
With arguments it renders standalone: the first file is the MLPipeline config,
the others (or - for stdin) are more resources; the result goes to stdout.

Problems are reported on stderr with the file, the object and the field;
the exit code is 1 when there is any error. A standalone run also prints
each pipeline's capacity envelope (its requests and limits at maxReplicas)
on stderr.`

// NewCommand wires the processor into kyaml's command: KRM function mode on
// stdin/stdout, or standalone rendering of files.
func NewCommand(version string) *cobra.Command {
	p := &Processor{}
	cmd := command.Build(p, command.StandaloneEnabled, true)
	cmd.Use = "mlpipeline-fn [CONFIG [FILE...|-]]"
	cmd.Short = "Generate a Deployment, HPA, PodDisruptionBudget and Service from an MLPipeline"
	cmd.Long = usage
	cmd.Example = `  kustomize build --enable-alpha-plugins --enable-exec kustomization-example/exec
  kpt fn eval --exec ./bin/mlpipeline-fn --fn-config mlpipeline.yaml
  mlpipeline-fn mlpipeline.yaml`
	cmd.Version = version
	showWarnings := cmd.Flags().Bool("warnings", true,
		"print warnings on stderr, and in standalone mode each pipeline's capacity line (results carry them in KRM mode either way)")
	cmd.Flags().StringVar(&p.kubernetesVersion, "kubernetes-version", serverside.DefaultVersion,
		fmt.Sprintf("the Kubernetes minor (%s) to render and validate for, where an MLPipeline sets no spec.kubernetesVersion",
			strings.Join(serverside.Versions, ", ")))
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if !serverside.IsSupported(p.kubernetesVersion) {
			return fmt.Errorf("--kubernetes-version %q is not supported: use one of %s", p.kubernetesVersion, strings.Join(serverside.Versions, ", "))
		}
		var err error
		// The capacity lines go to stderr only standalone: kpt shows results
		// itself.
		var info framework.Results
		if len(args) == 0 {
			err = runKRM(p, c.InOrStdin(), c.OutOrStdout())
			// kyaml's --stack flag: the stack of a wrapped kyaml error.
			if stack, _ := c.Flags().GetBool("stack"); stack && kerrors.GetStack(err) != "" {
				defer fmt.Fprintln(c.ErrOrStderr(), kerrors.GetStack(err))
			}
		} else {
			err = renderStandalone(p, args, c.InOrStdin(), c.OutOrStdout())
			info = p.capacity
		}
		return reportResults(c, err, p.results, info, *showWarnings)
	}
	// kyaml's command silences cobra's errors, flag errors included.
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		_, _ = fmt.Fprintf(c.ErrOrStderr(), "error: %v\nRun 'mlpipeline-fn --help' for usage.\n", err)
		return err
	})
	return cmd
}

// runKRM runs the processor as a KRM function. A ResourceList goes back to
// the orchestrator even on error, since its results carry the problems;
// plain YAML piped in by hand goes back only on success, like standalone
// output. Which of the two came in is what kyaml's reader saw.
func runKRM(p *Processor, in io.Reader, out io.Writer) error {
	var buf bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: in, Writer: &buf, KeepReaderAnnotations: true}
	err := executeKRM(p, rw)
	if err == nil || rw.WrappingKind == kio.ResourceListKind {
		if _, werr := out.Write(buf.Bytes()); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

// executeKRM is kyaml's framework.Execute with one step more: the items are
// checked right after reading, before kyaml's annotation bookkeeping, which
// fails with no index on an item that is a list or has metadata or
// annotations that are not maps, or silently drops annotations that are a
// plain value. Such items get the ResourceList back as it came, with an
// error result naming each one; the rest is framework.Execute's, step by
// step.
func executeKRM(p *Processor, rw *kio.ByteReadWriter) error {
	items, err := rw.Read()
	if err != nil {
		return kerrors.WrapPrefixf(err, "failed to read ResourceList input")
	}
	rl := &framework.ResourceList{Items: items, FunctionConfig: rw.FunctionConfig}
	var bad framework.Results
	for i, item := range items {
		if problem := objectProblem(fmt.Sprintf("items[%d]", i), item.YNode(), false); problem != nil {
			bad = append(bad, problem)
		}
	}
	if len(bad) > 0 {
		p.results = bad
		if err := writeUnread(rw, items, bad); err != nil {
			return err
		}
		return bad
	}
	nodeAnnos, err := kio.PreprocessResourcesForInternalAnnotationMigration(rl.Items)
	if err != nil {
		return err
	}
	processErr := p.process(rl, true)
	if err := kio.ReconcileInternalAnnotations(rl.Items, nodeAnnos); err != nil {
		return err
	}
	if len(rl.Results) > 0 {
		if rw.Results, err = resultsNode(rl.Results); err != nil {
			return err
		}
	}
	if err := rw.Write(rl.Items); err != nil {
		return err
	}
	return processErr
}

// writeUnread writes a ResourceList whose items kyaml cannot handle: the
// items as they came, the functionConfig, and the results. Plain YAML that
// was no ResourceList gets nothing: there is nowhere to put the results.
func writeUnread(rw *kio.ByteReadWriter, items []*yaml.RNode, found framework.Results) error {
	if rw.WrappingKind != kio.ResourceListKind {
		return nil
	}
	list := yaml.NewMapRNode(&map[string]string{"apiVersion": rw.WrappingAPIVersion, "kind": rw.WrappingKind})
	seq := yaml.NewListRNode()
	for _, item := range items {
		seq.YNode().Content = append(seq.YNode().Content, item.YNode())
	}
	results, err := resultsNode(found)
	if err != nil {
		return err
	}
	if err := list.PipeE(yaml.SetField("items", seq)); err != nil {
		return err
	}
	if rw.FunctionConfig != nil {
		if err := list.PipeE(yaml.SetField("functionConfig", rw.FunctionConfig)); err != nil {
			return err
		}
	}
	if err := list.PipeE(yaml.SetField("results", results)); err != nil {
		return err
	}
	text, err := list.String()
	if err != nil {
		return err
	}
	_, err = io.WriteString(rw.Writer, text)
	return err
}

// resultsNode encodes results as framework.Execute does.
func resultsNode(results framework.Results) (*yaml.RNode, error) {
	b, err := yaml.Marshal(results)
	if err != nil {
		return nil, kerrors.Wrap(err)
	}
	return yaml.Parse(string(b))
}

// reportResults prints problems for people on stderr: every error and
// warning of a failed run, and the warnings of a successful one, followed by
// info (the capacity lines of a standalone run). kustomize drops a
// function's results, so stderr is where its users see warnings. Only
// stdout carries objects, so nothing here can reach kustomize's or kpt's
// input.
func reportResults(c *cobra.Command, err error, results, info framework.Results, showWarnings bool) error {
	var failed framework.Results
	switch {
	case errors.As(err, &failed):
		_, _ = fmt.Fprint(c.ErrOrStderr(), formatResults(failed))
	case err != nil:
		_, _ = fmt.Fprintf(c.ErrOrStderr(), "error: %v\n", err)
	case showWarnings:
		var warnings framework.Results
		for _, r := range results {
			if r.Severity == framework.Warning {
				warnings = append(warnings, r)
			}
		}
		_, _ = fmt.Fprint(c.ErrOrStderr(), formatResults(append(warnings, info...)))
	}
	return err
}
