// Command scenarios drives the KEDA e2e test's scenarios on a running
// cluster (set up by ../../run.sh) and checks what KEDA did:
//
//   - the queue worker (engine keda, minReplicas 0, the queue preset on
//     redis): jobs in a real Redis list 0 -> high -> middle, Redis stopped
//     and started again, then the list emptied;
//   - the GPU server (the gpu preset: a prometheus trigger): GPU work shared
//     by its pods, low -> high -> low, served as DCGM_FI_DEV_GPU_UTIL by an
//     exporter in this process that a real Prometheus scrapes; Prometheus
//     stopped (KEDA's fallback) and started again.
//
// Both run at the same time. Every 2 s it records each scenario's state in
// a timeline CSV (the format e2e/autoscaling/plot draws); when all steps are
// done it checks the timeline (package timeline) and prints one PASS or FAIL
// line per check. It exits non-zero on a step that times out or a failed
// check. It owns the Redis and Prometheus processes (its steps stop and
// start them) and stops them by PID on exit.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mlpipeline-dev/mlpipeline-fn/e2e/keda/dcgm"
	"github.com/mlpipeline-dev/mlpipeline-fn/e2e/keda/timeline"
)

// The scenarios' loads.
const (
	jobsHigh     = 100 // ceil(100/20) = 5 = maxReplicaCount
	jobsMid      = 40  // ceil(40/20) = 2
	gpuIdleWork  = 20  // percent of one GPU, shared by the pods
	gpuHighWork  = 210 // settles at 4 pods (timeline.ExpectedGPUReplicas)
	hpaTolerance = 0.1 // the HPA's default tolerance
	redisDownFor = 60  // s: 3 failed polls of 5 s and 2 HPA syncs of 15 s, with room
	sampleEvery  = 2 * time.Second
)

