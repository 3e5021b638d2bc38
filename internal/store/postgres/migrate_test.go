package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/store/engine"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestMigrations_Numbered(t *testing.T) {
	for i, m := range migrations {
		if m.Version != i+1 || m.Name == "" || m.SQL == "" {
			t.Errorf("migrations[%d] = version %d %q: want version %d, a name and SQL", i, m.Version, m.Name, i+1)
		}
	}
}

// queryInt runs sql on dsn and returns the first column of its one row.
func queryInt(t *testing.T, dsn, sql string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestOpen_ConcurrentNodes opens one fresh database from several "nodes" at
// once: the advisory lock must let each migration run exactly once.
func TestOpen_ConcurrentNodes(t *testing.T) {
	dsn := pgtest.Start(t)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			s, err := Open(context.Background(), dsn)
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			_ = s.Close()
		})
	}
	wg.Wait()
	if n := queryInt(t, dsn, `SELECT count(*) FROM schema_migrations`); n != len(migrations) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(migrations))
	}
}

func TestOpen_SchemaTooNew(t *testing.T) {
	dsn := pgtest.Start(t)
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	queryInt(t, dsn, `INSERT INTO schema_migrations (version, name) VALUES (999, 'future') RETURNING version`)
	if s, err := Open(context.Background(), dsn); !errors.Is(err, engine.ErrSchemaTooNew) {
		if s != nil {
			_ = s.Close()
		}
		t.Errorf("Open of a newer schema: %v, want errSchemaTooNew", err)
	}
}

func TestOpen_Unreachable(t *testing.T) {
	dsn := "host=" + t.TempDir() + " port=5432 user=postgres dbname=none sslmode=disable connect_timeout=2"
	if s, err := Open(context.Background(), dsn); err == nil {
		_ = s.Close()
		t.Error("Open without a server succeeded")
	}
}
