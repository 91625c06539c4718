package bench

import (
	"bytes"
	"io"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn"
)

// identity is the baseline processor: kyaml reads and writes, nothing changes.
var identity = framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })

// execute runs p over input the way command.Build does in the binaries
// (reader annotations kept), without process start-up.
func execute(p framework.ResourceListProcessor, input []byte, w io.Writer) error {
	return framework.Execute(p, &kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: w, KeepReaderAnnotations: true})
}

// BenchmarkProcess runs the function's processor and the identity processor
// over the generated inputs of every case:
//
//	go test -run='^$' -bench=. -benchmem ./bench/
func BenchmarkProcess(b *testing.B) {
	for _, c := range Cases {
		input := ResourceList(c.Items, c.Pipelines)
		b.Run("fn/"+c.Name(), func(b *testing.B) { loop(b, &fn.Processor{}, input) })
		b.Run("identity/"+c.Name(), func(b *testing.B) {
			idInput := input
			if c.IdentityOnFnOutput {
				// Only when this sub-benchmark is selected: it costs a full run.
				var out bytes.Buffer
				if err := execute(&fn.Processor{}, input, &out); err != nil {
					b.Fatalf("%s: %v", c.Label, err)
				}
				idInput = out.Bytes()
			}
			loop(b, identity, idInput)
		})
	}
}

func loop(b *testing.B, p framework.ResourceListProcessor, input []byte) {
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		if err := execute(p, input, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
