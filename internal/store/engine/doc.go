// Package engine holds what the store engines (store/sqlite and
// store/postgres) share beyond the store.Store contract itself: the parts of
// an engine that do not depend on its SQL dialect or its driver.
//
// # Basics
//
//   - Gate admits transactions until Close shuts it, and lets Close wait for
//     the ones it admitted.
//   - ScanPages drives a store.ReadTx.Scan in pages, so that no cursor stays
//     open while the caller's fn runs; the engine supplies a PageReader that
//     runs its own statement over a KeyRange, usually through ReadPage.
//   - Migration, Apply and ErrSchemaTooNew are the bookkeeping of a
//     numbered, append-only schema; the engine runs each step's SQL and
//     records it in its own schema_migrations table.
//   - NonNil maps a nil value to an empty one before it is written.
//
// Everything that names a table, a column or a placeholder stays in the
// engines. This package imports only the standard library and
// internal/store.
package engine
