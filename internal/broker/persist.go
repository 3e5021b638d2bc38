package broker

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/hob-iot/hob/internal/store"
)

// The store tables the broker owns.
const (
	tableSessions = "broker.sessions" // clientId → sessionRecord (JSON)
	tableQueue    = "broker.queue"    // clientId\x00seq → stored delivery
	tableRetained = "broker.retained" // topic → stored message
)

// queueKey returns the key of a session's queued delivery: the client id,
// a NUL (which no client id contains [MQTT-1.5.4-2]) and the sequence in
// 16 hex digits, so a session's records sort in order under its prefix.
func queueKey(clientID string, seq uint64) string {
	return fmt.Sprintf("%s\x00%016x", clientID, seq)
}

func queuePrefix(clientID string) string { return clientID + "\x00" }

type opKind uint8

const (
	opPut opKind = iota
	opDelete
	opDeletePrefix
)

// persistOp is one write the persister applies.
type persistOp struct {
	kind       opKind
	table, key string
	value      []byte
	w          *waiter // told when the write is durable; nil: nobody waits
}

// waiter lets a publisher wait for the durable writes its message caused
// before it acknowledges the message.
type waiter struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error // guarded by mu
}

func (w *waiter) done(err error) {
	if err != nil {
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
	}
	w.wg.Done()
}

// durable collects, for one publish, the writes to wait for. Its zero
// value waits for nothing and allocates nothing until a write is added.
type durable struct {
	w *waiter
	// push is set for a client's PUBLISH, routed by its connection's
	// reader with no lock held: a QoS 0 delivery meeting a full outbox
	// may wait for room (Config.PublishBackpressure), which stops the
	// reader and so pushes back on the publisher through TCP.
	push bool
}

// add registers one more write and returns the waiter to give it. A nil
// durable registers nothing.
func (d *durable) add() *waiter {
	if d == nil {
		return nil
	}
	if d.w == nil {
		d.w = new(waiter)
	}
	d.w.wg.Add(1)
	return d.w
}

// wait blocks until every registered write is durable and returns the
// first error.
func (d *durable) wait() error {
	if d == nil || d.w == nil {
		return nil
	}
	d.w.wg.Wait()
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	return d.w.err
}

// persister applies the broker's writes to the store in the order they
// were submitted, on one goroutine that batches whatever has queued up
// into one transaction. Callers submit while holding the lock of what
// they write about (a session's mu, or Server.mu when a session ends),
// so writes about one session reach the store in the order they happened.
// Submitting blocks only when the store falls behind by maxPending ops.
type persister struct {
	st    store.Store // nil: writes are dropped (and waiters told at once)
	ops   chan persistOp
	done  chan struct{}
	log   *slog.Logger
	stats *counters
}

const (
	maxPending = 4096
	maxBatch   = 512
)

func newPersister(st store.Store, log *slog.Logger, stats *counters) *persister {
	p := &persister{st: st, ops: make(chan persistOp, maxPending), done: make(chan struct{}), log: log, stats: stats}
	go p.run()
	return p
}

// enabled reports whether writes go anywhere.
func (p *persister) enabled() bool { return p.st != nil }

func (p *persister) submit(op persistOp) {
	if p.st == nil {
		if op.w != nil {
			op.w.done(nil)
		}
		return
	}
	p.ops <- op
}

func (p *persister) put(table, key string, value []byte, w *waiter) {
	p.submit(persistOp{kind: opPut, table: table, key: key, value: value, w: w})
}

func (p *persister) delete(table, key string, w *waiter) {
	p.submit(persistOp{kind: opDelete, table: table, key: key, w: w})
}

func (p *persister) deletePrefix(table, prefix string) {
	p.submit(persistOp{kind: opDeletePrefix, table: table, key: prefix})
}

// close applies what is queued and stops the goroutine. Nothing may be
// submitted afterwards.
func (p *persister) close() {
	close(p.ops)
	<-p.done
}

func (p *persister) run() {
	defer close(p.done)
	batch := make([]persistOp, 0, maxBatch)
	for op := range p.ops {
		batch = append(batch[:0], op)
	more:
		for len(batch) < maxBatch {
			select {
			case op, ok := <-p.ops:
				if !ok {
					break more
				}
				batch = append(batch, op)
			default:
				break more
			}
		}
		p.commit(batch)
		clear(batch)
	}
}

// commit applies a batch in one transaction and tells its waiters.
func (p *persister) commit(batch []persistOp) {
	err := p.st.Update(context.Background(), func(tx store.Tx) error {
		for i := range batch {
			if err := apply(tx, &batch[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.stats.storeErrors.Add(1)
		p.log.Error("broker: durable write failed", "ops", len(batch), "err", err)
	}
	for i := range batch {
		if w := batch[i].w; w != nil {
			w.done(err)
		}
	}
}

func apply(tx store.Tx, op *persistOp) error {
	switch op.kind {
	case opPut:
		_, err := tx.Put(op.table, op.key, op.value)
		return err
	case opDelete:
		_, err := tx.Delete(op.table, op.key)
		return err
	}
	var keys []string
	err := tx.Scan(op.table, store.Query{Prefix: op.key}, func(r store.Record) bool {
		keys = append(keys, r.Key)
		return true
	})
	for _, k := range keys {
		if err == nil {
			_, err = tx.Delete(op.table, k)
		}
	}
	return err
}

// splitQueueKey returns the client id of a queue key.
func splitQueueKey(key string) (clientID string, ok bool) {
	clientID, _, ok = strings.Cut(key, "\x00")
	return clientID, ok
}
