// Package store defines hob's one seam for durable state: named tables of
// records addressed by string keys, read and written in transactions.
//
// # Basics
//
// Everything hob must not lose (registry, certificates, policies, shadows,
// retained messages, sessions, rules) is a record: a key, an opaque value
// (the domain package chooses the encoding, usually JSON) and a version that
// the store keeps. Keys within a table are ordered bytewise, so a domain
// package models secondary indexes as extra tables with composite keys
// (for example "thing\x00principal") written in the same transaction.
//
// Two engines implement Store: store/sqlite (the embedded default) and
// store/postgres. store/storetest holds the conformance suite that both pass;
// code above this package must rely on nothing the suite does not check.
//
// # Caveats
//
// Update's fn may run more than once (PostgreSQL retries serialization
// failures), so it must have no effects outside the transaction. Values
// passed to or returned from a transaction must not be modified afterwards
// by their giver.
package store

import (
	"context"
	"errors"
)

// Sentinel errors returned by Tx and ReadTx methods. Engines wrap them with
// %w; callers test with errors.Is.
var (
	// ErrNotFound: no record has the key.
	ErrNotFound = errors.New("store: record not found")
	// ErrConflict: a conditional write found a different version than expected.
	ErrConflict = errors.New("store: version conflict")
	// ErrClosed: the store has been closed.
	ErrClosed = errors.New("store: closed")
)

// Record is one stored value and its version. Version is 1 when a write
// creates the record (the key's first write, or the first after a Delete)
// and grows by 1 on every later Put or PutIfVersion.
type Record struct {
	Key     string
	Value   []byte
	Version int64
}

// Query selects records of one table for Scan: keys that start with Prefix
// and sort strictly after After (bytewise; an empty After sets no bound), at
// most Limit of them (0 or less means no limit), in ascending key order.
// Passing the last key seen as After pages through a table.
type Query struct {
	Prefix string
	After  string
	Limit  int
}

// ReadTx reads a consistent snapshot of the store. It is valid only while
// the fn it was given to runs, and only on that fn's goroutine; afterwards
// its methods return errors.
type ReadTx interface {
	// Get returns the record at key, or an error wrapping ErrNotFound.
	Get(table, key string) (Record, error)
	// Scan calls fn with the records that q selects, in key order, until fn
	// returns false or the records run out. fn may call the transaction's
	// other methods, including writes; whether a write made during the
	// Scan to a key it has not reached yet is seen is unspecified.
	Scan(table string, q Query, fn func(Record) bool) error
}

// Tx is a read-write transaction: it sees its own writes, and either all of
// them take effect or none do.
type Tx interface {
	ReadTx
	// Put writes value at key, creating or replacing the record, and
	// returns its new version.
	Put(table, key string, value []byte) (int64, error)
	// PutIfVersion writes like Put only when the record's current version
	// is expected (0: the record must not exist); otherwise it writes
	// nothing and returns an error wrapping ErrConflict.
	PutIfVersion(table, key string, value []byte, expected int64) (int64, error)
	// Delete removes the record at key and reports whether there was one.
	Delete(table, key string) (bool, error)
}

// Store is durable, transactional state.
type Store interface {
	// Update runs fn in a read-write transaction and commits it. When Update
	// returns nil, every write fn made is durable (it survives kill -9 and
	// power loss, as far as the disk keeps its fsync promise). When fn
	// returns an error, none of its writes take effect and Update returns
	// that error unchanged (errors.Is and errors.As see through it). A
	// panic in fn reaches Update's caller, and none of fn's writes take
	// effect. When ctx is done before fn starts, fn does not run and Update
	// returns ctx.Err(). fn must not call Update on the same store.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction over a consistent snapshot.
	View(ctx context.Context, fn func(ReadTx) error) error
	// Close waits for running transactions and releases the store; later
	// calls return ErrClosed. Close is idempotent.
	Close() error
}
