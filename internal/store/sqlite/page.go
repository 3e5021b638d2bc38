package sqlite

import (
	"fmt"

	"github.com/hob-iot/hob/internal/store"
)

// page returns the pageReader of a Scan over table.
func (t *sqlTx) page(table string) pageReader {
	return func(r keyRange, n int) ([]store.Record, bool, error) {
		s, err := t.stmt(scanQuery(r))
		if err != nil {
			return nil, false, err
		}
		var end any
		if r.hasEnd {
			end = blob(r.end)
		}
		rows, err := s.QueryContext(t.ctx, table, blob(r.from), end, n)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		var recs []store.Record
		size := 0
		for rows.Next() {
			var rec store.Record
			if err := rows.Scan(&rec.Key, &rec.Value, &rec.Version); err != nil {
				return nil, false, fmt.Errorf("read row: %w", err)
			}
			recs = append(recs, rec)
			if size += len(rec.Key) + len(rec.Value); size >= pageBytes {
				return recs, true, nil
			}
		}
		return recs, len(recs) == n, rows.Err()
	}
}

// scanQuery picks the scan statement whose bounds match r.
func scanQuery(r keyRange) queryID {
	switch {
	case r.exclusive && r.hasEnd:
		return qScanAfterBelow
	case r.exclusive:
		return qScanAfter
	case r.hasEnd:
		return qScanFromBelow
	default:
		return qScanFrom
	}
}
