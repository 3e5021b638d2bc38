package registry

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/sqlite"
)

// openTestStore opens a SQLite store in a temp dir and closes it when the
// test ends.
func openTestStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.TempDir() + "/hob.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// dumpTables returns every record of tables in st, keyed "table|key" with
// the value "v<version> <value>", to show that a failed request changed
// nothing.
func dumpTables(t *testing.T, st store.Store, tables []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.View(context.Background(), func(tx store.ReadTx) error {
		for _, table := range tables {
			err := tx.Scan(table, store.Query{}, func(rec store.Record) bool {
				out[table+"|"+rec.Key] = fmt.Sprintf("v%d %s", rec.Version, rec.Value)
				return true
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wantCode fails the test unless err is an *iot.Error with code want and
// a message (want "" means no error).
func wantCode(t *testing.T, err error, want iot.Code) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	e, ok := iot.AsError(err)
	if !ok || e.Code != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
	if e.Message == "" {
		t.Fatalf("%s has no message", want)
	}
}

// wantFailsUnchanged runs op, which must fail with code, and checks with
// dump that it left the store as it was.
func wantFailsUnchanged(t *testing.T, dump func() map[string]string, code iot.Code, op func() error) {
	t.Helper()
	before := dump()
	wantCode(t, op(), code)
	if after := dump(); !maps.Equal(before, after) {
		t.Fatalf("failed request changed the store:\nbefore %v\nafter  %v", before, after)
	}
}
