// Command readmecheck runs the README's quick start and walkthrough the way a
// new user would, on a fresh clone, and fails unless every command succeeds
// and prints exactly the output the README shows after it.
//
//	go run ./hack/readmecheck            # check (make check-readme)
//	go run ./hack/readmecheck -update    # rewrite the README's outputs
//
// The part of README.md from "## Quick start" to "## Using it" is read as a
// script: every ```sh block runs, in order, in one working directory that a
// `cd` in a block carries over (bash, errexit off, so a block may show a
// failing command followed by `echo $?`); the ```text block that follows a
// sh block, before the next one, is what it must print (stdout and stderr
// together, as a terminal shows them). A sh block without a text block must
// still exit 0. The README's `git clone https://github.com/...` line clones
// the local repository's HEAD instead, so commit before checking.
//
// Two things vary from run to run and are masked on both sides: kpt's
// "in 200ms" timings and the version `make build` stamps (main.version=<sha>).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

const (
	cloneLine = "git clone https://github.com/mlpipeline-dev/mlpipeline-fn"
	startMark = "## Quick start"
	endMark   = "## Using it"
)

var (
	block  = regexp.MustCompile("(?s)```(sh|text)\n(.*?)```")
	masks  = []*regexp.Regexp{regexp.MustCompile(`in [0-9.]+m?s\b`), regexp.MustCompile(`main\.version=[0-9a-f]+(-dirty)?`)}
	masked = []string{"in <time>", "main.version=<version>"}
)

func main() {
	update := flag.Bool("update", false, "rewrite the README's output blocks from this run")
	readme := flag.String("readme", "README.md", "the README to check")
	flag.Parse()
	if err := run(*readme, *update); err != nil {
		fmt.Fprintln(os.Stderr, "readmecheck:", err)
		os.Exit(1)
	}
}

// step is one sh block and the text block after it, if any, as byte
// offsets into the README.
type step struct {
	script         string
	want           string
	hasWant        bool
	wantStart, end int
}

func run(readme string, update bool) error {
	src, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	text := string(src)
	from, to := strings.Index(text, startMark), strings.Index(text, endMark)
	if from < 0 || to < from {
		return fmt.Errorf("%s: no %q section before %q", readme, startMark, endMark)
	}
	steps := parse(text, from, to)
	if len(steps) == 0 || !strings.Contains(steps[0].script, cloneLine) {
		return fmt.Errorf("%s: the first sh block of %q must contain %q", readme, startMark, cloneLine)
	}
	repo, err := filepath.Abs(filepath.Dir(readme))
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "readmecheck-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	dir, failed := work, 0
	for i := range steps {
		s := &steps[i]
		script := strings.Replace(s.script, cloneLine, "git clone -q "+repo+" mlpipeline-fn", 1)
		out, rc, newDir, err := runBlock(script, dir)
		if err != nil {
			return err
		}
		dir = newDir
		fmt.Printf("readmecheck: block %d (exit %d):\n%s", i+1, rc, indent(s.script))
		switch {
		case !s.hasWant && rc != 0:
			failed++
			fmt.Printf("FAIL: exit status %d and the README shows no output; it printed:\n%s", rc, indent(out))
		case s.hasWant && mask(out) != mask(s.want):
			if update {
				s.want = out
				continue
			}
			failed++
			fmt.Printf("FAIL: it printed\n%sbut the README shows\n%s", indent(out), indent(s.want))
		}
	}
	if update {
		return os.WriteFile(readme, []byte(rewrite(text, steps)), 0o644)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d README blocks do not do what the README says (go run ./hack/readmecheck -update rewrites the outputs)", failed, len(steps))
	}
	fmt.Printf("readmecheck: all %d blocks ran on a fresh clone and printed what the README shows\n", len(steps))
	return nil
}

// parse finds the sh blocks in text[from:to] and the text block after each.
func parse(text string, from, to int) []step {
	var steps []step
	for _, m := range block.FindAllStringSubmatchIndex(text[from:to], -1) {
		kind, body := text[from+m[2]:from+m[3]], text[from+m[4]:from+m[5]]
		switch {
		case kind == "sh":
			steps = append(steps, step{script: body})
		case len(steps) > 0 && !steps[len(steps)-1].hasWant:
			s := &steps[len(steps)-1]
			s.want, s.hasWant, s.wantStart, s.end = body, true, from+m[4], from+m[5]
		}
	}
	return steps
}

// runBlock runs script with bash in dir and returns its output, its exit
// status and the directory it ended in.
func runBlock(script, dir string) (string, int, string, error) {
	pwd, err := os.CreateTemp("", "readmecheck-pwd-")
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(pwd.Name())
	pwd.Close()
	cmd := exec.Command("bash", "-c", script+"\nrc=$?\npwd > "+pwd.Name()+"\nexit $rc")
	cmd.Dir = dir
	cmd.Env = userEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	rc := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			return "", 0, "", err
		}
		rc = ee.ExitCode()
	}
	b, err := os.ReadFile(pwd.Name())
	if err != nil {
		return "", 0, "", err
	}
	if d := strings.TrimSpace(string(b)); d != "" {
		dir = d
	}
	return out.String(), rc, dir, nil
}

// userEnv is this process's environment without what an enclosing make
// (make check-readme) passes to its children: a user's shell has none of
// it, and the README's own make commands would print "make[1]: Entering
// directory" with it.
func userEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch name, _, _ := strings.Cut(kv, "="); name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS", "MAKE_TERMOUT", "MAKE_TERMERR":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func mask(s string) string {
	for i, re := range masks {
		s = re.ReplaceAllString(s, masked[i])
	}
	return strings.TrimRight(s, "\n")
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}

// rewrite puts each step's output into its text block.
func rewrite(text string, steps []step) string {
	var b strings.Builder
	last := 0
	for _, s := range steps {
		if !s.hasWant {
			continue
		}
		b.WriteString(text[last:s.wantStart])
		b.WriteString(strings.TrimRight(s.want, "\n") + "\n")
		last = s.end
	}
	b.WriteString(text[last:])
	return b.String()
}