type options struct {
	kubeconfig, namespace, queue, gpu string
	redisBin, redisDir, redisPidFile  string
	redisPort                         int
	promBin, promDir, promPidFile     string
	promPort                          int
	exporterAddr, csvPath             string
	readyFile, startFile              string
	budget                            time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.namespace, "namespace", "mlpipeline-e2e", "namespace of the scenarios")
	flag.StringVar(&o.queue, "queue", "ml-keda-queue", "the queue worker (Deployment and ScaledObject name)")
	flag.StringVar(&o.gpu, "gpu", "ml-keda-gpu", "the GPU server (Deployment and ScaledObject name)")
	flag.StringVar(&o.redisBin, "redis-server", "redis-server", "redis-server binary")
	flag.IntVar(&o.redisPort, "redis-port", 0, "port for Redis on 127.0.0.1 (the queue worker's ScaledObject must name it)")
	flag.StringVar(&o.redisDir, "redis-dir", "", "Redis's working directory (its dump and log)")
	flag.StringVar(&o.redisPidFile, "redis-pidfile", "", "file to write the Redis PID to")
	flag.StringVar(&o.promBin, "prometheus", "prometheus", "prometheus binary")
	flag.IntVar(&o.promPort, "prometheus-port", 0, "port for Prometheus on 127.0.0.1 (the GPU server's ScaledObject must name it)")
	flag.StringVar(&o.promDir, "prometheus-dir", "", "Prometheus's working directory (its config, data and log)")
	flag.StringVar(&o.promPidFile, "prometheus-pidfile", "", "file to write the Prometheus PID to")
	flag.StringVar(&o.exporterAddr, "exporter-address", "", "127.0.0.1:PORT to serve DCGM_FI_DEV_GPU_UTIL on (Prometheus scrapes it)")
	flag.StringVar(&o.csvPath, "csv", "timeline.csv", "timeline CSV to write")
	flag.StringVar(&o.readyFile, "ready-file", "", "file to create once Redis and the exporter serve (run.sh then applies the pipelines)")
	flag.StringVar(&o.startFile, "start-file", "", "file whose creation starts the scenarios (run.sh creates it after applying the pipelines)")
	flag.DurationVar(&o.budget, "budget", 12*time.Minute, "the whole run's time limit")
	flag.Parse()
	// $KUBECONFIG names the cluster (a -kubeconfig flag is already
	// registered by a package KEDA's types import).
	o.kubeconfig = os.Getenv("KUBECONFIG")
	log.SetFlags(0)
	if o.kubeconfig == "" || o.redisDir == "" || o.redisPidFile == "" || o.promDir == "" || o.promPidFile == "" || o.exporterAddr == "" || o.readyFile == "" || o.startFile == "" {
		log.Fatal("scenarios: $KUBECONFIG, -redis-dir, -redis-pidfile, -prometheus-dir, -prometheus-pidfile, -exporter-address, -ready-file and -start-file are required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		log.Printf("scenarios: FAIL: %v", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	ctx, cancel := context.WithTimeout(ctx, o.budget)
	defer cancel()
	// Redis, the exporter and Prometheus come first, all on loopback only:
	// the ScaledObjects must find them from their first poll.
	exporter := dcgm.New()
	host, _, err := net.SplitHostPort(o.exporterAddr)
	if err != nil || host != "127.0.0.1" {
		return fmt.Errorf("-exporter-address %q: want 127.0.0.1:PORT", o.exporterAddr)
	}
	ln, err := net.Listen("tcp", o.exporterAddr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", exporter.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	rs := newRedisServer(o.redisBin, o.redisDir, o.redisPidFile, o.redisPort)
	if err := rs.start(ctx); err != nil {
		return err
	}
	defer func() { _ = rs.stop(context.Background()) }()
	prom, err := newPrometheusServer(o.promBin, o.promDir, o.promPidFile, o.promPort, o.exporterAddr)
	if err != nil {
		return err
	}
	if err := prom.start(ctx); err != nil {
		return err
	}
	defer prom.stop()
	if err := os.WriteFile(o.readyFile, nil, 0o644); err != nil {
		return err
	}
	log.Printf("Redis on 127.0.0.1:%d, exporter on %s, Prometheus on %s; waiting for %s", o.redisPort, o.exporterAddr, prom.url, o.startFile)
	if err := waitForFile(ctx, o.startFile); err != nil {
		return err
	}

	c, err := newCluster(o.kubeconfig, o.namespace)
	if err != nil {
		return err
	}
	qso, err := c.scaledObject(ctx, o.queue)
	if err != nil {
		return err
	}
	q, err := readQueueSettings(qso)
	if err != nil {
		return err
	}
	if q.redisPort != o.redisPort {
		return fmt.Errorf("ScaledObject %s reads Redis at %s, but it listens on 127.0.0.1:%d", o.queue, q.address, o.redisPort)
	}
	gso, err := c.scaledObject(ctx, o.gpu)
	if err != nil {
		return err
	}
	g, err := readGPUSettings(gso)
	if err != nil {
		return err
	}
	if g.serverAddress != prom.url {
		return fmt.Errorf("ScaledObject %s queries Prometheus at %s, but it listens at %s", o.gpu, g.serverAddress, prom.url)
	}

	f, err := os.Create(o.csvPath)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	if err := w.Write(timeline.Header); err != nil {
		return err
	}

	s := &scenarios{ctx: ctx, c: c, redis: rs, prom: prom, q: q, g: g, o: o, exporter: exporter, states: map[string]state{}}
	s.gpuWant = timeline.ExpectedGPUReplicas(gpuHighWork, g.threshold, hpaTolerance, g.min, g.max)
	log.Printf("queue %s: redis %s list %s, %d jobs per replica, max %d, fallback %d, cooldown %gs, polling %gs",
		o.queue, q.address, q.list, q.target, q.max, q.fallback, q.cooldown, q.polling)
	log.Printf("gpu %s: prometheus %s, threshold %g, min %d, max %d, fallback %d; %d %% of work settles at %d pods",
		o.gpu, g.serverAddress, g.threshold, g.min, g.max, g.fallback, gpuHighWork, s.gpuWant)

	drivers := []*driver{s.queueDriver(), s.gpuDriver()}
	start := time.Now()
	s.t0 = start
	for _, d := range drivers {
		if err := d.begin(s); err != nil {
			return err
		}
	}
	var samples []timeline.Sample
	for {
		tick, err := s.tick()
		if err != nil {
			return err
		}
		samples = append(samples, tick...)
		for _, sm := range tick {
			if err := w.Write(sm.Record()); err != nil {
				return err
			}
		}
		w.Flush()
		running := 0
		for _, d := range drivers {
			if err := d.advance(s); err != nil {
				return err
			}
			if !d.finished() {
				running++
			}
		}
		if running == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped (the %s budget, or a signal): %w", o.budget, ctx.Err())
		case <-time.After(sampleEvery):
		}
	}
	return s.check(samples, drivers)
}

// scenarios is the shared state of one run.
type scenarios struct {
	ctx      context.Context
	c        *cluster
	redis    *redisServer
	prom     *prometheusServer
	exporter *dcgm.Exporter
	q        queueSettings
	g        gpuSettings
	o        options
	gpuWant  int
	gpuWork  float64
	t0       time.Time
	states   map[string]state
}

func (s *scenarios) now() float64 { return time.Since(s.t0).Seconds() }

// tick observes both scenarios, writes the GPU server's pods' utilisation
// (the work shared by its ready pods, at most 100 % each) and returns one
// sample per scenario.
func (s *scenarios) tick() ([]timeline.Sample, error) {
	t := s.now()
	qs, err := s.c.observe(s.ctx, s.o.queue)
	if err != nil {
		return nil, fmt.Errorf("observing %s: %w", s.o.queue, err)
	}
	gs, err := s.c.observe(s.ctx, s.o.gpu)
	if err != nil {
		return nil, fmt.Errorf("observing %s: %w", s.o.gpu, err)
	}
	s.states[s.o.queue], s.states[s.o.gpu] = qs, gs

	perPod := math.NaN()
	var gpus []dcgm.PodGPU
	if n := len(gs.pods); n > 0 {
		perPod = math.Min(100, s.gpuWork/float64(n))
		for _, p := range gs.pods {
			gpus = append(gpus, dcgm.PodGPU{Namespace: p.Namespace, Pod: p.Name, Container: p.Spec.Containers[0].Name, Node: p.Spec.NodeName, Utilization: perPod})
		}
	}
	s.exporter.Set(gpus)

	gconds := gs.conditions
	if !s.prom.running() {
		gconds += " prometheus=down"
	}
	jobs := math.NaN()
	qconds := qs.conditions
	if n := s.redis.jobs(s.ctx, s.q.list); n >= 0 {
		jobs = float64(n)
	} else {
		qconds += " redis=down"
	}
	return []timeline.Sample{
		{T: t, Scenario: s.o.queue, Metric: "queue", Simulated: jobs, Measured: qs.measured, Desired: qs.desired, Current: qs.ready, Conditions: qconds},
		{T: t, Scenario: s.o.gpu, Metric: "gpu", Simulated: perPod, Measured: gs.measured, Desired: gs.desired, Current: gs.ready, Conditions: gconds},
	}, nil
}

// check runs the timeline checks and prints one line per check.
func (s *scenarios) check(samples []timeline.Sample, drivers []*driver) error {
	end := s.now()
	qm, gm := drivers[0].marks, drivers[1].marks
	results := timeline.CheckQueue(samples, timeline.QueueMarks{
		Start: qm["zero"], High: qm["high"], Mid: qm["mid"], RedisDown: qm["redis-down"],
		RedisUp: qm["redis-up"], Empty: qm["empty"], End: end,
	}, timeline.QueueWant{
		Scenario: s.o.queue, Max: s.q.max, High: min(ceilDiv(jobsHigh, s.q.target), s.q.max),
		Mid: ceilDiv(jobsMid, s.q.target), Cooldown: s.q.cooldown, Polling: s.q.polling,
	})
	results = append(results, timeline.CheckGPU(samples, timeline.GPUMarks{
		Start: gm["idle"], High: gm["high"], Low: gm["low"], PrometheusDown: gm["prometheus-down"],
		PrometheusUp: gm["prometheus-up"], End: end,
	}, timeline.GPUWant{Scenario: s.o.gpu, Min: s.g.min, Max: s.g.max, Expected: s.gpuWant, Fallback: s.g.fallback})...)
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Printf("FAIL  %s: %v\n", r.Name, r.Err)
		} else {
			fmt.Printf("PASS  %s: %s\n", r.Name, r.Detail)
		}
	}
	if failed > 0 {
		return errors.New(fmt.Sprint(failed, " of ", len(results), " timeline checks failed"))
	}
	return nil
}

// waitForFile returns once path exists.
func waitForFile(ctx context.Context, path string) error {
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", path, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
