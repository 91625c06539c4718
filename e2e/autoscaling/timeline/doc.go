// Package timeline reads what e2e/autoscaling/run.sh recorded while the real
// HPA controller scaled the generated Deployments, and checks it against the
// HPA algorithm and the scenarios' settings.
//
// A recorded run is three files in one folder (out/autoscaling/ after a run):
//
//	timeline.csv   one row per HPA per 2 s tick: time_s, scenario, metric,
//	               simulated, measured, desired_replicas, current_replicas,
//	               conditions
//	steps.csv      when each step of each scenario driver started: time_s,
//	               driver, step (cpu:high, queue:empty, ...)
//	settings.env   the scenarios' settings, KEY=VALUE, as run.sh had them
//
// Expect computes the end states the HPA formula predicts (run.sh waits for
// them); Check runs every check over a recorded run and returns what it saw
// and what failed. cmd/timeline is the command run.sh calls.
package timeline
