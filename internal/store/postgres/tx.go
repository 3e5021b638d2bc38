package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/engine"
	"github.com/jackc/pgx/v5"
)

// errTxDone is returned by a transaction used after its fn returned.
var errTxDone = errors.New("postgres: transaction used after its function returned")

// pgTx implements store.Tx (and store.ReadTx) on one pgx transaction.
// Statements use ctx, the ctx of the Update or View that made it.
type pgTx struct {
	ctx context.Context
	tx  pgx.Tx
	// retryErr is the first serialization failure a statement hit: the
	// transaction is then doomed, whatever fn does with the error.
	retryErr error
	done     bool
}

// run calls fn and then makes t unusable, also when fn panics.
func (t *pgTx) run(fn func(store.Tx) error) error {
	defer func() { t.done = true }()
	return fn(t)
}

// check fails calls after fn returned.
func (t *pgTx) check() error {
	if t.done {
		return errTxDone
	}
	return nil
}

// note records err when it calls for a retry and returns it.
func (t *pgTx) note(err error) error {
	if t.retryErr == nil && retryable(err) {
		t.retryErr = err
	}
	return err
}

// queryRow runs sql expecting one row, scanned into dest; pgx.ErrNoRows
// comes back as is.
func (t *pgTx) queryRow(sql string, args []any, dest ...any) error {
	if err := t.check(); err != nil {
		return err
	}
	return t.note(t.tx.QueryRow(t.ctx, sql, args...).Scan(dest...))
}

// Get implements store.ReadTx.
func (t *pgTx) Get(table, key string) (store.Record, error) {
	r := store.Record{Key: key}
	err := t.queryRow(sqlGet, []any{table, []byte(key)}, &r.Value, &r.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Record{}, fmt.Errorf("postgres: get %s %q: %w", table, key, store.ErrNotFound)
	}
	if err != nil {
		return store.Record{}, fmt.Errorf("postgres: get %s %q: %w", table, key, err)
	}
	return r, nil
}

// Scan implements store.ReadTx. fn may call the transaction's other
// methods: records are read in pages, and no cursor is open while fn runs.
func (t *pgTx) Scan(table string, q store.Query, fn func(store.Record) bool) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := engine.ScanPages(q, t.page(table), fn); err != nil {
		return fmt.Errorf("postgres: scan %s: %w", table, t.note(err))
	}
	return nil
}

// Put implements store.Tx.
func (t *pgTx) Put(table, key string, value []byte) (int64, error) {
	var v int64
	if err := t.queryRow(sqlPut, []any{table, []byte(key), engine.NonNil(value)}, &v); err != nil {
		return 0, fmt.Errorf("postgres: put %s %q: %w", table, key, err)
	}
	return v, nil
}

// PutIfVersion implements store.Tx. A negative expected never matches.
func (t *pgTx) PutIfVersion(table, key string, value []byte, expected int64) (int64, error) {
	sql, args := sqlUpdateIf, []any{table, []byte(key), engine.NonNil(value), expected}
	if expected == 0 {
		sql, args = sqlInsertNew, args[:3]
	}
	var v int64
	err := t.queryRow(sql, args, &v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("postgres: put %s %q at version %d: %w", table, key, expected, store.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: put %s %q at version %d: %w", table, key, expected, err)
	}
	return v, nil
}

// Delete implements store.Tx.
func (t *pgTx) Delete(table, key string) (bool, error) {
	if err := t.check(); err != nil {
		return false, err
	}
	tag, err := t.tx.Exec(t.ctx, sqlDelete, table, []byte(key))
	if err != nil {
		return false, fmt.Errorf("postgres: delete %s %q: %w", table, key, t.note(err))
	}
	return tag.RowsAffected() > 0, nil
}

var (
	_ store.Tx     = (*pgTx)(nil)
	_ store.ReadTx = (*pgTx)(nil)
)
