package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

var writeCases = []testCase{
	{"PutIfVersion", testPutIfVersion},
	{"Delete", testDelete},
	{"Tx_SeesOwnWrites", testTxSeesOwnWrites},
	{"Update_ErrorRollsBack", testUpdateErrorRollsBack},
	{"Update_PanicRollsBack", testUpdatePanicRollsBack},
	{"Tx_UseAfterReturn", testTxUseAfterReturn},
}

func testPutIfVersion(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"existing": "old"})
	steps := []struct {
		key      string
		expected int64
		wantVer  int64 // 0: a conflict is expected
	}{
		{"new", 0, 1},
		{"new", 0, 0},      // 0 on an existing key
		{"existing", 0, 0}, // same, for a record from an earlier transaction
		{"existing", 2, 0}, // ahead of the record
		{"existing", 1, 2},
		{"existing", 1, 0}, // stale
		{"existing", 2, 3},
		{"missing", 1, 0}, // any version on a missing key
		{"missing", -1, 0},
	}
	for i, st := range steps {
		value := fmt.Sprintf("step %d", i)
		err := s.Update(context.Background(), func(tx store.Tx) error {
			v, err := tx.PutIfVersion("t", st.key, []byte(value), st.expected)
			if st.wantVer == 0 {
				if !errors.Is(err, store.ErrConflict) {
					t.Errorf("step %d: PutIfVersion(%q, %d) = %d, %v; want ErrConflict", i, st.key, st.expected, v, err)
				}
				return nil // commit the rest: the conflicting write must not be in it
			}
			if err != nil || v != st.wantVer {
				t.Errorf("step %d: PutIfVersion(%q, %d) = %d, %v; want %d", i, st.key, st.expected, v, err, st.wantVer)
			}
			return err
		})
		if err != nil {
			t.Fatalf("step %d: Update: %v", i, err)
		}
	}
	want(t, s, "t", "new", "step 0", 1)
	want(t, s, "t", "existing", "step 6", 3)
	wantMissing(t, s, "t", "missing")
}

func testDelete(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"a": "1", "b": "2"})
	put(t, s, "u", map[string]string{"a": "other table"})
	for i, st := range []struct {
		table, key string
		existed    bool
	}{{"t", "a", true}, {"t", "a", false}, {"t", "zz", false}, {"v", "a", false}} {
		update(t, s, func(tx store.Tx) error {
			if got, err := tx.Delete(st.table, st.key); err != nil || got != st.existed {
				t.Errorf("step %d: Delete(%q, %q) = %v, %v; want %v", i, st.table, st.key, got, err, st.existed)
			}
			return nil
		})
	}
	wantMissing(t, s, "t", "a")
	want(t, s, "t", "b", "2", 1)
	want(t, s, "u", "a", "other table", 1)
}

func testTxSeesOwnWrites(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"c": "committed"})
	update(t, s, func(tx store.Tx) error {
		mustPut(t, tx, "t", "a", "1")
		mustPut(t, tx, "t", "b", "2")
		if rec, err := tx.Get("t", "a"); err != nil || string(rec.Value) != "1" {
			t.Errorf("Get own write = %q, %v", rec.Value, err)
		}
		wantKeys(t, tx, "t", store.Query{}, "a", "b", "c")
		if ok, err := tx.Delete("t", "a"); !ok || err != nil {
			t.Errorf("Delete own write = %v, %v", ok, err)
		}
		if ok, err := tx.Delete("t", "c"); !ok || err != nil {
			t.Errorf("Delete committed = %v, %v", ok, err)
		}
		if _, err := tx.Get("t", "a"); !isNotFound(err) {
			t.Errorf("Get after Delete: %v, want ErrNotFound", err)
		}
		wantKeys(t, tx, "t", store.Query{}, "b")
		if v, err := tx.PutIfVersion("t", "b", []byte("3"), 1); v != 2 || err != nil {
			t.Errorf("PutIfVersion on own write = %d, %v; want 2", v, err)
		}
		return nil
	})
	want(t, s, "t", "b", "3", 2)
	wantMissing(t, s, "t", "a")
	wantMissing(t, s, "t", "c")
}

func testUpdateErrorRollsBack(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"x": "old", "y": "keep"})
	failures := []error{&codeError{code: 7}, fmt.Errorf("wrapped: %w", errPurpose), store.ErrConflict}
	for _, failure := range failures {
		err := s.Update(context.Background(), func(tx store.Tx) error {
			mustPut(t, tx, "t", "x", "new")
			mustPut(t, tx, "t", "x", "newer")
			mustPut(t, tx, "t", "z", "created")
			mustPut(t, tx, "other", "z", "created")
			if _, err := tx.Delete("t", "y"); err != nil {
				return err
			}
			if _, err := tx.PutIfVersion("t", "w", []byte("w"), 0); err != nil {
				return err
			}
			return failure
		})
		if err != failure { // the very same error value must come back
			t.Errorf("Update returned %v, want fn's error %v unchanged", err, failure)
		}
		want(t, s, "t", "x", "old", 1)
		want(t, s, "t", "y", "keep", 1)
		wantMissing(t, s, "t", "z")
		wantMissing(t, s, "t", "w")
		wantMissing(t, s, "other", "z")
	}
	var ce *codeError
	err := s.Update(context.Background(), func(store.Tx) error { return failures[0] })
	if !errors.As(err, &ce) || ce.code != 7 {
		t.Errorf("errors.As(Update error) = %v, want the *codeError", err)
	}
}

func testUpdatePanicRollsBack(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"x": "old"})
	got := func() (v any) {
		defer func() { v = recover() }()
		_ = s.Update(context.Background(), func(tx store.Tx) error {
			mustPut(t, tx, "t", "x", "new")
			mustPut(t, tx, "t", "y", "new")
			panic("storetest: boom")
		})
		return nil
	}()
	if got != "storetest: boom" {
		t.Fatalf("recovered %v, want fn's panic to reach the caller of Update", got)
	}
	want(t, s, "t", "x", "old", 1)
	wantMissing(t, s, "t", "y")
	put(t, s, "t", map[string]string{"after": "ok"}) // the store still works
	want(t, s, "t", "after", "ok", 1)
}

// mustPut writes in tx and fails t on error.
func mustPut(t *testing.T, tx store.Tx, table, key, value string) {
	t.Helper()
	if _, err := tx.Put(table, key, []byte(value)); err != nil {
		t.Fatalf("Put(%q, %q): %v", table, key, err)
	}
}

// testTxUseAfterReturn checks that a transaction kept past its fn fails
// instead of writing outside any transaction.
func testTxUseAfterReturn(t *testing.T, h *harness) {
	s := h.fresh(t)
	var kept store.Tx
	update(t, s, func(tx store.Tx) error { kept = tx; return nil })
	if _, err := kept.Put("t", "late", []byte("x")); err == nil {
		t.Error("Put on a finished Update's Tx succeeded")
	}
	if _, err := kept.Get("t", "late"); err == nil {
		t.Error("Get on a finished Update's Tx succeeded")
	}
	var keptRead store.ReadTx
	view(t, s, func(tx store.ReadTx) error { keptRead = tx; return nil })
	if err := keptRead.Scan("t", store.Query{}, func(store.Record) bool { return true }); err == nil {
		t.Error("Scan on a finished View's ReadTx succeeded")
	}
	wantMissing(t, s, "t", "late")
}
