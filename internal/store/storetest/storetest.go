// Package storetest is the conformance suite of store.Store: every engine
// runs Run from its tests, and code above the store may rely on what the
// suite checks and on nothing else. Kill9 adds a crash test for engines that
// promise durability.
//
// The package is imported only from _test.go files.
package storetest

import (
	"context"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

// Option adjusts Run.
type Option func(*harness)

// WithReopen enables the cases that need persistence: reopen gets a store
// that the suite has closed and returns a new store over the same data.
func WithReopen(reopen func(t *testing.T, closed store.Store) store.Store) Option {
	return func(h *harness) { h.reopen = reopen }
}

// harness carries what the cases need from the engine under test.
type harness struct {
	open   func(t *testing.T) store.Store
	reopen func(t *testing.T, closed store.Store) store.Store
}

// fresh returns a new empty store that is closed when t ends.
func (h *harness) fresh(t *testing.T) store.Store {
	t.Helper()
	s := h.open(t)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// testCase is one conformance case.
type testCase struct {
	name string
	run  func(t *testing.T, h *harness)
}

// Run runs every conformance case as a parallel subtest of t. open must
// return a new, empty store each time it is called; the suite closes it.
func Run(t *testing.T, open func(t *testing.T) store.Store, opts ...Option) {
	h := &harness{open: open}
	for _, o := range opts {
		o(h)
	}
	for _, group := range [][]testCase{readCases, writeCases, scanCases, concurrencyCases, lifecycleCases} {
		for _, c := range group {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t, h)
			})
		}
	}
}

// update runs fn in s.Update and fails t on error.
func update(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in s.View and fails t on error.
func view(t *testing.T, s store.Store, fn func(tx store.ReadTx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// put writes records in one Update.
func put(t *testing.T, s store.Store, table string, kv map[string]string) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for k, v := range kv {
			if _, err := tx.Put(table, k, []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

// get reads one record in a View; a missing record is returned with
// found false.
func get(t *testing.T, s store.Store, table, key string) (rec store.Record, found bool) {
	t.Helper()
	err := s.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		rec, err = tx.Get(table, key)
		return err
	})
	if isNotFound(err) {
		return store.Record{}, false
	}
	if err != nil {
		t.Fatalf("Get(%q, %q): %v", table, key, err)
	}
	return rec, true
}

// want fails t unless table/key holds value at version.
func want(t *testing.T, s store.Store, table, key, value string, version int64) {
	t.Helper()
	rec, ok := get(t, s, table, key)
	switch {
	case !ok:
		t.Errorf("Get(%q, %q): not found, want %q at version %d", table, key, value, version)
	case string(rec.Value) != value || rec.Version != version || rec.Key != key:
		t.Errorf("Get(%q, %q) = {%q %q v%d}, want {%q %q v%d}", table, key,
			rec.Key, rec.Value, rec.Version, key, value, version)
	}
}

// wantMissing fails t unless table/key has no record.
func wantMissing(t *testing.T, s store.Store, table, key string) {
	t.Helper()
	if rec, ok := get(t, s, table, key); ok {
		t.Errorf("Get(%q, %q) = %q at version %d, want not found", table, key, rec.Value, rec.Version)
	}
}
