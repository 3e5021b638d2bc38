package postgres

import (
	"context"
	"fmt"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/engine"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultMaxAttempts is how many times Update runs fn, at most, when
// Options.MaxAttempts is 0.
const DefaultMaxAttempts = 30

// Options tunes a Store. The zero value is the recommended setting.
type Options struct {
	// MaxConns caps the connection pool. 0 keeps the DSN's
	// pool_max_conns, or pgxpool's default (max(4, number of CPUs)).
	MaxConns int32
	// MaxAttempts bounds how many times Update runs fn when transactions
	// keep failing to serialize. 0 means DefaultMaxAttempts.
	MaxAttempts int
}

// Store is a store.Store on a PostgreSQL database. It is safe for
// concurrent use, also by several processes on the same database.
type Store struct {
	pool        *pgxpool.Pool
	maxAttempts int
	gate        engine.Gate
}

// Open connects to the database at dsn (a URL or key=value string, as pgx
// accepts) with the default Options and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, Options{})
}

// OpenWith is Open with explicit Options.
func OpenWith(ctx context.Context, dsn string, o Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, maxAttempts: o.MaxAttempts}
	if s.maxAttempts <= 0 {
		s.maxAttempts = DefaultMaxAttempts
	}
	return s, nil
}

// Update implements store.Store: fn runs in a SERIALIZABLE transaction,
// again after serialization failures (see the package doc). The returned
// error is fn's own when fn fails for any other reason.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	return s.retry(ctx, func() (bool, error) { return s.updateOnce(ctx, fn) })
}

// updateOnce runs fn in one transaction and commits it. retry is true when
// the transaction failed to serialize and may succeed if run again.
func (s *Store) updateOnce(ctx context.Context, fn func(store.Tx) error) (retry bool, err error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		return false, fmt.Errorf("postgres: begin: %w", err)
	}
	defer rollback(tx)
	t := &pgTx{ctx: ctx, tx: tx}
	fnErr := t.run(fn)
	if t.retryErr != nil {
		return true, t.retryErr
	}
	if fnErr != nil {
		return retryable(fnErr), fnErr
	}
	if err := tx.Commit(ctx); err != nil {
		return retryable(err), fmt.Errorf("postgres: commit: %w", err)
	}
	return false, nil
}

// View implements store.Store: fn reads one snapshot (REPEATABLE READ,
// READ ONLY).
func (s *Store) View(ctx context.Context, fn func(store.ReadTx) error) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer rollback(tx)
	t := &pgTx{ctx: ctx, tx: tx}
	return t.run(func(tx store.Tx) error { return fn(tx) })
}

// Close implements store.Store: it waits for running transactions, then
// closes the pool. It is idempotent.
func (s *Store) Close() error {
	if !s.gate.Shut() {
		return nil
	}
	s.pool.Close()
	return nil
}

// rollback ends tx if it is still open. It runs without the caller's ctx,
// which may be done, so that the connection goes back to the pool clean;
// after a commit it does nothing.
func rollback(tx pgx.Tx) { _ = tx.Rollback(context.Background()) }

var _ store.Store = (*Store)(nil)
