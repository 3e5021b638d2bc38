package engine

import (
	"fmt"

	"github.com/hob-iot/hob/internal/store"
)

// Rows is the part of a query's result that ReadPage uses; *sql.Rows and
// pgx.Rows both have it. Closing the rows stays with the caller.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ReadPage reads the records of one page from rows, whose columns are key,
// value and version, for a PageReader that asked for n records. It stops
// early, reporting more, once the keys and values read reach the page's
// byte budget; otherwise more is true when it read n records. A failed Scan
// comes back wrapped as "read row: ...", and a failed iteration as
// rows.Err() itself.
func ReadPage(rows Rows, n int) (recs []store.Record, more bool, err error) {
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
