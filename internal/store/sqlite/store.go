package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/engine"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DefaultMaxBatch is the largest number of Updates the writer commits in one
// transaction when Options.MaxBatch is 0.
const DefaultMaxBatch = 256

// busyTimeoutMillis bounds how long a connection waits for a lock another
// connection holds (a checkpoint, or another process) before failing.
const busyTimeoutMillis = 10000

// Options tunes a Store. The zero value is the recommended setting.
type Options struct {
	// MaxBatch bounds how many Updates share one transaction and one
	// fsync. 0 means DefaultMaxBatch. 1 turns group commit off: every
	// Update then has its own transaction, which is only useful as a
	// baseline for benchmarks.
	MaxBatch int
	// ReadConns is the number of read-only connections Views share.
	// 0 means max(4, GOMAXPROCS).
	ReadConns int
}

// Store is a store.Store on one SQLite file. It is safe for concurrent use.
type Store struct {
	path   string
	readDB *sql.DB
	reads  *statements
	w      *writer
	gate   engine.Gate
}

// Open opens (creating it if needed) the SQLite database at path with the
// default Options, and brings its schema up to date.
func Open(path string) (*Store, error) {
	return OpenWith(path, Options{})
}

// OpenWith is Open with explicit Options.
func OpenWith(path string, o Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w, err := openWriter(dsn(abs, false), o.maxBatch())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	readDB, reads, err := openReaders(dsn(abs, true), o.readConns())
	if err != nil {
		w.stop()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	return &Store{path: abs, readDB: readDB, reads: reads, w: w}, nil
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Update implements store.Store: fn runs in a transaction that the writer
// commits together with other waiting Updates. See the package doc.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	return s.w.submit(ctx, fn)
}

// View implements store.Store: fn reads one snapshot through a read-only
// connection of the pool.
func (s *Store) View(ctx context.Context, fn func(store.ReadTx) error) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	tx, err := s.readDB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: view: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only; nothing to keep
	rt := &sqlTx{ctx: ctx, prep: s.reads.inTx(ctx, tx)}
	defer rt.finish()
	return fn(rt)
}

// Close implements store.Store: it waits for running Updates and Views,
// stops the writer and closes every connection. It is idempotent; the
// first call's error is the only one reported.
func (s *Store) Close() error {
	if !s.gate.Shut() {
		return nil
	}
	return errors.Join(s.w.stop(), s.reads.close(), s.readDB.Close())
}

// dsn builds the driver's name for the file at abs. Every connection waits
// for locks up to busyTimeoutMillis; readers are query-only.
func dsn(abs string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis))
	if readOnly {
		q.Add("_query_only", "1")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	return u.String()
}

func openReaders(name string, n int) (*sql.DB, *statements, error) {
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	st, err := prepareAll(context.Background(), db.PrepareContext, readQueries)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, st, nil
}

func (o Options) maxBatch() int {
	if o.MaxBatch <= 0 {
		return DefaultMaxBatch
	}
	return o.MaxBatch
}

func (o Options) readConns() int {
	if o.ReadConns > 0 {
		return o.ReadConns
	}
	return max(4, runtime.GOMAXPROCS(0))
}

var _ store.Store = (*Store)(nil)
