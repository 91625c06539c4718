package fn

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const usage = `mlpipeline-fn generates a Deployment, an autoscaling/v2 HorizontalPodAutoscaler
and a PodDisruptionBudget from each MLPipeline (apiVersion mlpipeline.dev/v1alpha1).

With no arguments it is a KRM function: a ResourceList on stdin, the result on
stdout, as kustomize (--enable-alpha-plugins), kpt and Argo CD run it.
With arguments it renders standalone: the first file is the MLPipeline config,
the others (or - for stdin) are more resources; the result goes to stdout.

Problems are reported on stderr with the file, the object and the field;
the exit code is 1 when there is any error.`

// NewCommand wires the processor into kyaml's command: KRM function mode on
// stdin/stdout, or standalone rendering of files.
func NewCommand(version string) *cobra.Command {
	p := &Processor{}
	cmd := command.Build(p, command.StandaloneEnabled, true)
	cmd.Use = "mlpipeline-fn [CONFIG [FILE...|-]]"
	cmd.Short = "Generate a Deployment, HPA and PodDisruptionBudget from an MLPipeline"
	cmd.Long = usage
	cmd.Example = `  kustomize build --enable-alpha-plugins --enable-exec kustomization-example/exec
  kpt fn eval --exec ./bin/mlpipeline-fn --fn-config mlpipeline.yaml
  mlpipeline-fn mlpipeline.yaml`
	cmd.Version = version
	showWarnings := cmd.Flags().Bool("warnings", true, "print warnings on stderr (results carry them in KRM mode either way)")
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		report := func(err error) error {
			return reportResults(c, err, p.Results, *showWarnings)
		}
		if len(args) == 0 {
			// A ResourceList goes back to the orchestrator even on error: its
			// results carry the problems. Plain YAML piped in by hand goes
			// back only on success, like standalone output.
			out := c.OutOrStdout()
			in, err := io.ReadAll(c.InOrStdin())
			if err != nil {
				return report(fmt.Errorf("reading stdin: %w", err))
			}
			if rejected, results := rejectBadItems(in); rejected != nil {
				p.Results = results
				_, werr := out.Write(rejected)
				return report(errors.Join(results, werr))
			}
			c.SetIn(bytes.NewReader(in))
			var buf bytes.Buffer
			c.SetOut(&buf)
			err = run(c, args)
			c.SetOut(out)
			if err == nil || isResourceList(buf.Bytes()) {
				if _, werr := out.Write(buf.Bytes()); werr != nil && err == nil {
					err = werr
				}
			}
			return report(err)
		}
		return report(renderStandalone(p, args, c.InOrStdin(), c.OutOrStdout()))
	}
	// kyaml's command silences cobra's errors, flag errors included.
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		_, _ = fmt.Fprintf(c.ErrOrStderr(), "error: %v\nRun 'mlpipeline-fn --help' for usage.\n", err)
		return err
	})
	return cmd
}

// rejectBadItems checks the items of a ResourceList before kyaml reads
// them: an item that is not a map, or whose metadata or annotations are
// not maps, makes kyaml fail with no ResourceList and no item index, or
// silently drop the value. It returns the ResourceList as it came with an
// error result for each such item, or nil when there is none (or the input
// is no ResourceList, which kyaml reports itself).
func rejectBadItems(in []byte) ([]byte, framework.Results) {
	var doc yaml.Node
	if yaml.NewDecoder(bytes.NewReader(in)).Decode(&doc) != nil || len(doc.Content) != 1 {
		return nil, nil
	}
	rl := yaml.NewRNode(doc.Content[0])
	if rl.YNode().Kind != yaml.MappingNode || rl.GetKind() != "ResourceList" {
		return nil, nil
	}
	items := rl.Field("items")
	if items == nil || items.Value.YNode().Kind != yaml.SequenceNode {
		return nil, nil
	}
	var results framework.Results
	for i, item := range items.Value.YNode().Content {
		if problem := itemProblem(i, item, false); problem != nil {
			results = append(results, problem)
		}
	}
	if len(results) == 0 {
		return nil, nil
	}
	encoded, err := yaml.Marshal(results)
	if err != nil {
		return nil, append(results, &framework.Result{Severity: framework.Error, Message: err.Error()})
	}
	resultNodes, err := yaml.Parse(string(encoded))
	if err != nil {
		return nil, append(results, &framework.Result{Severity: framework.Error, Message: err.Error()})
	}
	if old := rl.Field("results"); old != nil && old.Value.YNode().Kind == yaml.SequenceNode {
		resultNodes.YNode().Content = append(old.Value.YNode().Content, resultNodes.YNode().Content...)
	}
	if err := rl.PipeE(yaml.SetField("results", resultNodes)); err != nil {
		return nil, append(results, &framework.Result{Severity: framework.Error, Message: err.Error()})
	}
	out, err := rl.String()
	if err != nil {
		return nil, append(results, &framework.Result{Severity: framework.Error, Message: err.Error()})
	}
	return []byte(out), results
}

// isResourceList reports whether kyaml wrote a ResourceList, which it does
// exactly when it read one.
func isResourceList(out []byte) bool {
	head := out[:min(len(out), 512)]
	return bytes.Contains(head, []byte("kind: ResourceList"))
}

// reportResults prints problems for people on stderr: every error and
// warning of a failed run, and the warnings of a successful one. kustomize
// drops a function's results, so stderr is where its users see warnings.
func reportResults(c *cobra.Command, err error, results framework.Results, showWarnings bool) error {
	var failed framework.Results
	switch {
	case errors.As(err, &failed):
		_, _ = fmt.Fprint(c.ErrOrStderr(), FormatResults(failed))
	case err != nil:
		_, _ = fmt.Fprintf(c.ErrOrStderr(), "error: %v\n", err)
	case showWarnings:
		var warnings framework.Results
		for _, r := range results {
			if r.Severity == framework.Warning {
				warnings = append(warnings, r)
			}
		}
		_, _ = fmt.Fprint(c.ErrOrStderr(), FormatResults(warnings))
	}
	return err
}
