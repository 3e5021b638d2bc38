package sqlite

import (
	"github.com/hob-iot/hob/internal/store"
)

// A Scan reads its records in pages so that no cursor stays open while the
// caller's fn runs. A page ends after pageRows records, or early once its
// keys and values reach pageBytes.
const (
	pageRows  = 256
	pageBytes = 4 << 20
)

// keyRange is the part of a table a page reads: keys from from (excluded
// when exclusive) up to, not including, end when hasEnd.
type keyRange struct {
	from      string
	exclusive bool
	end       string
	hasEnd    bool
}

// pageReader reads at most n records of r in key order and reports whether
// more may follow (it filled the page or stopped at the byte budget).
type pageReader func(r keyRange, n int) (recs []store.Record, more bool, err error)

// scanPages drives a Scan: it reads the pages q selects and calls fn on each
// record until fn returns false, the records run out or q.Limit is reached.
func scanPages(q store.Query, read pageReader, fn func(store.Record) bool) error {
	r := rangeOf(q)
	left := q.Limit
	for {
		n := pageRows
		if left > 0 {
			n = min(n, left)
		}
		recs, more, err := read(r, n)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if !fn(rec) {
				return nil
			}
		}
		if q.Limit > 0 {
			if left -= len(recs); left <= 0 {
				return nil
			}
		}
		if !more || len(recs) == 0 {
			return nil
		}
		r.from, r.exclusive = recs[len(recs)-1].Key, true
	}
}

// rangeOf turns a Query into the key range of its first page. An empty
// After sets no bound; a non-empty one replaces Prefix as the lower bound
// when it sorts at or after it.
func rangeOf(q store.Query) keyRange {
	r := keyRange{from: q.Prefix}
	if q.After != "" && q.After >= q.Prefix {
		r.from, r.exclusive = q.After, true
	}
	r.end, r.hasEnd = prefixEnd(q.Prefix)
	return r
}

// prefixEnd returns the smallest key greater than every key that starts with
// prefix, and false when there is none (prefix empty or all 0xff bytes).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
