package pki

import (
	"context"
	"testing"
	"time"
)

func TestKeyPool_FillsGetsAndStops(t *testing.T) {
	p := NewKeyPool(context.Background(), 2)
	waitFor(t, func() bool { return p.Len() == 2 })
	k1, err := p.Get()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := p.Get()
	if err != nil {
		t.Fatal(err)
	}
	if k1.Equal(k2) || k1.N.BitLen() != 2048 {
		t.Fatal("pool handed out the same key twice, or not RSA-2048")
	}
	done := make(chan struct{})
	go func() { p.Close(); p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return")
	}
	n := p.Len()
	time.Sleep(50 * time.Millisecond)
	if p.Len() != n {
		t.Fatal("pool still filling after Close")
	}
	if k, err := p.Get(); err != nil || k == nil {
		t.Fatalf("Get after Close: %v", err)
	}
}

func TestKeyPool_ContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := NewKeyPool(ctx, 1)
	cancel()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("goroutine did not stop when its context ended")
	}
	p.Close()
}
