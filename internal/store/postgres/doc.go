// Package postgres is the scale-out store engine: store.Store on a
// PostgreSQL database through pgx/v5 and a pgxpool connection pool, so that
// several hob nodes can share one database.
//
// # Basics
//
// Records live in one table keyed by (tbl, key); keys are bytea, which
// PostgreSQL compares bytewise (and which, unlike text, holds NUL bytes).
// The schema is versioned: Open applies the numbered migrations in
// migrate.go that the database has not seen yet, under a transaction-scoped
// advisory lock, so nodes starting together apply each migration once.
//
// Update runs fn in a SERIALIZABLE transaction. When PostgreSQL reports a
// serialization failure or a deadlock (SQLSTATE 40001, 40P01), from any
// statement or from the commit, Update rolls back, waits a short jittered
// backoff and runs fn again, up to Options.MaxAttempts times; fn must
// therefore have no effects outside the transaction (store's Caveats).
// View runs fn in a REPEATABLE READ READ ONLY transaction: one snapshot.
//
// Tx methods take no context: they use the ctx of the Update or View that
// made the transaction.
//
// # Caveats
//
// Table names are text: they must be valid UTF-8 without NUL bytes. Keys
// and values may hold any bytes.
package postgres
