package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/store"
)

func TestGate_Enter_DoneContext(t *testing.T) {
	var g Gate
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Enter(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Enter with a done ctx = %v, want context.Canceled", err)
	}
}

func TestGate_Shut_WaitsThenRefuses(t *testing.T) {
	var g Gate
	if err := g.Enter(context.Background()); err != nil {
		t.Fatalf("Enter on an open gate: %v", err)
	}
	shut := make(chan bool)
	go func() { shut <- g.Shut() }()
	select {
	case <-shut:
		t.Fatal("Shut returned while a transaction was still inside")
	case <-time.After(20 * time.Millisecond):
	}
	g.Leave()
	if first := <-shut; !first {
		t.Error("first Shut reported false")
	}
	if err := g.Enter(context.Background()); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Enter after Shut = %v, want store.ErrClosed", err)
	}
	if g.Shut() {
		t.Error("second Shut reported true")
	}
}
