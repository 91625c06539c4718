package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const recorded = "../../testdata/recorded"

// copyRun copies the recorded run to a temporary folder, with timeline.csv
// cut to its first keep lines.
func copyRun(t *testing.T, keep int) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"timeline.csv", "steps.csv", "settings.env"} {
		b, err := os.ReadFile(filepath.Join(recorded, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "timeline.csv" && keep > 0 {
			lines := strings.SplitAfter(string(b), "\n")
			b = []byte(strings.Join(lines[:keep], ""))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The exit code is what makes run.sh fail: 0 for the recorded run, 1 for
// the same run cut short (every later step's check fails), 2 for a usage
// error.
func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"recorded run", []string{"check", copyRun(t, 0)}, 0},
		{"run cut at its first 500 samples", []string{"check", copyRun(t, 500)}, 1},
		{"missing folder", []string{"check", filepath.Join(t.TempDir(), "none")}, 1},
		{"expect", []string{"expect", filepath.Join(recorded, "settings.env")}, 0},
		{"no command", nil, 2},
		{"unknown command", []string{"plot", recorded}, 2},
	} {
		if got := run(c.args); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}
