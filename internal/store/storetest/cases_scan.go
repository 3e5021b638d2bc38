package storetest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

var scanCases = []testCase{
	{"Scan_Order", testScanOrder},
	{"Scan_Query", testScanQuery},
	{"Scan_StopEarly", testScanStopEarly},
	{"Scan_TablesIsolated", testScanTablesIsolated},
	{"Scan_ManyPages", testScanManyPages},
	{"Scan_LargeValues", testScanLargeValues},
	{"Scan_WritesDuringScan", testScanWritesDuringScan},
}

// scanKeys are chosen to tell bytewise order from every other order: NUL
// bytes, case, UTF-8 sequences, invalid UTF-8 and 0xff runs.
var scanKeys = []string{
	"", "\x00", "\x00\x00", "a", "a\x00", "a\x00b", "a\x01", "aa", "ab", "A", "B", "Z", "b",
	"é", "ü", "z", "\x7f", "\xff", "\xff\xff", "\xffa", "日本", "日本語", "a/b/c", "a/b", "a/c",
}

// scanAll returns the keys a Scan yields.
func scanAll(t *testing.T, tx store.ReadTx, table string, q store.Query) []string {
	t.Helper()
	var keys []string
	if err := tx.Scan(table, q, func(r store.Record) bool {
		keys = append(keys, r.Key)
		return true
	}); err != nil {
		t.Fatalf("Scan(%q, %s): %v", table, fmtQuery(q), err)
	}
	return keys
}

// wantKeys fails t unless Scan yields exactly keys, in that order.
func wantKeys(t *testing.T, tx store.ReadTx, table string, q store.Query, keys ...string) {
	t.Helper()
	if got := scanAll(t, tx, table, q); !slices.Equal(got, keys) {
		t.Errorf("Scan(%q, %s) = %+q, want %+q", table, fmtQuery(q), got, keys)
	}
}

// fmtQuery shows q with its strings quoted in ASCII.
func fmtQuery(q store.Query) string {
	return fmt.Sprintf("{Prefix:%+q After:%+q Limit:%d}", q.Prefix, q.After, q.Limit)
}

