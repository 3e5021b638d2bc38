package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Timeouts of the server's life cycle: generous, because a shared machine
// can be slow, and only reached when something is wrong.
const (
	readyTimeout = 60 * time.Second
	signalWait   = 30 * time.Second
)

// process is one running postmaster. exited is closed once it has exited
// and been reaped.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// start launches the postmaster and waits until it accepts connections.
func (s *Server) start() error {
	p, err := s.launch()
	if err != nil {
		return err
	}
	if err := s.waitReady(p); err != nil {
		return errors.Join(err, p.signalAndWait(syscall.SIGQUIT))
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return nil
}

// launch starts the postmaster, on the unix socket only. The kernel sends
// the parent-death signal when the thread that started the child exits, not
// the process, so the starting goroutine stays locked to its thread until
// the server has exited.
func (s *Server) launch() (*process, error) {
	logf, err := os.OpenFile(s.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	p := &process{exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		defer logf.Close()
		p.cmd = exec.Command(filepath.Join(binDir(), "postgres"), "-D", s.dataDir(),
			"-k", s.dir, "-p", strconv.Itoa(port), "-c", "listen_addresses=",
			"-c", "max_connections=200", "-c", "fsync=on", "-c", "synchronous_commit=on")
		p.cmd.Dir, p.cmd.Stdout, p.cmd.Stderr = s.dir, logf, logf
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Setpgid: true, Pdeathsig: syscall.SIGQUIT}
		if err := p.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	return p, nil
}

// waitReady polls until the server accepts a connection.
func (s *Server) waitReady(p *process) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.dsn("postgres"))
		if err == nil {
			err = conn.Close(ctx)
			cancel()
			return err
		}
		cancel()
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %v: %w\n%s", readyTimeout, err, s.logTail())
		}
		select {
		case <-p.exited:
			return fmt.Errorf("postgres exited while starting: %s\n%s", p.cmd.ProcessState, s.logTail())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *Server) logPath() string { return filepath.Join(s.dir, "postgres.log") }

// logTail returns the end of the server's log, for error messages.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logPath())
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// signalAndWait sends sig and waits for the postmaster to exit.
func (p *process) signalAndWait(sig syscall.Signal) error {
	_ = p.cmd.Process.Signal(sig) // fails only when it already exited
	select {
	case <-p.exited:
		return nil
	case <-time.After(signalWait):
		return fmt.Errorf("postgres did not exit %v after %v", signalWait, sig)
	}
}

// shutdown stops the postmaster: fast shutdown first (SIGINT), then
// immediate (SIGQUIT), then SIGKILL to its whole process group.
func (p *process) shutdown() error {
	if p.signalAndWait(syscall.SIGINT) == nil || p.signalAndWait(syscall.SIGQUIT) == nil {
		return nil
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
	return errors.New("postgres ignored SIGINT and SIGQUIT; killed")
}
