// Command timeline is what e2e/autoscaling/run.sh calls to predict and then
// check what the HPAs do (package timeline has the checks):
//
//	timeline expect SETTINGS.env   print the HPA formula's end states as
//	                               NAME=N lines (cpu, gpu, queue_high,
//	                               queue_mid); exit 1 on settings that
//	                               would prove nothing
//	timeline check DIR             check the run recorded in DIR
//	                               (timeline.csv, steps.csv, settings.env):
//	                               print what it saw, then each failure;
//	                               exit 1 if any check failed
package main

import (
	"fmt"
	"os"

	"github.com/mlpipeline-dev/mlpipeline-fn/e2e/autoscaling/timeline"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: timeline expect SETTINGS.env | timeline check DIR")
		return 2
	}
	switch args[0] {
	case "expect":
		s, err := timeline.ReadSettings(args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		e, err := timeline.Expect(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("cpu=%d\ngpu=%d\nqueue_high=%d\nqueue_mid=%d\n", e.CPU, e.GPU, e.QueueHigh, e.QueueMid)
		return 0
	case "check":
		r, err := timeline.ReadRun(args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		f := timeline.Check(r)
		for _, n := range f.Notes {
			fmt.Println(n)
		}
		for _, msg := range f.Failures {
			fmt.Println("FAIL: " + msg)
		}
		if len(f.Failures) > 0 {
			return 1
		}
		return 0
	}
	fmt.Fprintf(os.Stderr, "timeline: unknown command %q (expect or check)\n", args[0])
	return 2
}
