package main

import (
	"fmt"
	"log"
	"math"
	"strings"
	"time"
)

// step sets a load (enter), then waits until done holds; it fails after
// timeout. The timeline checks use the steps' start times, by label.
type step struct {
	label, desc string
	timeout     time.Duration
	enter       func() error
	done        func() bool
}

// driver runs one scenario's steps in order.
type driver struct {
	name     string // the log's name: queue or gpu
	scenario string // the Deployment's and ScaledObject's
	steps    []step
	i        int
	at       time.Time
	marks    map[string]float64
}

func (d *driver) finished() bool { return d.i >= len(d.steps) }

func (d *driver) begin(s *scenarios) error {
	if d.finished() {
		log.Printf("[%5.1fs] %s: all steps done", s.now(), d.name)
		return nil
	}
	st := d.steps[d.i]
	d.at = time.Now()
	d.marks[st.label] = s.now()
	log.Printf("[%5.1fs] %s: %s (max %s)", s.now(), d.name, st.desc, st.timeout)
	if st.enter != nil {
		return st.enter()
	}
	return nil
}

func (d *driver) advance(s *scenarios) error {
	if d.finished() {
		return nil
	}
	st := d.steps[d.i]
	if st.done() {
		log.Printf("[%5.1fs] %s:   done after %.0fs: %s", s.now(), d.name, time.Since(d.at).Seconds(), s.status(d.scenario))
		d.i++
		return d.begin(s)
	}
	if time.Since(d.at) > st.timeout {
		return fmt.Errorf("%s: step %q timed out after %s: %s; now %s", d.name, st.label, st.timeout, st.desc, s.status(d.scenario))
	}
	return nil
}

// status is a scenario's last observed state, for the log.
func (s *scenarios) status(name string) string {
	st := s.states[name]
	return fmt.Sprintf("%s replicas %d, ready %d, HPA value %g [%s]", name, st.desired, st.ready, st.measured, st.conditions)
}

// at: the scenario's Deployment wants n replicas and has n ready.
func (s *scenarios) at(name string, n int) bool {
	st := s.states[name]
	return st.desired == n && st.ready == n && len(st.pods) == n
}

func (s *scenarios) hasCondition(name, cond string) bool {
	return strings.Contains(" "+s.states[name].conditions+" ", " "+cond+" ")
}

// hold is a step that only waits.
func hold(d *driver, seconds int) step {
	return step{label: d.steps[len(d.steps)-1].label + "-hold", desc: fmt.Sprintf("hold %ds", seconds),
		timeout: time.Duration(seconds+30) * time.Second,
		done:    func() bool { return time.Since(d.at) >= time.Duration(seconds)*time.Second }}
}

func (s *scenarios) queueDriver() *driver {
	name, q := s.o.queue, s.q
	d := &driver{name: "queue", scenario: name, marks: map[string]float64{}}
	jobs := func(n int) func() error { return func() error { return s.redis.setJobs(s.ctx, q.list, n) } }
	high, mid := min(ceilDiv(jobsHigh, q.target), q.max), ceilDiv(jobsMid, q.target)
	add := func(st step, holdFor int) {
		d.steps = append(d.steps, st)
		if holdFor > 0 {
			d.steps = append(d.steps, hold(d, holdFor))
		}
	}
	add(step{label: "zero", desc: "0 jobs: until KEDA has scaled the worker to 0 pods", timeout: 150 * time.Second,
		enter: jobs(0), done: func() bool { return s.at(name, 0) }}, 10)
	add(step{label: "high", desc: fmt.Sprintf("%d jobs: until %d pods (ceil(%d/%d), max %d)", jobsHigh, high, jobsHigh, q.target, q.max), timeout: 150 * time.Second,
		enter: jobs(jobsHigh), done: func() bool { return s.at(name, high) }}, 10)
	add(step{label: "mid", desc: fmt.Sprintf("%d jobs: until %d pods", jobsMid, mid), timeout: 150 * time.Second,
		enter: jobs(jobsMid), done: func() bool { return s.at(name, mid) }}, 10)
	// KEDA v2.21.0 builds its redis scaler with a connection, and a scaler
	// that cannot be built never reaches the fallback (kedacore/keda#5525,
	// #8056): the worker holds its pods. The GPU server's Prometheus step
	// shows the fallback.
	add(step{label: "redis-down", desc: fmt.Sprintf("Redis stopped: for %ds (KEDA v2.21.0 holds %d pods, Active=False, no fallback)", redisDownFor, mid),
		timeout: time.Duration(redisDownFor+30) * time.Second,
		enter:   func() error { return s.redis.stop(s.ctx) },
		done:    func() bool { return time.Since(d.at) >= redisDownFor*time.Second }}, 0)
	add(step{label: "redis-up", desc: fmt.Sprintf("Redis started again (its %d jobs kept): until %d pods and Active=True", jobsMid, mid), timeout: 150 * time.Second,
		enter: func() error {
			if err := s.redis.start(s.ctx); err != nil {
				return err
			}
			if n := s.redis.jobs(s.ctx, q.list); n != jobsMid {
				return fmt.Errorf("redis restarted with %d jobs in %s, want the %d saved", n, q.list, jobsMid)
			}
			return nil
		},
		done: func() bool { return s.at(name, mid) && s.hasCondition(name, "Active=True") }}, 0)
	add(step{label: "empty", desc: fmt.Sprintf("0 jobs: until 0 pods, after the %gs cooldown", q.cooldown), timeout: 150 * time.Second,
		enter: jobs(0), done: func() bool { return s.at(name, 0) }}, 10)
	return d
}

func (s *scenarios) gpuDriver() *driver {
	name, g := s.o.gpu, s.g
	d := &driver{name: "gpu", scenario: name, marks: map[string]float64{}}
	work := func(w float64) func() error { return func() error { s.gpuWork = w; return nil } }
	add := func(st step, holdFor int) {
		d.steps = append(d.steps, st)
		if holdFor > 0 {
			d.steps = append(d.steps, hold(d, holdFor))
		}
	}
	add(step{label: "idle", desc: fmt.Sprintf("GPU work %d %% of one GPU: until the HPA measures it, at %d pods", gpuIdleWork, g.min), timeout: 150 * time.Second,
		enter: work(gpuIdleWork), done: func() bool { return s.at(name, g.min) && !math.IsNaN(s.states[name].measured) }}, 10)
	add(step{label: "high", desc: fmt.Sprintf("GPU work %d %%, shared by the pods: until %d pods", gpuHighWork, s.gpuWant), timeout: 180 * time.Second,
		enter: work(gpuHighWork), done: func() bool { return s.at(name, s.gpuWant) }}, 30)
	add(step{label: "low", desc: fmt.Sprintf("GPU work %d %%: until back at %d pods", gpuIdleWork, g.min), timeout: 150 * time.Second,
		enter: work(gpuIdleWork), done: func() bool { return s.at(name, g.min) }}, 10)
	add(step{label: "prometheus-down", desc: fmt.Sprintf("Prometheus stopped: until fallback.replicas %d and Fallback=True", g.fallback), timeout: 150 * time.Second,
		enter: func() error { s.prom.stop(); return nil },
		done:  func() bool { return s.at(name, g.fallback) && s.hasCondition(name, "Fallback=True") }}, 0)
	add(step{label: "prometheus-up", desc: fmt.Sprintf("Prometheus started again: until %d pods and Fallback=False", g.min), timeout: 150 * time.Second,
		enter: func() error { return s.prom.start(s.ctx) },
		done:  func() bool { return s.at(name, g.min) && s.hasCondition(name, "Fallback=False") }}, 10)
	return d
}
