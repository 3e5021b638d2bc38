package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

var concurrencyCases = []testCase{
	{"View_UncommittedInvisible", testViewUncommittedInvisible},
	{"View_Snapshot", testViewSnapshot},
	{"Update_ConcurrentCounter", testUpdateConcurrentCounter},
	{"Update_ConcurrentMixed", testUpdateConcurrentMixed},
}

// testViewUncommittedInvisible holds an Update open after its write and
// checks that a View meanwhile does not see it.
func testViewUncommittedInvisible(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"k": "before"})
	written, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	defer unblock() // even when t fails early, so that Close does not wait forever
	errc := make(chan error, 1)
	go func() {
		errc <- s.Update(context.Background(), func(tx store.Tx) error {
			if _, err := tx.Put("t", "k", []byte("after")); err != nil {
				return err
			}
			if _, err := tx.Put("t", "new", []byte("after")); err != nil {
				return err
			}
			close(written)
			<-release
			return nil
		})
	}()
	<-written
	want(t, s, "t", "k", "before", 1)
	wantMissing(t, s, "t", "new")
	unblock()
	if err := <-errc; err != nil {
		t.Fatalf("Update: %v", err)
	}
	want(t, s, "t", "k", "after", 2)
	want(t, s, "t", "new", "after", 1)
}

// testViewSnapshot commits an Update in the middle of a View and checks that
// the View keeps reading the state it started with.
func testViewSnapshot(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"a": "1", "b": "1"})
	view(t, s, func(tx store.ReadTx) error {
		if rec, err := tx.Get("t", "a"); err != nil || string(rec.Value) != "1" {
			t.Fatalf("Get before: %q, %v", rec.Value, err)
		}
		put(t, s, "t", map[string]string{"a": "2", "b": "2", "c": "2"})
		for _, k := range []string{"a", "b"} {
			if rec, err := tx.Get("t", k); err != nil || string(rec.Value) != "1" || rec.Version != 1 {
				t.Errorf("Get(%q) after a concurrent commit = %q v%d, %v; want the snapshot's 1 v1", k, rec.Value, rec.Version, err)
			}
		}
		wantKeys(t, tx, "t", store.Query{}, "a", "b")
		return nil
	})
	want(t, s, "t", "c", "2", 1)
}

// testUpdateConcurrentCounter runs read-modify-write increments of one
// record from many goroutines; none may be lost.
func testUpdateConcurrentCounter(t *testing.T, h *harness) {
	const goroutines, increments = 32, 10
	s := h.fresh(t)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range increments {
				if err := s.Update(context.Background(), increment); err != nil {
					t.Errorf("increment: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	want(t, s, "t", "counter", strconv.Itoa(goroutines*increments), goroutines*increments)
}

func increment(tx store.Tx) error {
	n := 0
	rec, err := tx.Get("t", "counter")
	switch {
	case err == nil:
		if n, err = strconv.Atoi(string(rec.Value)); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	_, err = tx.Put("t", "counter", []byte(strconv.Itoa(n+1)))
	return err
}

// testUpdateConcurrentMixed starts many Updates at once, so that an engine
// that groups commits puts failing and succeeding ones in the same batch.
func testUpdateConcurrentMixed(t *testing.T, h *harness) {
	const rounds, goroutines = 4, 48
	s := h.fresh(t)
	for round := range rounds {
		start := make(chan struct{})
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				<-start
				mixedUpdate(t, s, round, g)
			})
		}
		close(start)
		wg.Wait()
	}
	for round := range rounds {
		for g := range goroutines {
			key := fmt.Sprintf("r%d/g%02d", round, g)
			if g%3 == 0 {
				wantMissing(t, s, "a", key)
				wantMissing(t, s, "b", key)
				continue
			}
			want(t, s, "a", key, key, 1)
			want(t, s, "b", key, key, 1)
		}
	}
}

// mixedUpdate writes two records; one Update in three then fails.
func mixedUpdate(t *testing.T, s store.Store, round, g int) {
	key := fmt.Sprintf("r%d/g%02d", round, g)
	failure := &codeError{code: g}
	err := s.Update(context.Background(), func(tx store.Tx) error {
		for _, table := range []string{"a", "b"} {
			if _, err := tx.Put(table, key, []byte(key)); err != nil {
				return err
			}
		}
		if g%3 == 0 {
			return failure
		}
		return nil
	})
	switch {
	case g%3 == 0 && err != failure: // identity is the point
		t.Errorf("Update %s = %v, want its own error", key, err)
	case g%3 != 0 && err != nil:
		t.Errorf("Update %s: %v", key, err)
	}
}
