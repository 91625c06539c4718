package timeline

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Settings are the scenarios' settings as run.sh drove them (settings.env,
// run.sh's variable names). Each group must match its pipelines/*.yaml;
// run.sh checks the stored HPAs against them before the load starts.
type Settings struct {
	HPASyncS           int // kube-controller-manager's HPA sync period
	TolerancePct       int // the HPA's tolerance: no change within it of the target
	DefaultScaleUpPods int // the default scale-up: max(this many pods, 100 %) per 15 s

	// CPU: the first scenario has the default behaviour, the second
	// scales up at most one pod per StepPeriodS.
	CPUScenarios                  []string
	CPURequestMilli, CPUTargetPct int
	CPUMin, CPUMax, CPUWindowS    int
	StepPeriodS                   int
	CPUIdleMilli, CPUHighMilli    int
	// Queue: Queue and Trap share one backlog; Trap has a Percent-only
	// scale-up, applied by hand.
	Queue, Trap                       string
	QueueTarget, QueueMin, QueueMax   int
	QueueWindowS, QueueHigh, QueueMid int
	// GPU: work in percent of one GPU, shared by the pods.
	GPU                                  string
	GPUTarget, GPUMin, GPUMax            int
	GPUWindowS, GPUIdleWork, GPUHighWork int
}

// fields maps settings.env's names to the fields they set.
func (s *Settings) fields() (ints map[string]*int, strs map[string]*string) {
	ints = map[string]*int{
		"HPA_SYNC_S": &s.HPASyncS, "HPA_TOLERANCE_PCT": &s.TolerancePct,
		"DEFAULT_SCALE_UP_PODS": &s.DefaultScaleUpPods,
		"CPU_REQUEST_MILLI":     &s.CPURequestMilli, "CPU_TARGET_PCT": &s.CPUTargetPct,
		"CPU_MIN": &s.CPUMin, "CPU_MAX": &s.CPUMax, "CPU_WINDOW_S": &s.CPUWindowS,
		"STEP_PERIOD_S": &s.StepPeriodS, "CPU_IDLE_MILLI": &s.CPUIdleMilli,
		"CPU_HIGH_MILLI": &s.CPUHighMilli,
		"QUEUE_TARGET":   &s.QueueTarget, "QUEUE_MIN": &s.QueueMin, "QUEUE_MAX": &s.QueueMax,
		"QUEUE_WINDOW_S": &s.QueueWindowS, "QUEUE_HIGH": &s.QueueHigh, "QUEUE_MID": &s.QueueMid,
		"GPU_TARGET": &s.GPUTarget, "GPU_MIN": &s.GPUMin, "GPU_MAX": &s.GPUMax,
		"GPU_WINDOW_S": &s.GPUWindowS, "GPU_IDLE_WORK": &s.GPUIdleWork,
		"GPU_HIGH_WORK": &s.GPUHighWork,
	}
	strs = map[string]*string{"QUEUE": &s.Queue, "TRAP": &s.Trap, "GPU": &s.GPU}
	return ints, strs
}

// ReadSettings reads settings.env: KEY=VALUE lines, every key known and
// every one present; CPU_SCENARIOS is a space-separated list of two.
func ReadSettings(path string) (Settings, error) {
	var s Settings
	f, err := os.Open(path)
	if err != nil {
		return s, err
	}
	defer f.Close()
	ints, strs := s.fields()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, value, ok := strings.Cut(text, "=")
		if !ok {
			return s, fmt.Errorf("%s:%d: want KEY=VALUE, got %q", path, line, text)
		}
		seen[key] = true
		switch {
		case ints[key] != nil:
			if *ints[key], err = strconv.Atoi(value); err != nil {
				return s, fmt.Errorf("%s:%d: %s: %w", path, line, key, err)
			}
		case strs[key] != nil:
			*strs[key] = value
		case key == "CPU_SCENARIOS":
			s.CPUScenarios = strings.Fields(value)
		default:
			return s, fmt.Errorf("%s:%d: unknown setting %s", path, line, key)
		}
	}
	if err := sc.Err(); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	for key := range ints {
		if !seen[key] {
			return s, fmt.Errorf("%s: %s is missing", path, key)
		}
	}
	for key := range strs {
		if !seen[key] {
			return s, fmt.Errorf("%s: %s is missing", path, key)
		}
	}
	if len(s.CPUScenarios) != 2 {
		return s, fmt.Errorf("%s: CPU_SCENARIOS must name two scenarios (default behaviour, then rate-limited), got %q", path, s.CPUScenarios)
	}
	return s, nil
}

// maxOf is the maxReplicas of a scenario, and whether it is one of ours.
func (s Settings) maxOf(scenario string) (int, bool) {
	switch scenario {
	case s.CPUScenarios[0], s.CPUScenarios[1]:
		return s.CPUMax, true
	case s.Queue, s.Trap:
		return s.QueueMax, true
	case s.GPU:
		return s.GPUMax, true
	}
	return 0, false
}
