package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// shared is the server of this test binary, made on first use by Start.
var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// dbSeq numbers the databases this process creates.
var dbSeq atomic.Int64

// Start returns a DSN (key=value form, for pgx) of a new empty database on
// the binary's shared server, starting the server on first use. The database
// is dropped when tb ends.
func Start(tb testing.TB) string {
	tb.Helper()
	requireBinaries(tb)
	shared.once.Do(func() { shared.srv, shared.err = newServer() })
	if shared.err != nil {
		tb.Fatalf("pgtest: start shared server: %v", shared.err)
	}
	return shared.srv.CreateDB(tb)
}

// Main runs the tests of m and then stops the shared server, if one was
// started, and exits with the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if shared.srv != nil {
		if err := shared.srv.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stop shared server: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// CreateDB creates a new empty database on s and returns its DSN. The
// database is dropped (closing its connections) when tb ends.
func (s *Server) CreateDB(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), dbSeq.Add(1))
	if err := s.admin(fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.admin(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	return s.dsn(name)
}

// dsn is the connection string of database name on s.
func (s *Server) dsn(name string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", s.dir, port, name)
}

// admin runs one statement on s's postgres database.
func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.dsn("postgres"))
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}
