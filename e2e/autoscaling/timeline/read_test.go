package timeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Broken input files: an error naming the file, the line and what is wrong.
func TestReadErrors(t *testing.T) {
	settings, err := os.ReadFile("testdata/recorded/settings.env")
	if err != nil {
		t.Fatal(err)
	}
	s := string(settings)
	for _, c := range []struct {
		name, file, content string
		read                func(string) error
		want                string
	}{
		{"setting missing", "settings.env", strings.Replace(s, "GPU_MAX=6\n", "", 1), readSettings,
			"settings.env: GPU_MAX is missing"},
		{"setting unknown", "settings.env", s + "GPU_MIM=1\n", readSettings,
			"settings.env:28: unknown setting GPU_MIM"},
		{"setting not a number", "settings.env", strings.Replace(s, "GPU_MAX=6", "GPU_MAX=six", 1), readSettings,
			`GPU_MAX: strconv.Atoi: parsing "six"`},
		{"one CPU scenario", "settings.env", strings.Replace(s, "CPU_SCENARIOS=ml-cpu ml-stepwise", "CPU_SCENARIOS=ml-cpu", 1), readSettings,
			"CPU_SCENARIOS must name two scenarios"},
		{"timeline header", "timeline.csv", "time,scenario\n", readSamples,
			"the first line must be time_s,scenario,metric,"},
		{"timeline number", "timeline.csv", strings.Join(Header, ",") + "\n1.0,ml-cpu,cpu,90,,x,1,\n", readSamples,
			"timeline.csv:2: desired_replicas: strconv.Atoi"},
		{"timeline row too short", "timeline.csv", strings.Join(Header, ",") + "\n1.0,ml-cpu,cpu\n", readSamples,
			"timeline.csv:2: 3 fields, want 8"},
		{"steps time", "steps.csv", "time_s,driver,step\nsoon,cpu,high\n", readSteps,
			"steps.csv:2: time_s: strconv.ParseFloat"},
	} {
		path := filepath.Join(t.TempDir(), c.file)
		if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := c.read(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func readSettings(p string) error { _, err := ReadSettings(p); return err }
func readSamples(p string) error  { _, err := ReadSamples(p); return err }
func readSteps(p string) error    { _, err := ReadSteps(p); return err }
