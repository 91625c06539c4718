package timeline

// queueSteps are when the queue driver's steps began: backlog 0, the high
// backlog, the middle one, 0 again.
type queueSteps struct{ zero, high, mid, empty float64 }

func (r Run) queueSteps() (queueSteps, error) {
	var q queueSteps
	for _, s := range []struct {
		key string
		t   *float64
	}{{"queue:zero", &q.zero}, {"queue:high", &q.high}, {"queue:mid", &q.mid}, {"queue:empty", &q.empty}} {
		t, err := r.Steps.start(s.key)
		if err != nil {
			return q, err
		}
		*s.t = t
	}
	return q, nil
}

// toZero notes a queue scenario's replicas and checks that, before the
// backlog rose, it had its pod, then the HPA took it to 0 desired and 0
// current with ScaledToZero=True. It returns the queue driver's steps and
// the scenario's samples (nil if it has none: checkBounds reports that).
func (r Run) toZero(name string, f *Findings) (queueSteps, []Sample, error) {
	q, err := r.queueSteps()
	samples := r.series(name)
	if err != nil || len(samples) == 0 {
		return q, nil, err
	}
	f.notef("%s desired replicas: %s", name, replicaPath(samples))
	hadPod := false
	for _, x := range samples {
		if x.T >= q.high {
			break
		}
		hadPod = hadPod || x.Current >= 1
		if hadPod && x.Desired == 0 && x.Current == 0 && x.HasCondition("ScaledToZero=True") {
			f.notef("%s: at 0 (ScaledToZero=True) %.1fs after the backlog was 0", name, x.T-q.zero)
			return q, samples, nil
		}
	}
	f.failf("%s: never went from a running pod to 0 with ScaledToZero=True before the backlog rose", name)
	return q, samples, nil
}

// checkQueue: the queue worker scales to zero; under the high backlog its
// first step up from 0 is at most the default scale-up limit, it never wants
// more than ceil(backlog / target) and gets there; under the middle backlog
// it goes down to exactly ceil(backlog / target), never below; at backlog 0
// it returns to 0; the first step up comes within two HPA syncs (the
// adapter serves the backlog at once); neither step down comes before the window allows.
func checkQueue(r Run, e Expected, f *Findings) error {
	s := r.Settings
	q, samples, err := r.toZero(s.Queue, f)
	if err != nil || samples == nil {
		return err
	}
	var up, atHigh, midDown, atMid, emptyDown, atEmpty moment
	first := 0
	prev := samples[0].Desired
	for _, x := range samples {
		d, c := x.Desired, x.Current
		switch {
		case x.T >= q.high && x.T < q.mid:
			if prev == 0 && d > 0 && !up.seen {
				up.mark(x.T - q.high)
				first = d
				if d > s.DefaultScaleUpPods {
					f.failf("%s: 0 -> %d at %.1fs, above the default scale-up limit from zero (%d pods)", s.Queue, d, x.T, s.DefaultScaleUpPods)
				}
			}
			if d > e.QueueHigh {
				f.failf("%s: desired %d at %.1fs under backlog %g exceeds ceil(backlog / %d) capped at %d = %d",
					s.Queue, d, x.T, x.Simulated, s.QueueTarget, s.QueueMax, e.QueueHigh)
			}
			if d == e.QueueHigh {
				atHigh.mark(x.T - q.high)
			}
		case x.T >= q.mid && x.T < q.empty:
			if d < e.QueueMid {
				f.failf("%s: desired %d at %.1fs under backlog %g, below ceil(backlog / %d) = %d",
					s.Queue, d, x.T, x.Simulated, s.QueueTarget, e.QueueMid)
			}
			if d < prev {
				midDown.mark(x.T - q.mid)
			}
			if d == e.QueueMid && c == e.QueueMid {
				atMid.mark(x.T - q.mid)
			}
		case x.T >= q.empty:
			if d < prev {
				emptyDown.mark(x.T - q.empty)
			}
			if d == 0 && c == 0 {
				atEmpty.mark(x.T - q.empty)
			}
		}
		prev = d
	}
	scaledUpWithin(f, s, s.Queue, up, 2)
	if up.seen {
		f.notef("%s: 0 -> %d %.1fs after the backlog rose", s.Queue, first, up.after)
	}
	reached(f, s.Queue, atHigh, e.QueueHigh, "the backlog rose")
	reached(f, s.Queue, atMid, e.QueueMid, "the backlog fell to the middle")
	reached(f, s.Queue, atEmpty, 0, "the queue emptied")
	if midDown.seen {
		windowApplied(f, s, s.Queue, "scaled down to the middle backlog's count", midDown.after, s.QueueWindowS)
	}
	if emptyDown.seen {
		windowApplied(f, s, s.Queue, "scaled down after the queue emptied", emptyDown.after, s.QueueWindowS)
	}
	return nil
}

// checkTrap: the same worker with a Percent-only scale-up reaches 0 like the
// queue worker, then, from the backlog rising until the queue empties, stays
// at 0 desired and 0 current (a percentage of 0 pods is 0) while its HPA
// reports ScalingLimited=True, reason ScaleUpLimit.
func checkTrap(r Run, _ Expected, f *Findings) error {
	s := r.Settings
	q, samples, err := r.toZero(s.Trap, f)
	if err != nil || samples == nil {
		return err
	}
	var limited moment
	for _, x := range samples {
		if x.T < q.high || x.T >= q.empty {
			continue
		}
		if x.Desired != 0 || x.Current != 0 {
			f.failf("%s: desired %d, current %d at %.1fs under backlog %g: the Percent-only scale-up left zero",
				s.Trap, x.Desired, x.Current, x.T, x.Simulated)
		}
		if x.HasCondition("ScalingLimited=True/ScaleUpLimit") {
			limited.mark(x.T - q.high)
		}
	}
	if !limited.seen {
		f.failf("%s: never reported ScalingLimited=True (ScaleUpLimit) under the backlog", s.Trap)
	} else {
		f.notef("%s: ScalingLimited=True (ScaleUpLimit) %.1fs after the backlog rose, at 0 replicas throughout", s.Trap, limited.after)
	}
	return nil
}

// reached notes when a scenario got to n replicas after a change, or fails
// that it never did.
func reached(f *Findings, name string, m moment, n int, change string) {
	if m.seen {
		f.notef("%s: at %d %.1fs after %s", name, n, m.after, change)
	} else {
		f.failf("%s: never at %d after %s", name, n, change)
	}
}
