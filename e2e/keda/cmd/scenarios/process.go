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
)

// process is a server this program starts and stops (Redis, Prometheus):
// the scenarios stop and start them to show what KEDA does while one is
// gone. Its PID is also written to pidFile, so that run.sh can stop it by
// PID if this program could not.
type process struct {
	name, bin string
	args      []string
	dir       string // working directory: its log, its data
	pidFile   string
	cmd       *exec.Cmd
}

// start runs the process (log in dir/NAME.log) and waits until ready
// succeeds, for at most 30 s.
func (p *process) start(ctx context.Context, ready func(context.Context) error) error {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return err
	}
	log, err := os.OpenFile(filepath.Join(p.dir, p.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Dir = p.dir
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if err := p.cmd.Start(); err != nil {
		p.cmd = nil
		return fmt.Errorf("starting %s: %w", p.bin, err)
	}
	if err := os.WriteFile(p.pidFile, []byte(strconv.Itoa(p.cmd.Process.Pid)+"\n"), 0o644); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := ready(ctx)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within 30s (see %s): %w", p.name, log.Name(), err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stop stops the process by its PID: TERM, then KILL after 10 s.
func (p *process) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	p.cmd = nil
	_ = os.Remove(p.pidFile)
}

func (p *process) running() bool { return p.cmd != nil }