// expect computes what q selects from keys, by the definition in store.Query.
func expect(keys []string, q store.Query) []string {
	sorted := slices.Clone(keys)
	sort.Strings(sorted) // Go compares strings bytewise
	var out []string
	for _, k := range sorted {
		if strings.HasPrefix(k, q.Prefix) && (q.After == "" || k > q.After) {
			out = append(out, k)
		}
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

func putKeys(t *testing.T, s store.Store, table string, keys []string) {
	t.Helper()
	kv := make(map[string]string, len(keys))
	for _, k := range keys {
		kv[k] = "value of " + k
	}
	put(t, s, table, kv)
}

func testScanOrder(t *testing.T, h *harness) {
	s := h.fresh(t)
	putKeys(t, s, "t", scanKeys)
	view(t, s, func(tx store.ReadTx) error {
		wantKeys(t, tx, "t", store.Query{}, expect(scanKeys, store.Query{})...)
		return tx.Scan("t", store.Query{}, func(r store.Record) bool {
			if string(r.Value) != "value of "+r.Key || r.Version != 1 {
				t.Errorf("Scan record %+q = %q v%d", r.Key, r.Value, r.Version)
			}
			return true
		})
	})
}

func testScanQuery(t *testing.T, h *harness) {
	s := h.fresh(t)
	putKeys(t, s, "t", scanKeys)
	var queries []store.Query
	for _, p := range []string{"", "a", "a\x00", "a/", "\x00", "\xff", "\xff\xff", "é", "日本", "A", "nothing"} {
		queries = append(queries, store.Query{Prefix: p})
	}
	for _, a := range []string{"a", "a\x00", "a\x00a", "Z", "\xff", "\xff\xff\xff", "\x00", "日", "zz"} {
		queries = append(queries, store.Query{After: a}, store.Query{Prefix: "a", After: a})
	}
	for _, l := range []int{1, 3, len(scanKeys), len(scanKeys) + 5} {
		queries = append(queries, store.Query{Limit: l}, store.Query{Prefix: "a", Limit: l},
			store.Query{Prefix: "a", After: "a\x00", Limit: l})
	}
	view(t, s, func(tx store.ReadTx) error {
		for _, q := range queries {
			wantKeys(t, tx, "t", q, expect(scanKeys, q)...)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { // the same through a read-write transaction
		for _, q := range queries {
			wantKeys(t, tx, "t", q, expect(scanKeys, q)...)
		}
		return nil
	})
}

func testScanStopEarly(t *testing.T, h *harness) {
	s := h.fresh(t)
	putKeys(t, s, "t", scanKeys)
	view(t, s, func(tx store.ReadTx) error {
		calls := 0
		err := tx.Scan("t", store.Query{}, func(store.Record) bool {
			calls++
			return calls < 2
		})
		if err != nil || calls != 2 {
			t.Errorf("Scan stopping after 2 records: %d calls, %v", calls, err)
		}
		return nil
	})
}

func testScanTablesIsolated(t *testing.T, h *harness) {
	s := h.fresh(t)
	tables := []string{"t", "t1", "t10", "T", "tx"}
	for _, tb := range tables {
		put(t, s, tb, map[string]string{"a": tb, "b": tb, "only-" + tb: tb})
	}
	update(t, s, func(tx store.Tx) error {
		_, err := tx.Delete("t1", "a")
		return err
	})
	view(t, s, func(tx store.ReadTx) error {
		for _, tb := range tables {
			keys := []string{"a", "b", "only-" + tb}
			if tb == "t1" {
				keys = keys[1:]
			}
			wantKeys(t, tx, tb, store.Query{}, keys...)
			_ = tx.Scan(tb, store.Query{}, func(r store.Record) bool {
				if string(r.Value) != tb {
					t.Errorf("table %q holds %q=%q from another table", tb, r.Key, r.Value)
				}
				return true
			})
		}
		wantKeys(t, tx, "none", store.Query{})
		return nil
	})
}

func testScanManyPages(t *testing.T, h *harness) {
	s := h.fresh(t)
	keys := make([]string, 1500)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%05d", i)
	}
	putKeys(t, s, "t", keys)
	queries := []store.Query{{}, {Limit: 600}, {After: "k00700"}, {After: "k00700", Limit: 513},
		{Prefix: "k01"}, {Prefix: "k0", After: "k00999", Limit: 1000}}
	view(t, s, func(tx store.ReadTx) error {
		for _, q := range queries {
			got, wantK := scanAll(t, tx, "t", q), expect(keys, q)
			if !slices.Equal(got, wantK) {
				t.Errorf("Scan(%s) = %d keys, want %d", fmtQuery(q), len(got), len(wantK))
			}
		}
		return nil
	})
}

func testScanLargeValues(t *testing.T, h *harness) {
	s := h.fresh(t)
	big := strings.Repeat("x", 1<<20)
	for i := range 9 {
		put(t, s, "t", map[string]string{fmt.Sprintf("k%d", i): big + fmt.Sprint(i)})
	}
	view(t, s, func(tx store.ReadTx) error {
		i := 0
		err := tx.Scan("t", store.Query{}, func(r store.Record) bool {
			if r.Key != fmt.Sprintf("k%d", i) || string(r.Value) != big+fmt.Sprint(i) {
				t.Errorf("record %d: key %q, %d bytes", i, r.Key, len(r.Value))
			}
			i++
			return true
		})
		if err != nil || i != 9 {
			t.Errorf("Scan of 9 MiB: %d records, %v", i, err)
		}
		return nil
	})
}

// testScanWritesDuringScan checks that fn may use its transaction while a
// Scan is running, as domain code does to maintain an index.
func testScanWritesDuringScan(t *testing.T, h *harness) {
	s := h.fresh(t)
	keys := make([]string, 700)
	for i := range keys {
		keys[i] = fmt.Sprintf("thing%04d", i)
	}
	putKeys(t, s, "things", keys)
	update(t, s, func(tx store.Tx) error {
		return tx.Scan("things", store.Query{}, func(r store.Record) bool {
			if _, err := tx.Get("things", r.Key); err != nil {
				t.Errorf("Get during Scan: %v", err)
				return false
			}
			if _, err := tx.Put("index", string(r.Value)+"\x00"+r.Key, nil); err != nil {
				t.Errorf("Put during Scan: %v", err)
				return false
			}
			return true
		})
	})
	view(t, s, func(tx store.ReadTx) error {
		if got := scanAll(t, tx, "index", store.Query{Prefix: "value of thing"}); len(got) != len(keys) {
			t.Errorf("index has %d entries, want %d", len(got), len(keys))
		}
		return nil
	})
}
