package postgres

import "sync"

// gate admits transactions until it is shut, and lets shut wait for the ones
// it admitted. Adding to active only under a read lock with closed false
// guarantees that no Add races with shut's Wait.
type gate struct {
	mu     sync.RWMutex // guards closed
	closed bool
	active sync.WaitGroup
}

// enter admits one transaction and reports false once the gate is shut.
// Every true must be paired with one leave.
func (g *gate) enter() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return false
	}
	g.active.Add(1)
	return true
}

// leave ends a transaction that enter admitted.
func (g *gate) leave() { g.active.Done() }

// shut refuses new transactions and waits for the admitted ones to leave.
func (g *gate) shut() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.active.Wait()
}
