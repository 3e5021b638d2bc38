package sqlite

import (
	"context"
	"fmt"
)

// commit runs batch in one transaction and answers every request. With more
// than one request, each fn runs inside its own savepoint so that a failing
// fn loses only its own writes. Any failure of the transaction itself
// (begin, savepoint, commit) fails every request whose fn succeeded.
func (w *writer) commit(batch []*request) {
	w.batches.Add(1)
	results := make([]error, len(batch))
	if err := w.exec(qBegin); err != nil {
		w.rollback() // in case a failed batch left a transaction open
		w.answer(batch, results, fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	savepoints := len(batch) > 1
	for i, r := range batch {
		fnErr, err := w.runOne(r, savepoints)
		results[i] = fnErr
		if err != nil {
			w.rollback()
			w.answer(batch, results, fmt.Errorf("sqlite: savepoint: %w", err))
			return
		}
	}
	if !savepoints && results[0] != nil {
		w.rollback()
		w.answer(batch, results, nil)
		return
	}
	if err := w.exec(qCommit); err != nil {
		w.rollback()
		w.answer(batch, results, fmt.Errorf("sqlite: commit: %w", err))
		return
	}
	w.answer(batch, results, nil)
}

// runOne runs one request's fn, inside a savepoint when asked. It returns
// fn's error (or the request's ctx error, when it was done before its turn)
// and, separately, a failure of the savepoint statements, which spoils the
// whole transaction.
func (w *writer) runOne(r *request, savepoint bool) (fnErr, err error) {
	if err := r.ctx.Err(); err != nil {
		return err, nil
	}
	if savepoint {
		if err := w.exec(qSavepoint); err != nil {
			return nil, err
		}
	}
	fnErr = w.hand(r)
	if !savepoint {
		return fnErr, nil
	}
	if fnErr != nil {
		if err := w.exec(qRollbackTo); err != nil {
			return fnErr, err
		}
	}
	return fnErr, w.exec(qRelease)
}

// hand gives the caller of r a transaction, waits until its fn is done with
// it and returns fn's error.
func (w *writer) hand(r *request) error {
	r.turn <- &sqlTx{ctx: context.Background(), prep: w.stmts.get}
	o := <-r.back
	if !o.returned {
		return errFnAborted
	}
	return o.err
}

// answer sends every request its result: its fn's error if any, else
// batchErr (nil when the batch committed).
func (w *writer) answer(batch []*request, results []error, batchErr error) {
	for i, r := range batch {
		err := results[i]
		if err == nil {
			err = batchErr
		}
		r.done <- err
	}
}

// exec runs one of the transaction-control statements.
func (w *writer) exec(id queryID) error {
	_, err := w.stmts.get(id).ExecContext(context.Background())
	return err
}

// rollback abandons the open transaction. Its error is dropped: the
// transaction may already be gone (SQLite rolls back by itself on some
// errors), and the caller reports the error that led here.
func (w *writer) rollback() { _ = w.exec(qRollback) }
