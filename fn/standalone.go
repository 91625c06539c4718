package fn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/yamlnode"
)

// stdinArg names standard input among the file arguments.
const stdinArg = "-"

// renderStandalone renders CONFIG [FILE...] to out: every file is read on
// its own, and every object remembers its file for the messages.
//
// kyaml's standalone mode joins the files end to end, so a file that does
// not start with "---" merges into the last object of the one before it,
// and it reads only the first document of CONFIG: both lose what the user
// wrote without a word.
func renderStandalone(p *Processor, args []string, stdin io.Reader, out io.Writer) error {
	config, err := readConfigFile(args[0], stdin)
	if err != nil {
		return err
	}
	p.configFile = displayName(args[0])
	p.itemFiles = map[*yaml.Node]string{}
	var items []*yaml.RNode
	for _, name := range args[1:] {
		nodes, err := readFile(name, stdin)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			p.itemFiles[n.YNode()] = displayName(name)
		}
		items = append(items, nodes...)
	}
	rl := &framework.ResourceList{Items: items, FunctionConfig: config}
	if err := p.Process(rl); err != nil {
		return err
	}
	// Nothing is written before everything succeeded: standalone output is
	// usually piped to kubectl or into a file.
	var buf bytes.Buffer
	if err := (kio.ByteWriter{Writer: &buf}).Write(rl.Items); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	_, err = out.Write(buf.Bytes())
	return err
}

// readConfigFile reads CONFIG, which must hold exactly one object.
func readConfigFile(name string, stdin io.Reader) (*yaml.RNode, error) {
	nodes, err := readFile(name, stdin)
	if err != nil {
		return nil, err
	}
	switch len(nodes) {
	case 0:
		return nil, fmt.Errorf("%s: holds no object; the config must be one %s", displayName(name), pipelineWords)
	case 1:
		if yamlnode.IsEmpty(nodes[0]) {
			return nil, fmt.Errorf("%s: holds an empty object; the config must be one %s", displayName(name), pipelineWords)
		}
		return nodes[0], nil
	}
	return nil, fmt.Errorf("%s: holds %d YAML documents; the config must be one %s (to render several, give the others as more files: mlpipeline-fn CONFIG FILE...)",
		displayName(name), len(nodes), pipelineWords)
}

// pipelineWords names the config's kind for people.
const pipelineWords = "MLPipeline (apiVersion mlpipeline.dev/v1alpha1)"

// readFile reads the YAML documents of one file, or of stdin for "-".
func readFile(name string, stdin io.Reader) ([]*yaml.RNode, error) {
	var data []byte
	var err error
	if name == stdinArg {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", displayName(name), unwrapPathError(err))
	}
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return nil, fmt.Errorf("%s: not valid YAML: %s", displayName(name), yamlErrorText(err))
	}
	kept := nodes[:0]
	for _, n := range nodes {
		// "---" alone, or a document that is only null, holds nothing.
		if n.YNode().Kind == yaml.ScalarNode && n.YNode().Tag == yaml.NodeTagNull {
			continue
		}
		if n.YNode().Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s: a document is not a Kubernetes object (a YAML map) but a %s", displayName(name), yamlnode.KindName(n.YNode()))
		}
		kept = append(kept, n)
	}
	return kept, nil
}

func displayName(name string) string {
	if name == stdinArg {
		return "stdin"
	}
	return name
}

// unwrapPathError drops the operation and path that os errors repeat.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// yamlErrorText is the YAML parser's own words, without kyaml's wrapping.
func yamlErrorText(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "yaml: "); i >= 0 {
		msg = msg[i+len("yaml: "):]
	}
	return msg
}
