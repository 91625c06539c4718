package timeline

import "testing"

func TestRecommend(t *testing.T) {
	for _, c := range []struct {
		name                    string
		n                       int
		perPod, target          float64
		tolerancePct, max, want int
	}{
		{"CPU 90 % of a 50 % target, from 1", 1, 90, 50, 10, 5, 2},
		{"CPU from 2", 2, 90, 50, 10, 5, 4},
		{"CPU from 4, capped at max", 4, 90, 50, 10, 5, 5},
		{"GPU 270 % of work on 3 pods: 90 each, exactly 4.5", 3, 90, 60, 10, 6, 5},
		{"GPU on 5 pods: 54, within 10 % of 60", 5, 54, 60, 10, 6, 5},
		{"just outside the tolerance: ceil(4.4) keeps 5", 5, 53, 60, 10, 6, 5},
		{"idle scales down", 5, 10, 50, 10, 5, 1},
		{"no tolerance: 5 × 54 / 60 = 4.5", 5, 54, 60, 0, 6, 5},
		{"no tolerance, below target", 10, 54, 60, 0, 20, 9},
	} {
		if got := Recommend(c.n, c.perPod, c.target, c.tolerancePct, c.max); got != c.want {
			t.Errorf("%s: Recommend(%d, %g, %g, %d, %d) = %d, want %d", c.name, c.n, c.perPod, c.target, c.tolerancePct, c.max, got, c.want)
		}
	}
}

func TestExpect(t *testing.T) {
	s := recorded(t).Settings
	e, err := Expect(s)
	if err != nil {
		t.Fatal(err)
	}
	// The end states docs/testing.md and e2e/autoscaling/README.md describe.
	if want := (Expected{CPU: 5, GPU: 5, QueueHigh: 5, QueueMid: 2}); e != want {
		t.Errorf("Expect = %+v, want %+v", e, want)
	}

	for _, c := range []struct {
		name   string
		change func(*Settings)
		want   string
	}{
		{"CPU load within the tolerance of the target", func(s *Settings) { s.CPUHighMilli = 270 }, "the CPU end state is 1, not maxReplicas 5"},
		{"GPU work that reaches max", func(s *Settings) { s.GPUHighWork = 600 }, "the GPU end state 6 is maxReplicas"},
		{"middle backlog as high as the high one", func(s *Settings) { s.QueueMid = s.QueueHigh }, "the middle backlog's 5 replicas"},
	} {
		bad := s
		c.change(&bad)
		if _, err := Expect(bad); err == nil || !contains(err.Error(), c.want) {
			t.Errorf("%s: Expect error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
