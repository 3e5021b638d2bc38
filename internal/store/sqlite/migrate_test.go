package sqlite

import (
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/hob-iot/hob/internal/store/engine"
)

func TestMigrations_Numbered(t *testing.T) {
	for i, m := range migrations {
		if m.Version != i+1 || m.Name == "" || m.SQL == "" {
			t.Errorf("migrations[%d] = version %d %q: want version %d, a name and SQL", i, m.Version, m.Name, i+1)
		}
	}
}

// appliedVersions reads schema_migrations of the file at path.
func appliedVersions(t *testing.T, path string) []int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestOpen_MigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hob.db")
	for range 3 {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if got := appliedVersions(t, path); len(got) != len(migrations) || got[len(got)-1] != len(migrations) {
		t.Errorf("schema_migrations = %v, want 1..%d once each", got, len(migrations))
	}
}

func TestOpen_SchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hob.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if s, err := Open(path); !errors.Is(err, engine.ErrSchemaTooNew) {
		if s != nil {
			_ = s.Close()
		}
		t.Errorf("Open of a newer schema: %v, want errSchemaTooNew", err)
	}
}

func TestOpen_BadPath(t *testing.T) {
	if s, err := Open(filepath.Join(t.TempDir(), "missing", "dir", "hob.db")); err == nil {
		_ = s.Close()
		t.Error("Open in a missing folder succeeded")
	}
}
