package sqlite

import (
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/engine"
)

// page returns the engine.PageReader of a Scan over table.
func (t *sqlTx) page(table string) engine.PageReader {
	return func(r engine.KeyRange, n int) ([]store.Record, bool, error) {
		s, err := t.stmt(scanQuery(r))
		if err != nil {
			return nil, false, err
		}
		var end any
		if r.HasEnd {
			end = blob(r.End)
		}
		rows, err := s.QueryContext(t.ctx, table, blob(r.From), end, n)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		return engine.ReadPage(rows, n)
	}
}

// scanQuery picks the scan statement whose bounds match r.
func scanQuery(r engine.KeyRange) queryID {
	switch {
	case r.Exclusive && r.HasEnd:
		return qScanAfterBelow
	case r.Exclusive:
		return qScanAfter
	case r.HasEnd:
		return qScanFromBelow
	default:
		return qScanFrom
	}
}
