package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
)

// port only names the socket file: servers listen on no TCP port, and each
// has its own socket folder.
const port = 5432

// Server is one throwaway PostgreSQL server: a temporary folder holding its
// data directory, its unix socket and its log.
type Server struct {
	dir  string
	cred *syscall.Credential // nil: run as the current user

	mu   sync.Mutex // guards proc
	proc *process   // the running postmaster, nil once stopped
}

// NewServer starts a server for tb alone and stops it when tb ends. Most
// tests want Start instead; NewServer is for tests that Crash the server.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	requireBinaries(tb)
	s, err := newServer()
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("pgtest: stop: %v", err)
		}
	})
	return s
}

// newServer creates the folder, runs initdb and starts the server.
func newServer() (*Server, error) {
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	sweepStale()
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, cred: cred}
	err = writeOwner(dir)
	if err == nil && cred != nil {
		err = os.Chown(dir, int(cred.Uid), int(cred.Gid))
	}
	if err == nil {
		err = s.initdb()
	}
	if err == nil {
		err = s.start()
	}
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

// serverCredential returns the postgres user's identity when running as
// root, which PostgreSQL refuses, and nil otherwise.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("postgres user: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// initdb creates the data directory: UTF-8, C locale, trust
// authentication (only the socket's folder owner and root can reach it).
func (s *Server) initdb() error {
	cmd := exec.Command(filepath.Join(binDir(), "initdb"), "-D", s.dataDir(),
		"-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	cmd.Dir = s.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	return nil
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

// Stop shuts the server down (fast shutdown, then harder signals if it
// hangs) and removes its folder. It is idempotent.
func (s *Server) Stop() error {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	var err error
	if p != nil {
		err = p.shutdown()
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

// Crash stops the server as a crash would and starts it again, returning
// once it accepts connections. The postmaster gets SIGQUIT, PostgreSQL's
// immediate shutdown: every backend stops at once and nothing is
// checkpointed, so the restart replays the WAL exactly as after kill -9.
// Unlike SIGKILL, it reaps its backends, which would otherwise be left to
// an init process that may never reap them.
func (s *Server) Crash(tb testing.TB) {
	tb.Helper()
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		tb.Fatal("pgtest: Crash of a stopped server")
	}
	if err := p.signalAndWait(syscall.SIGQUIT); err != nil {
		tb.Fatalf("pgtest: crash: %v", err)
	}
	if err := s.start(); err != nil {
		tb.Fatalf("pgtest: restart after crash: %v", err)
	}
}
