package apiserver

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runExamples renders every kustomization under kustomization-example/ with
// the pinned kustomize, as the README shows, and checks the output. One
// whose generator runs the function's container image needs a running
// container engine and the image; without them it is skipped, loudly.
func (s *suite) runExamples(t *testing.T) {
	var dirs []string
	root := filepath.Join(repoRoot, "kustomization-example")
	err := filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err == nil && filepath.Base(p) == "kustomization.yaml" {
			dirs = append(dirs, filepath.Dir(p))
		}
		return err
	})
	if err != nil || len(dirs) == 0 {
		t.Fatalf("kustomization-example/ has no kustomization.yaml: %v", err)
	}
	path := os.Getenv("PATH")
	for _, dir := range dirs {
		rel, _ := filepath.Rel(repoRoot, dir)
		t.Run(rel, func(t *testing.T) {
			path := path
			if image := containerImage(t, dir); image != "" {
				shimmed, why := engineWithImage(t, image)
				if why != "" {
					t.Skipf("NOT CHECKED: runs the function's image %s, and %s", image, why)
				}
				path = shimmed + string(os.PathListSeparator) + path
			}
			cmd := exec.Command(s.bins.kustomize, "build", "--enable-alpha-plugins", "--enable-exec", ".")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+path)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("kustomize build: %v\n%s", err, errOut.String())
			}
			objs, err := parseObjects(out.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			s.checkClean(t, objs)
		})
	}
}

var imageLine = regexp.MustCompile(`(?m)^\s*container:\s*\n\s*image:\s*(\S+)`)

// containerImage is the image a kustomization's generator runs, if any.
func containerImage(t *testing.T, dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := imageLine.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	return ""
}

// engineWithImage finds a running container engine that has image. kustomize
// runs container functions through `docker`; where podman is the engine (as
// after `make e2e` on this kind of machine), a shim directory makes it one.
// It returns the directory to put first on PATH, or why there is none.
func engineWithImage(t *testing.T, image string) (string, string) {
	works := func(env []string, args ...string) bool {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = env
		return cmd.Run() == nil
	}
	shim := t.TempDir()
	env := os.Environ()
	if !works(env, "docker", "info") {
		if !works(env, "podman", "info") {
			return "", "no container engine is running"
		}
		if err := os.WriteFile(filepath.Join(shim, "docker"), []byte("#!/bin/sh\nexec podman \"$@\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env = append(env, "PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"))
	if !works(env, "docker", "image", "inspect", image) {
		return "", "it is not built (make image; make e2e builds it)"
	}
	return shim, ""
}

// runGoldens applies the golden outputs of the other orchestrators (kpt fn
// render and eval, Argo CD, kustomize in container mode), which need tools
// this test does not install: e2e/orchestrators/run.sh compares their real
// renders byte for byte with these files. A golden directory is one case.
func (s *suite) runGoldens(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join(repoRoot, "e2e", "orchestrators", "golden", "*"))
	if len(goldens) == 0 {
		t.Fatal("e2e/orchestrators/golden/ is empty")
	}
	for _, g := range goldens {
		t.Run(strings.TrimSuffix(filepath.Base(g), ".yaml"), func(t *testing.T) {
			files := []string{g}
			if info, err := os.Stat(g); err == nil && info.IsDir() {
				files, _ = filepath.Glob(filepath.Join(g, "*.yaml"))
			}
			s.checkClean(t, readObjects(t, files...))
		})
	}
}
