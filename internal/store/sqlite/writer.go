package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/hob-iot/hob/internal/store"
)

// errFnAborted stands for the outcome of an fn that panicked or called
// runtime.Goexit; its caller is unwinding and never reads it.
var errFnAborted = errors.New("sqlite: update function did not return")

// request is one Update on its way through the writer. The writer sends a
// transaction on turn when fn may run; the caller runs fn on its own
// goroutine and sends the outcome on back; the writer sends Update's result
// on done after the commit. All three channels have room for one value, so
// neither side blocks on a send.
type request struct {
	ctx  context.Context
	turn chan *sqlTx
	back chan outcome
	done chan error
}

// outcome is what fn did: returned is false when it panicked or exited.
type outcome struct {
	err      error
	returned bool
}

// writer owns the only write connection and commits queued requests in
// batches. Its goroutine runs from openWriter until stop.
type writer struct {
	db       *sql.DB
	conn     *sql.Conn
	stmts    *statements
	reqs     chan *request
	quit     chan struct{}
	wg       sync.WaitGroup
	maxBatch int
	batches  atomic.Int64 // transactions committed or attempted, for tests
}

// openWriter opens the write connection to name, migrates the schema and
// starts the writer goroutine.
func openWriter(name string, maxBatch int) (*writer, error) {
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	if err := migrate(ctx, conn); err != nil {
		return nil, errors.Join(err, conn.Close(), db.Close())
	}
	stmts, err := prepareAll(ctx, conn.PrepareContext, allQueries)
	if err != nil {
		return nil, errors.Join(err, conn.Close(), db.Close())
	}
	w := &writer{db: db, conn: conn, stmts: stmts, maxBatch: maxBatch,
		reqs: make(chan *request, max(maxBatch, DefaultMaxBatch)), quit: make(chan struct{})}
	w.wg.Add(1)
	go w.run()
	return w, nil
}

// stop ends the writer goroutine, waits for it and closes the connection.
// The caller guarantees that no submit is running or will start.
func (w *writer) stop() error {
	close(w.quit)
	w.wg.Wait()
	return errors.Join(w.stmts.close(), w.conn.Close(), w.db.Close())
}

// submit queues fn, runs it when the writer hands over the transaction, and
// returns once the writer has committed or rolled back its batch.
func (w *writer) submit(ctx context.Context, fn func(store.Tx) error) error {
	r := &request{ctx: ctx, turn: make(chan *sqlTx, 1), back: make(chan outcome, 1), done: make(chan error, 1)}
	select {
	case w.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		select {
		case tx := <-r.turn:
			r.run(tx, fn)
		case err := <-r.done:
			return err
		}
	}
}

// run calls fn on tx and reports the outcome to the writer, also when fn
// panics or exits (the panic then goes on unwinding the caller).
func (r *request) run(tx *sqlTx, fn func(store.Tx) error) {
	o := outcome{err: errFnAborted}
	defer func() {
		tx.finish()
		r.back <- o
	}()
	err := fn(tx)
	o = outcome{err: err, returned: true}
}

// run is the writer goroutine: it waits for a request, takes every other
// waiting one up to maxBatch, and commits them together.
func (w *writer) run() {
	defer w.wg.Done()
	batch := make([]*request, 0, w.maxBatch)
	for {
		select {
		case <-w.quit:
			return
		case r := <-w.reqs:
			batch = w.fill(append(batch[:0], r))
			w.commit(batch)
			clear(batch)
		}
	}
}

// fill appends waiting requests to batch without blocking.
func (w *writer) fill(batch []*request) []*request {
	for len(batch) < w.maxBatch {
		select {
		case r := <-w.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}
