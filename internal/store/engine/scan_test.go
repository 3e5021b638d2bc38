package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

// sliceReader is a PageReader over sorted keys; it counts its calls.
func sliceReader(keys []string, calls *int) PageReader {
	return func(r KeyRange, n int) ([]store.Record, bool, error) {
		*calls++
		var recs []store.Record
		for _, k := range keys {
			if k < r.From || (r.Exclusive && k == r.From) || (r.HasEnd && k >= r.End) {
				continue
			}
			if len(recs) == n {
				return recs, true, nil
			}
			recs = append(recs, store.Record{Key: k})
		}
		return recs, len(recs) == n, nil
	}
}

func TestScanPages(t *testing.T) {
	var keys []string
	for i := range 600 {
		keys = append(keys, "k/"+strings.Repeat("x", i/26)+string(rune('a'+i%26)))
	}
	slices.Sort(keys)
	keys = append(keys, "l/other")
	for _, c := range []struct {
		name  string
		q     store.Query
		want  int
		stop  int // fn returns false at this record (1-based); 0 never
		pages int
	}{
		{"all of a prefix over three pages", store.Query{Prefix: "k/"}, 600, 0, 3},
		{"limit inside the second page", store.Query{Prefix: "k/", Limit: 300}, 300, 0, 2},
		{"after", store.Query{Prefix: "k/", After: keys[99]}, 500, 0, 2},
		{"fn stops", store.Query{}, 10, 10, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			calls := 0
			err := ScanPages(c.q, sliceReader(keys, &calls), func(r store.Record) bool {
				got = append(got, r.Key)
				return len(got) != c.stop
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.want || !slices.IsSorted(got) || calls != c.pages {
				t.Errorf("got %d sorted=%v records in %d pages, want %d in %d", len(got), slices.IsSorted(got), calls, c.want, c.pages)
			}
		})
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct {
		prefix, end string
		ok          bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"ab", "ac", true},
		{"a\xff", "b", true},
		{"\xff\xff", "", false},
	} {
		end, ok := prefixEnd(c.prefix)
		if end != c.end || ok != c.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", c.prefix, end, ok, c.end, c.ok)
		}
	}
}
