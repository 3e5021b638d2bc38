package engine

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

// KeyRange is the part of a table a page reads: keys from From (excluded
// when Exclusive) up to, not including, End when HasEnd. Keys compare
// bytewise.
type KeyRange struct {
	From      string
	Exclusive bool
	End       string
	HasEnd    bool
}

// PageReader reads at most n records of r in key order and reports whether
// more may follow (it filled the page or stopped at the byte budget).
type PageReader func(r KeyRange, n int) (recs []store.Record, more bool, err error)

// ScanPages drives a Scan: it reads the pages q selects through read and
// calls fn on each record until fn returns false, the records run out or
// q.Limit is reached. Each page after the first starts just after the last
// key of the one before. An error of read is returned as is.
func ScanPages(q store.Query, read PageReader, fn func(store.Record) bool) error {
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
		r.From, r.Exclusive = recs[len(recs)-1].Key, true
	}
}

// rangeOf turns a Query into the key range of its first page. An empty
// After sets no bound; a non-empty one replaces Prefix as the lower bound
// when it sorts at or after it.
func rangeOf(q store.Query) KeyRange {
	r := KeyRange{From: q.Prefix}
	if q.After != "" && q.After >= q.Prefix {
		r.From, r.Exclusive = q.After, true
	}
	r.End, r.HasEnd = prefixEnd(q.Prefix)
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
