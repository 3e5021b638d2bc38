package action_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite"

	"github.com/hob-iot/hob/internal/rules/action"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// dbOpener is a Deps.DB that opens each (driver, dsn) once and closes
// them when the test ends.
func dbOpener(t *testing.T) func(context.Context, string, string) (*sql.DB, error) {
	var mu sync.Mutex
	dbs := map[string]*sql.DB{}
	t.Cleanup(func() {
		for _, db := range dbs {
			db.Close()
		}
	})
	return func(_ context.Context, driver, dsn string) (*sql.DB, error) {
		mu.Lock()
		defer mu.Unlock()
		if db := dbs[driver+" "+dsn]; db != nil {
			return db, nil
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			return nil, err
		}
		dbs[driver+" "+dsn] = db
		return db, nil
	}
}

// sqlTableCase runs the shared sqlTable checks against one database.
func sqlTableCase(t *testing.T, driver, dsn, createTable string) {
	open := dbOpener(t)
	db, err := open(context.Background(), map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[driver], dsn)
	if err != nil {
		t.Fatal(err)
	}
	d := fakeDeps()
	d.DB = open
	spec := map[string]any{"sqlTable": map[string]any{"driver": driver, "dsn": dsn, "table": "Readings",
		"columns": map[string]string{"device": "${topic(2)}", "note": "${note}"}}}
	raw, _ := json.Marshal(spec)
	a, err := action.Build(raw, d)
	if err != nil {
		t.Fatal(err)
	}
	evil := `x'); DROP TABLE readings; --`
	inv := &action.Invocation{Topic: "dev/d1", Output: []byte(`{"temp":21.5}`),
		Render: renderer(t, map[string]string{"topic(2)": "d1", "note": evil})}

	err = a.Do(context.Background(), inv)
	if err == nil || !strings.Contains(err.Error(), "table does not exist") {
		t.Fatalf("without the table: got %v", err)
	}
	if _, err := db.Exec(createTable); err != nil {
		t.Fatal(err)
	}
	if err := a.Do(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	var payload, device, note string
	if err := db.QueryRow(`SELECT payload, device, note FROM readings`).Scan(&payload, &device, &note); err != nil {
		t.Fatal(err)
	}
	var got map[string]float64
	if err := json.Unmarshal([]byte(payload), &got); err != nil || got["temp"] != 21.5 {
		t.Errorf("payload %q", payload)
	}
	if device != "d1" || note != evil {
		t.Errorf("device %q note %q", device, note)
	}
	if a.Kind() != "SqlTableAction" || a.Resource() != "Readings" {
		t.Errorf("Kind %q Resource %q", a.Kind(), a.Resource())
	}
}

func TestSQLTable_Do_SQLite(t *testing.T) {
	dsn := "file:" + filepath.Join(t.TempDir(), "rules.db")
	sqlTableCase(t, "sqlite", dsn, `CREATE TABLE readings (id INTEGER PRIMARY KEY, payload TEXT, device TEXT, note TEXT)`)
}

func TestSQLTable_Do_PostgreSQL(t *testing.T) {
	dsn := pgtest.Start(t)
	sqlTableCase(t, "postgres", dsn, `CREATE TABLE readings (id serial PRIMARY KEY, payload jsonb, device text, note text)`)
}

func TestSQLTable_Do_InsertError(t *testing.T) {
	dsn := "file:" + filepath.Join(t.TempDir(), "rules.db")
	open := dbOpener(t)
	db, _ := open(context.Background(), "sqlite", dsn)
	if _, err := db.Exec(`CREATE TABLE t (payload TEXT)`); err != nil {
		t.Fatal(err)
	}
	d := fakeDeps()
	d.DB = open
	a, err := action.Build(json.RawMessage(`{"sqlTable":{"driver":"sqlite","dsn":"`+dsn+`","table":"t","columns":{"missing":"x"}}}`), d)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Do(context.Background(), &action.Invocation{Output: []byte(`{}`)})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("got %v, want an error naming the missing column", err)
	}
}
