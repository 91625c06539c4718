package timeline

// checkCPU: under the high load every rise of the desired replicas obeys the
// HPA formula with the simulated usage (new <= Recommend(previous)); the
// default-behaviour scenario makes at least one jump of more than one pod
// (2 -> 4), the rate-limited one never does and its rises are a period apart
// (less 5 s for the sampling), so the first reaches max first. Both scale
// up within cpuReactionSyncs HPA syncs of the load rising, reach
// max, scale down no earlier than the window allows, and get back to min.
// cpuReactionSyncs: a pod's CPU reaches the HPA through metrics-server,
// which scrapes every 15 s, so the first scale-up may take a scrape and a
// sync more than a metric the adapter serves at once.
const cpuReactionSyncs = 4

func checkCPU(r Run, _ Expected, f *Findings) error {
	s := r.Settings
	highAt, lowAt, err := r.Steps.highLow("cpu")
	if err != nil {
		return err
	}
	high, target := s.cpuHighPct(), float64(s.CPUTargetPct)
	var atMax [2]moment
	jumped := false
	for i, name := range s.CPUScenarios {
		stepwise := i == 1
		samples := r.series(name)
		if len(samples) == 0 {
			continue // checkBounds reports it
		}
		f.notef("%s desired replicas: %s", name, replicaPath(samples))
		var firstUp, down, atMin, lastUp moment
		prev := samples[0].Desired
		for _, x := range samples[1:] {
			d := x.Desired
			if d == prev {
				continue
			}
			if x.T >= highAt && x.T < lowAt && d > prev {
				firstUp.mark(x.T - highAt)
				if prev < s.CPUMin {
					f.failf("%s: %d -> %d at %.1fs under the high load: rose from below min %d", name, prev, d, x.T, s.CPUMin)
				} else if bound := Recommend(prev, high, target, s.TolerancePct, s.CPUMax); d > bound {
					f.failf("%s: %d -> %d at %.1fs exceeds the HPA formula: ceil(%d × %g / %g) capped at %d = %d",
						name, prev, d, x.T, prev, high, target, s.CPUMax, bound)
				}
				if d-prev > 1 && !stepwise {
					jumped = true
				}
				if stepwise {
					if d-prev > 1 {
						f.failf("%s: %d -> %d at %.1fs: more than 1 pod in one step (policy: 1 pod per %ds)", name, prev, d, x.T, s.StepPeriodS)
					}
					if lastUp.seen && x.T-lastUp.after < float64(s.StepPeriodS-5) {
						f.failf("%s: rises %.1fs apart, at %.1fs (policy: 1 pod per %ds)", name, x.T-lastUp.after, x.T, s.StepPeriodS)
					}
					lastUp = moment{x.T, true}
				}
				if d == s.CPUMax {
					atMax[i].mark(x.T - highAt)
				}
			}
			if x.T >= lowAt && d < prev {
				down.mark(x.T - lowAt)
			}
			if x.T >= lowAt && d == s.CPUMin {
				atMin.mark(x.T - lowAt)
			}
			prev = d
		}
		scaledUpWithin(f, s, name, firstUp, cpuReactionSyncs)
		switch {
		case !atMax[i].seen:
			f.failf("%s: never reached max %d under the high load", name, s.CPUMax)
		case !down.seen:
			f.failf("%s: never scaled down after the load fell", name)
		case !atMin.seen:
			f.failf("%s: never back at min %d after the load fell", name, s.CPUMin)
		default:
			f.notef("%s: at max %.1fs after the load rose; scaled down %.1fs after it fell, at min %.1fs after",
				name, atMax[i].after, down.after, atMin.after)
			windowApplied(f, s, name, "scaled down", down.after, s.CPUWindowS)
		}
	}
	def, stepwise := s.CPUScenarios[0], s.CPUScenarios[1]
	if !jumped {
		f.failf("%s: never rose by more than one pod at once (the default scale-up allows it)", def)
	}
	if atMax[0].seen && atMax[1].seen && atMax[0].after >= atMax[1].after {
		f.failf("%s (%.1fs) did not reach max before the rate-limited %s (%.1fs)", def, atMax[0].after, stepwise, atMax[1].after)
	}
	return nil
}
