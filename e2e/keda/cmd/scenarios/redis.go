package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is the real Redis that holds the queue worker's job list, on
// 127.0.0.1 only, without automatic saves: the list is saved explicitly
// before each stop and loaded at start, as a persistent queue keeps it.
type redisServer struct {
	process
	client *redis.Client
}

func newRedisServer(bin, dir, pidFile string, port int) *redisServer {
	return &redisServer{
		process: process{name: "redis", bin: bin, dir: dir, pidFile: pidFile, args: []string{
			"--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--protected-mode", "yes",
			"--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"}},
		client: redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port),
			DialTimeout: time.Second, ReadTimeout: time.Second, MaxRetries: -1}),
	}
}

func (r *redisServer) start(ctx context.Context) error {
	return r.process.start(ctx, func(ctx context.Context) error { return r.client.Ping(ctx).Err() })
}

// stop saves the list, then stops Redis by its PID.
func (r *redisServer) stop(ctx context.Context) error {
	if !r.running() {
		return nil
	}
	err := r.client.Save(ctx).Err()
	r.process.stop()
	if err != nil {
		return fmt.Errorf("redis SAVE before stopping: %w", err)
	}
	return nil
}

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
