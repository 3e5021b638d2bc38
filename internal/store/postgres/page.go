package postgres

import (
	"fmt"

	"github.com/hob-iot/hob/internal/store"
)

// page returns the pageReader of a Scan over table.
func (t *pgTx) page(table string) pageReader {
	return func(r keyRange, n int) ([]store.Record, bool, error) {
		sql, args := scanSQL(table, r, n)
		rows, err := t.tx.Query(t.ctx, sql, args...)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		var recs []store.Record
		size := 0
		for rows.Next() {
			var key []byte
			var rec store.Record
			if err := rows.Scan(&key, &rec.Value, &rec.Version); err != nil {
				return nil, false, fmt.Errorf("read row: %w", err)
			}
			rec.Key = string(key)
			recs = append(recs, rec)
			if size += len(key) + len(rec.Value); size >= pageBytes {
				return recs, true, nil
			}
		}
		return recs, len(recs) == n, rows.Err()
	}
}
