package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

func openTest(t *testing.T, o Options) *Store {
	t.Helper()
	s, err := OpenWith(filepath.Join(t.TempDir(), "hob.db"), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// blockWriter starts an Update whose fn holds the writer until release is
// called, and returns once fn is running.
func blockWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	running, done := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- s.Update(context.Background(), func(store.Tx) error {
			close(running)
			<-done
			return nil
		})
	}()
	<-running
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(done)
			if err := <-errc; err != nil {
				t.Errorf("blocking Update: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// waitQueued polls until n requests wait in the writer's queue.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(s.w.reqs) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued after 30s, want %d", len(s.w.reqs), n)
		}
		runtime.Gosched()
	}
}

func TestWriter_Commit_GroupsWaitingRequests(t *testing.T) {
	for _, c := range []struct{ maxBatch, queued, wantBatches int }{
		{0, 10, 2}, {4, 10, 4}, {1, 5, 6}, {0, DefaultMaxBatch, 2}, {100, DefaultMaxBatch, 4},
	} {
		t.Run(fmt.Sprintf("maxBatch=%d/queued=%d", c.maxBatch, c.queued), func(t *testing.T) {
			s := openTest(t, Options{MaxBatch: c.maxBatch})
			release := blockWriter(t, s)
			var wg sync.WaitGroup
			for i := range c.queued {
				wg.Go(func() {
					err := s.Update(context.Background(), func(tx store.Tx) error {
						_, err := tx.Put("t", fmt.Sprint(i), nil)
						return err
					})
					if err != nil {
						t.Errorf("Update %d: %v", i, err)
					}
				})
			}
			waitQueued(t, s, c.queued)
			release()
			wg.Wait()
			if got := s.w.batches.Load(); got != int64(c.wantBatches) {
				t.Errorf("%d transactions, want %d", got, c.wantBatches)
			}
		})
	}
}

func TestStore_Update_CanceledWhileQueued(t *testing.T) {
	s := openTest(t, Options{})
	release := blockWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	ran := false
	go func() { errc <- s.Update(ctx, func(store.Tx) error { ran = true; return nil }) }()
	waitQueued(t, s, 1)
	cancel()
	release()
	if err := <-errc; !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Update canceled in the queue = %v (fn ran: %v), want context.Canceled", err, ran)
	}
}

func TestStore_Update_GoexitRollsBack(t *testing.T) {
	s := openTest(t, Options{})
	release := blockWriter(t, s) // so that the next Updates share a batch
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = s.Update(context.Background(), func(tx store.Tx) error {
			if _, err := tx.Put("t", "exited", nil); err != nil {
				return err
			}
			runtime.Goexit() // as t.FailNow does
			return nil
		})
		t.Error("Update returned after its fn called Goexit")
	})
	waitQueued(t, s, 1)
	wg.Go(func() {
		if err := s.Update(context.Background(), func(tx store.Tx) error {
			_, err := tx.Put("t", "kept", nil)
			return err
		}); err != nil {
			t.Errorf("Update in the same batch: %v", err)
		}
	})
	waitQueued(t, s, 2)
	release()
	wg.Wait()
	err := s.View(context.Background(), func(tx store.ReadTx) error {
		if _, err := tx.Get("t", "exited"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("write of the exited fn: %v, want ErrNotFound", err)
		}
		_, err := tx.Get("t", "kept")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWriter_Commit_FailuresInOneBatch queues succeeding and failing Updates
// behind a blocked writer, so that they share one transaction, and checks
// that each failure lost exactly its own writes.
func TestWriter_Commit_FailuresInOneBatch(t *testing.T) {
	s := openTest(t, Options{})
	release := blockWriter(t, s)
	const n = 12
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.Update(context.Background(), func(tx store.Tx) error {
				for _, table := range []string{"a", "b"} {
					if _, err := tx.Put(table, fmt.Sprint(i), []byte("x")); err != nil {
						return err
					}
				}
				if i%2 == 1 {
					return fmt.Errorf("update %d fails", i)
				}
				return nil
			})
		})
	}
	waitQueued(t, s, n)
	release()
	wg.Wait()
	if got := s.w.batches.Load(); got != 2 {
		t.Errorf("%d transactions, want 2 (the blocker's and one batch)", got)
	}
	err := s.View(context.Background(), func(tx store.ReadTx) error {
		for i := range n {
			_, getErr := tx.Get("b", fmt.Sprint(i))
			if failed := i%2 == 1; (errs[i] != nil) != failed || errors.Is(getErr, store.ErrNotFound) != failed {
				t.Errorf("update %d: Update error %v, record error %v", i, errs[i], getErr)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
