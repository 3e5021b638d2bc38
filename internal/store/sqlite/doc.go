// Package sqlite is the embedded store engine: store.Store on one SQLite
// file through modernc.org/sqlite (pure Go, no cgo).
//
// # Basics
//
// The file runs in WAL mode with synchronous=FULL, so an Update that returned
// nil has reached the disk. All writes go through one writer goroutine that
// owns the only write connection and commits concurrent Updates together
// (group commit): it takes every request waiting in its queue (at most
// Options.MaxBatch), opens one transaction, runs each request's fn inside its
// own SAVEPOINT, commits once, and then answers every caller. An fn that
// fails is rolled back to its savepoint, so only its own writes vanish. One
// fsync thus covers many Updates, which is what makes concurrent durable
// writes fast.
//
// Each fn still runs on its caller's goroutine: the writer hands the
// transaction over and waits for it back, so a panic or runtime.Goexit in fn
// unwinds the caller as it would without batching, and only that fn's
// writes are rolled back.
//
// Views run on a separate pool of read-only connections, each in a
// transaction that reads one WAL snapshot.
//
// Records live in one table keyed by (table, key), with keys stored as BLOBs
// so that they sort bytewise. The schema is versioned: Open applies the
// numbered migrations in migrate.go that the file has not seen yet.
//
// # Caveats
//
// fn must not call Update on the same store (the writer is busy running fn,
// so that would deadlock); it may call View. Once fn has started, ctx no
// longer interrupts it. Several processes may open one file safely (SQLite
// locks it), but their writers then wait on each other's locks instead of
// sharing commits; hob opens its file from one process.
package sqlite
