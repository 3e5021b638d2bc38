package postgres

import (
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/engine"
)

// page returns the engine.PageReader of a Scan over table.
func (t *pgTx) page(table string) engine.PageReader {
	return func(r engine.KeyRange, n int) ([]store.Record, bool, error) {
		sql, args := scanSQL(table, r, n)
		rows, err := t.tx.Query(t.ctx, sql, args...)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		return engine.ReadPage(rows, n)
	}
}
