package app

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestOpenDB_SQLiteWaitsForLocks checks that sqlTable's SQLite pools wait
// for a lock another connection holds instead of failing at once, unless
// the DSN chose its own busy timeout.
func TestOpenDB_SQLiteWaitsForLocks(t *testing.T) {
	dir := t.TempDir()
	d := &actionDeps{dbs: map[[2]string]*sql.DB{}}
	t.Cleanup(func() {
		for _, db := range d.dbs {
			db.Close()
		}
	})
	for dsn, want := range map[string]int{
		filepath.Join(dir, "a.db"):                                int(sqlTableBusyWait.Milliseconds()),
		"file:" + filepath.Join(dir, "b.db") + "?mode=rwc":        int(sqlTableBusyWait.Milliseconds()),
		filepath.Join(dir, "c.db") + "?_pragma=busy_timeout(250)": 250,
	} {
		db, err := d.openDB(context.Background(), "sqlite", dsn)
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := db.QueryRow("PRAGMA busy_timeout").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: busy_timeout %d, want %d", dsn, got, want)
		}
	}
}
