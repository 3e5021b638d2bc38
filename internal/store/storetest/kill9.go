package storetest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

// Environment variables that turn a re-executed test binary into the
// writing child of Kill9.
const (
	envKill9Child  = "HOB_STORETEST_KILL9_CHILD"
	envKill9Target = "HOB_STORETEST_KILL9_TARGET"
)

// Kill9Config describes the engine under a Kill9 test.
type Kill9Config struct {
	// Target creates the empty store's location (a file path, a DSN) in
	// the parent process; the child gets it through the environment.
	Target func(tb testing.TB) string
	// Open opens the store at target, in the child and again in the parent
	// after the kill.
	Open func(tb testing.TB, target string) store.Store
	// Crash, when set, runs in the parent just before the child is
	// killed, while writes are in flight. An engine with a separate
	// server uses it to kill that server too and start it again.
	Crash func(tb testing.TB)
	// Acks is how many acknowledged writes the parent waits for before the
	// kill; 0 means 3000.
	Acks int
	// Writers is how many goroutines of the child write at once; 0 means 32.
	Writers int
}

// kill9MaxWrites stops a child that was never killed, so it cannot run on.
const kill9MaxWrites = 2_000_000

// Kill9 checks durability across kill -9. It re-executes the test binary
// (running only the current test) as a child that opens the store and runs
// a burst of Updates from many goroutines, printing each one's key only
// after its Update returned nil. Each Update writes a record and an index
// entry. Once the parent has read cfg.Acks acknowledgements it sends
// SIGKILL, reopens the store and checks that every acknowledged write is
// there with its value, and that records and index entries match (no torn
// transaction).
//
// Call Kill9 from a top-level test or subtest with no other test logic: in
// the child it replaces the test body.
func Kill9(t *testing.T, cfg Kill9Config) {
	if os.Getenv(envKill9Child) == "1" {
		kill9Child(t, cfg)
		return
	}
	target := cfg.Target(t)
	acked := kill9Parent(t, cfg, target)
	s := cfg.Open(t, target)
	t.Cleanup(func() { _ = s.Close() })
	verifyKill9(t, s, acked)
}

// kill9Key and kill9Value are what the child writes for write number i.
func kill9Key(i int64) string { return fmt.Sprintf("k%010d", i) }

func kill9Value(i int64) string {
	return fmt.Sprintf("value %d %s", i, strings.Repeat("x", 48))
}

// kill9Child writes until it is killed.
func kill9Child(t *testing.T, cfg Kill9Config) {
	s := cfg.Open(t, os.Getenv(envKill9Target))
	var (
		next atomic.Int64
		mu   sync.Mutex // serializes writes to stdout, one line each
		wg   sync.WaitGroup
	)
	for range orDefault(cfg.Writers, 32) {
		wg.Go(func() {
			for i := next.Add(1); i <= kill9MaxWrites; i = next.Add(1) {
				if kill9Write(s, i) != nil {
					continue // not acknowledged, so the parent expects nothing
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ACK %d\n", i)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Error("kill9 child: finished every write without being killed")
}

func kill9Write(s store.Store, i int64) error {
	key := kill9Key(i)
	return s.Update(context.Background(), func(tx store.Tx) error {
		if _, err := tx.Put("kill9", key, []byte(kill9Value(i))); err != nil {
			return err
		}
		_, err := tx.Put("kill9_index", key, []byte(key))
		return err
	})
}

// orDefault returns v, or def when v is 0.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// kill9Parent runs the child, kills it once enough writes were
// acknowledged and returns every acknowledged write number.
func kill9Parent(t *testing.T, cfg Kill9Config, target string) []int64 {
	cmd := exec.Command(os.Args[0], "-test.run="+runPattern(t.Name()), "-test.count=1")
	cmd.Env = append(os.Environ(), envKill9Child+"=1", envKill9Target+"="+target)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, left: 64 << 10}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	enough := make(chan struct{})
	readDone := make(chan []int64, 1)
	go func() { readDone <- readAcks(stdout, orDefault(cfg.Acks, 3000), enough) }()
	select {
	case <-enough:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("child acknowledged fewer than %d writes in 2 minutes; stderr:\n%s", orDefault(cfg.Acks, 3000), stderr.String())
	}
	if cfg.Crash != nil {
		cfg.Crash(t)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	acked := <-readDone
	if err := cmd.Wait(); !killed(err) || len(acked) < orDefault(cfg.Acks, 3000) {
		t.Fatalf("child ended with %v after %d acknowledged writes; stderr:\n%s", err, len(acked), stderr.String())
	}
	return acked
}

// killed reports whether err says the process died of SIGKILL.
func killed(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// readAcks collects the write numbers of complete "ACK n" lines until r
// ends, closing enough once it has n of them. A line cut by the kill has
// no newline and does not count.
func readAcks(r io.Reader, n int, enough chan<- struct{}) []int64 {
	br := bufio.NewReader(r)
	var acked []int64
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if len(acked) < n {
				close(enough)
			}
			return acked
		}
		num, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "ACK ")
		if !ok {
			continue // output of the testing package
		}
		if i, err := strconv.ParseInt(num, 10, 64); err == nil {
			acked = append(acked, i)
			if len(acked) == n {
				close(enough)
			}
		}
	}
}

// runPattern is a -test.run pattern that matches exactly the test name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// limitedWriter keeps the first left bytes written to it.
type limitedWriter struct {
	w    io.Writer
	left int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if n := min(len(p), l.left); n > 0 {
		l.left -= n
		_, _ = l.w.Write(p[:n])
	}
	return len(p), nil
}

// verifyKill9 checks that every acknowledged write survived and that no
// transaction was torn: each record has its index entry and the reverse.
func verifyKill9(t *testing.T, s store.Store, acked []int64) {
	view(t, s, func(tx store.ReadTx) error {
		for _, i := range acked {
			key := kill9Key(i)
			rec, err := tx.Get("kill9", key)
			if err != nil || string(rec.Value) != kill9Value(i) {
				t.Errorf("acknowledged write %d: %q, %v", i, rec.Value, err)
			}
		}
		records := scanAll(t, tx, "kill9", store.Query{})
		index := scanAll(t, tx, "kill9_index", store.Query{})
		if !slices.Equal(records, index) {
			t.Errorf("torn transactions: %d records, %d index entries", len(records), len(index))
		}
		t.Logf("%d writes acknowledged before the kill, %d found after it", len(acked), len(records))
		return nil
	})
}
