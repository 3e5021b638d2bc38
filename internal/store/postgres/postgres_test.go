package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/postgres"
	"github.com/hob-iot/hob/internal/store/storetest"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func mustOpen(tb testing.TB, dsn string, o postgres.Options) *postgres.Store {
	tb.Helper()
	s, err := postgres.OpenWith(context.Background(), dsn, o)
	if err != nil {
		tb.Fatalf("OpenWith: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStore_Conformance(t *testing.T) {
	var mu sync.Mutex
	dsns := map[store.Store]string{} // for reopen
	open := func(t *testing.T) store.Store {
		dsn := pgtest.Start(t)
		s := mustOpen(t, dsn, postgres.Options{})
		mu.Lock()
		defer mu.Unlock()
		dsns[s] = dsn
		return s
	}
	reopen := func(t *testing.T, closed store.Store) store.Store {
		mu.Lock()
		dsn := dsns[closed]
		mu.Unlock()
		return mustOpen(t, dsn, postgres.Options{})
	}
	storetest.Run(t, open, storetest.WithReopen(reopen))
}

// TestStore_Update_Kill9 kills the writing process and, at the same moment,
// crashes its own PostgreSQL server, then checks every acknowledged write.
func TestStore_Update_Kill9(t *testing.T) {
	var srv *pgtest.Server
	storetest.Kill9(t, storetest.Kill9Config{
		Target: func(tb testing.TB) string {
			srv = pgtest.NewServer(tb)
			return srv.CreateDB(tb)
		},
		Open: func(tb testing.TB, dsn string) store.Store {
			return mustOpen(tb, dsn, postgres.Options{MaxConns: 32})
		},
		Crash: func(tb testing.TB) { srv.Crash(tb) },
	})
}
