package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/engine"
)

// Errors of a transaction used out of its contract.
var (
	errTxDone   = errors.New("sqlite: transaction used after its function returned")
	errReadOnly = errors.New("sqlite: write in a read-only transaction")
)

// sqlTx implements store.Tx (and so store.ReadTx) over prepared statements
// of one connection. A View's sqlTx only has the read statements.
type sqlTx struct {
	ctx  context.Context
	prep func(queryID) *sql.Stmt
	done bool
}

// finish makes every later call fail with errTxDone.
func (t *sqlTx) finish() { t.done = true }

func (t *sqlTx) stmt(id queryID) (*sql.Stmt, error) {
	if t.done {
		return nil, errTxDone
	}
	if s := t.prep(id); s != nil {
		return s, nil
	}
	return nil, errReadOnly
}

// Get implements store.ReadTx.
func (t *sqlTx) Get(table, key string) (store.Record, error) {
	s, err := t.stmt(qGet)
	if err != nil {
		return store.Record{}, err
	}
	r := store.Record{Key: key}
	err = s.QueryRowContext(t.ctx, table, blob(key)).Scan(&r.Value, &r.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Record{}, fmt.Errorf("sqlite: get %s %q: %w", table, key, store.ErrNotFound)
	}
	if err != nil {
		return store.Record{}, fmt.Errorf("sqlite: get %s %q: %w", table, key, err)
	}
	return r, nil
}

// Scan implements store.ReadTx. fn may call the transaction's other
// methods: records are read in pages, and no cursor is open while fn runs.
func (t *sqlTx) Scan(table string, q store.Query, fn func(store.Record) bool) error {
	if t.done {
		return errTxDone
	}
	if err := engine.ScanPages(q, t.page(table), fn); err != nil {
		return fmt.Errorf("sqlite: scan %s: %w", table, err)
	}
	return nil
}

// Put implements store.Tx.
func (t *sqlTx) Put(table, key string, value []byte) (int64, error) {
	s, err := t.stmt(qPut)
	if err != nil {
		return 0, err
	}
	var v int64
	if err := s.QueryRowContext(t.ctx, table, blob(key), engine.NonNil(value)).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: put %s %q: %w", table, key, err)
	}
	return v, nil
}

// PutIfVersion implements store.Tx. A negative expected never matches.
func (t *sqlTx) PutIfVersion(table, key string, value []byte, expected int64) (int64, error) {
	id, args := qUpdateIf, []any{table, blob(key), engine.NonNil(value), expected}
	if expected == 0 {
		id, args = qInsertNew, args[:3]
	}
	s, err := t.stmt(id)
	if err != nil {
		return 0, err
	}
	var v int64
	err = s.QueryRowContext(t.ctx, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlite: put %s %q at version %d: %w", table, key, expected, store.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: put %s %q at version %d: %w", table, key, expected, err)
	}
	return v, nil
}

// Delete implements store.Tx.
func (t *sqlTx) Delete(table, key string) (bool, error) {
	s, err := t.stmt(qDelete)
	if err != nil {
		return false, err
	}
	res, err := s.ExecContext(t.ctx, table, blob(key))
	if err != nil {
		return false, fmt.Errorf("sqlite: delete %s %q: %w", table, key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: delete %s %q: %w", table, key, err)
	}
	return n > 0, nil
}

// blob converts a key to the BLOB SQLite stores; an empty key must stay a
// zero-length BLOB, not NULL.
func blob(key string) []byte {
	if key == "" {
		return []byte{}
	}
	return []byte(key)
}

var (
	_ store.Tx     = (*sqlTx)(nil)
	_ store.ReadTx = (*sqlTx)(nil)
)
