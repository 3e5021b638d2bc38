// Package pgtest runs throwaway PostgreSQL 15 servers for tests.
//
// Start returns the DSN of a new, empty database on a server shared by the
// whole test binary; the database is dropped when the test ends. The server
// starts on first use and stops when the binary's TestMain calls Main's
// teardown, so a package that uses Start should have
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// NewServer gives a test a server of its own, for tests that crash it.
//
// A server runs from the Debian binaries (HOB_PG_BIN, by default
// /usr/lib/postgresql/15/bin) in a temporary folder, listens only on a unix
// socket there, and keeps fsync on. PostgreSQL refuses to run as root, so a
// root test process runs initdb and the server as the postgres user. When
// the binaries are missing the test is skipped, except when the CI
// environment variable is "true", where it fails.
//
// The server is started with a parent-death signal: if the test binary dies
// without running its teardown, the server shuts down at once.
//
// This package may only be imported from _test.go files.
package pgtest
