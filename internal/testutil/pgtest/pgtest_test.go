package pgtest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// exec runs sql on dsn and fails t on error.
func execSQL(t *testing.T, dsn, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// count returns SELECT count(*) FROM table on dsn.
func count(t *testing.T, dsn, table string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestStart_SeparateDatabases(t *testing.T) {
	a, b := Start(t), Start(t)
	if a == b {
		t.Fatalf("two Starts returned the same DSN %q", a)
	}
	execSQL(t, a, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
	execSQL(t, b, "CREATE TABLE t (x int)")
	if n := count(t, b, "t"); n != 0 {
		t.Errorf("second database sees %d rows of the first", n)
	}
}

func TestServer_Crash_KeepsCommits(t *testing.T) {
	s := NewServer(t)
	dsn := s.CreateDB(t)
	execSQL(t, dsn, "CREATE TABLE t (x int); INSERT INTO t SELECT generate_series(1, 1000)")
	s.Crash(t)
	if n := count(t, dsn, "t"); n != 1000 {
		t.Errorf("after crash: %d rows, want 1000", n)
	}
}

func TestServer_Stop_LeavesNothing(t *testing.T) {
	s := NewServer(t)
	pid := s.proc.cmd.Process.Pid
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still has processes after Stop (kill: %v)", pid, err)
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("folder %s still there after Stop: %v", s.dir, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestSweepStale(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mk := func(owner int) string {
		dir, err := os.MkdirTemp("", "pgtest-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		if owner > 0 {
			if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(owner)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	stale, mine, unknown := mk(dead.Process.Pid), mk(os.Getpid()), mk(0)
	sweepStale()
	for dir, wantKept := range map[string]bool{stale: false, mine: true, unknown: true} {
		if _, err := os.Stat(dir); (err == nil) != wantKept {
			t.Errorf("%s: kept=%v, want %v", dir, err == nil, wantKept)
		}
	}
}
