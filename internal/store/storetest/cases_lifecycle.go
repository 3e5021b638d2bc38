package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

var lifecycleCases = []testCase{
	{"Close_Idempotent", testCloseIdempotent},
	{"Update_ContextCanceled", testUpdateContextCanceled},
	{"View_ContextCanceled", testViewContextCanceled},
	{"Reopen_KeepsData", testReopenKeepsData},
}

func testCloseIdempotent(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"k": "v"})
	for i := range 3 {
		if err := s.Close(); err != nil {
			t.Errorf("Close #%d: %v", i+1, err)
		}
	}
	ran := false
	if err := s.Update(context.Background(), func(store.Tx) error { ran = true; return nil }); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Update after Close: %v, want ErrClosed", err)
	}
	if err := s.View(context.Background(), func(store.ReadTx) error { ran = true; return nil }); !errors.Is(err, store.ErrClosed) {
		t.Errorf("View after Close: %v, want ErrClosed", err)
	}
	if ran {
		t.Error("a transaction ran after Close")
	}
}

func testUpdateContextCanceled(t *testing.T, h *harness) {
	s := h.fresh(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.Update(ctx, func(tx store.Tx) error {
		ran = true
		_, err := tx.Put("t", "k", []byte("v"))
		return err
	})
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Update with a canceled ctx = %v (fn ran: %v), want context.Canceled and fn not run", err, ran)
	}
	wantMissing(t, s, "t", "k")
}

func testViewContextCanceled(t *testing.T, h *harness) {
	s := h.fresh(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.View(ctx, func(store.ReadTx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("View with a canceled ctx = %v (fn ran: %v), want context.Canceled and fn not run", err, ran)
	}
}

func testReopenKeepsData(t *testing.T, h *harness) {
	if h.reopen == nil {
		t.Skip("engine has no reopen hook")
	}
	s := h.fresh(t)
	put(t, s, "t", map[string]string{"a": "1", "b\x00\xff": "\x00\x01"})
	put(t, s, "t", map[string]string{"a": "2"})
	update(t, s, func(tx store.Tx) error {
		_, err := tx.Delete("t", "gone")
		return err
	})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s2 := h.reopen(t, s)
	t.Cleanup(func() { _ = s2.Close() })
	want(t, s2, "t", "a", "2", 2)
	want(t, s2, "t", "b\x00\xff", "\x00\x01", 1)
	update(t, s2, func(tx store.Tx) error {
		v, err := tx.Put("t", "a", []byte("3"))
		if v != 3 {
			t.Errorf("Put after reopen = version %d, want 3", v)
		}
		return err
	})
}
