package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/sqlite"
	"github.com/hob-iot/hob/internal/store/storetest"
)

// opener returns a storetest opener of fresh files with options o.
func opener(o sqlite.Options) func(t *testing.T) store.Store {
	return func(t *testing.T) store.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "hob.db"), o)
	}
}

func mustOpen(tb testing.TB, path string, o sqlite.Options) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.OpenWith(path, o)
	if err != nil {
		tb.Fatalf("OpenWith(%s): %v", path, err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func reopen(o sqlite.Options) func(t *testing.T, closed store.Store) store.Store {
	return func(t *testing.T, closed store.Store) store.Store {
		return mustOpen(t, closed.(*sqlite.Store).Path(), o)
	}
}

func TestStore_Conformance(t *testing.T) {
	storetest.Run(t, opener(sqlite.Options{}), storetest.WithReopen(reopen(sqlite.Options{})))
}

func TestStore_Conformance_NoGroupCommit(t *testing.T) {
	o := sqlite.Options{MaxBatch: 1}
	storetest.Run(t, opener(o), storetest.WithReopen(reopen(o)))
}

func TestStore_Update_Kill9(t *testing.T) {
	storetest.Kill9(t, storetest.Kill9Config{
		Target: func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "hob.db") },
		Open: func(tb testing.TB, path string) store.Store {
			return mustOpen(tb, path, sqlite.Options{})
		},
	})
}
