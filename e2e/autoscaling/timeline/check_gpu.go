package timeline

// checkGPU: under the high work every rise obeys the formula with what the
// pods reported at the previous count (new <= Recommend(n, min(100,
// work / n))), the first within two HPA syncs; it reaches the formula's end state and, because the per-pod
// value falls as pods are added, never goes above it (a value that does not
// fall would reach max); after the drop it returns to min, not before the
// window allows.
func checkGPU(r Run, e Expected, f *Findings) error {
	s := r.Settings
	highAt, lowAt, err := r.Steps.highLow("gpu")
	if err != nil {
		return err
	}
	samples := r.series(s.GPU)
	if len(samples) == 0 {
		return nil // checkBounds reports it
	}
	f.notef("%s desired replicas: %s", s.GPU, replicaPath(samples))
	var up, atEnd, down, atMin moment
	prev := samples[0].Desired
	for _, x := range samples[1:] {
		d := x.Desired
		if x.T >= highAt && x.T < lowAt {
			if d > prev && prev < s.GPUMin {
				f.failf("%s: %d -> %d at %.1fs under the high work: rose from below min %d", s.GPU, prev, d, x.T, s.GPUMin)
			} else if d > prev {
				up.mark(x.T - highAt)
				u := gpuPerPod(s.GPUHighWork, prev)
				if bound := Recommend(prev, u, float64(s.GPUTarget), s.TolerancePct, s.GPUMax); d > bound {
					f.failf("%s: %d -> %d at %.1fs exceeds the HPA formula: ceil(%d × %g / %d) capped at %d = %d",
						s.GPU, prev, d, x.T, prev, u, s.GPUTarget, s.GPUMax, bound)
				}
			}
			if d > e.GPU {
				f.failf("%s: desired %d at %.1fs, above the formula's end state %d: the per-pod load did not fall as pods were added", s.GPU, d, x.T, e.GPU)
			}
			if d == e.GPU {
				atEnd.mark(x.T - highAt)
			}
		}
		if x.T >= lowAt && d < prev {
			down.mark(x.T - lowAt)
		}
		if x.T >= lowAt && d == s.GPUMin {
			atMin.mark(x.T - lowAt)
		}
		prev = d
	}
	scaledUpWithin(f, s, s.GPU, up, 2)
	reached(f, s.GPU, atEnd, e.GPU, "the work rose")
	reached(f, s.GPU, atMin, s.GPUMin, "the work fell")
	if down.seen {
		windowApplied(f, s, s.GPU, "scaled down", down.after, s.GPUWindowS)
	}
	return nil
}
