package engine

import (
	"context"
	"sync"

	"github.com/hob-iot/hob/internal/store"
)

// Gate admits transactions until it is shut, and lets Shut wait for the ones
// it admitted. Adding to active only under a read lock with closed false
// guarantees that no Add races with Shut's Wait. The zero value is an open
// gate; a Gate must not be copied after first use.
type Gate struct {
	mu     sync.RWMutex // guards closed
	closed bool
	active sync.WaitGroup
}

// Enter admits one transaction. It returns ctx's error when ctx is already
// done, store.ErrClosed once the gate is shut, and otherwise nil. Every nil
// must be paired with one Leave.
func (g *Gate) Enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return store.ErrClosed
	}
	g.active.Add(1)
	return nil
}

// Leave ends a transaction that Enter admitted.
func (g *Gate) Leave() { g.active.Done() }

// Shut refuses new transactions and waits for the admitted ones to leave.
// Only the first call shuts the gate and reports true; later calls return
// false at once, without waiting, so that a Close built on Shut is
// idempotent and releases its resources once.
func (g *Gate) Shut() bool {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return false
	}
	g.closed = true
	g.mu.Unlock()
	g.active.Wait()
	return true
}
