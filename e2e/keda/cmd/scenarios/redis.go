package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is the real Redis that holds the queue worker's job list. The
// scenarios stop and start it (the fallback step), so this program owns the
// process; its PID is also written to pidFile for run.sh's clean-up.
type redisServer struct {
	bin, dir, pidFile string
	port              int
	cmd               *exec.Cmd
	client            *redis.Client
}

func newRedisServer(bin, dir, pidFile string, port int) *redisServer {
	return &redisServer{bin: bin, dir: dir, pidFile: pidFile, port: port,
		client: redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port), DialTimeout: time.Second, ReadTimeout: time.Second, MaxRetries: -1})}
}

// start runs redis-server on 127.0.0.1 only, without automatic saves (the
// list is saved explicitly before each stop and loaded at start, as a
// persistent queue would keep it), and waits until it answers.
func (r *redisServer) start(ctx context.Context) error {
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return err
	}
	log, err := os.OpenFile(filepath.Join(r.dir, "redis.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	r.cmd = exec.Command(r.bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port),
		"--protected-mode", "yes", "--dir", r.dir, "--save", "", "--appendonly", "no", "--daemonize", "no")
	r.cmd.Stdout, r.cmd.Stderr = log, log
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", r.bin, err)
	}
	if err := os.WriteFile(r.pidFile, []byte(strconv.Itoa(r.cmd.Process.Pid)+"\n"), 0o644); err != nil {
		return err
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := r.client.Ping(ctx).Err(); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on 127.0.0.1:%d did not answer within 20s (see %s/redis.log): %w", r.port, r.dir, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stop saves the list, then stops the process by its PID: TERM, then KILL
// after 10 s.
func (r *redisServer) stop(ctx context.Context) error {
	if r.cmd == nil || r.cmd.Process == nil {
		return nil
	}
	saveErr := r.client.Save(ctx).Err()
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Kill()
		<-done
	}
	r.cmd = nil
	_ = os.Remove(r.pidFile)
	if saveErr != nil {
		return fmt.Errorf("redis SAVE before stopping: %w", saveErr)
	}
	return nil
}

func (r *redisServer) running() bool { return r.cmd != nil }

// setJobs makes the list exactly n jobs long.
func (r *redisServer) setJobs(ctx context.Context, list string, n int) error {
	jobs := make([]any, n)
	for i := range jobs {
		jobs[i] = fmt.Sprintf("job-%d", i+1)
	}
	_, err := r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, list)
		if n > 0 {
			p.RPush(ctx, list, jobs...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: setting %s to %d jobs: %w", list, n, err)
	}
	return nil
}

// jobs is the list's length, or -1 while Redis is stopped or not answering.
func (r *redisServer) jobs(ctx context.Context, list string) int {
	if !r.running() {
		return -1
	}
	n, err := r.client.LLen(ctx, list).Result()
	if err != nil {
		return -1
	}
	return int(n)
}
