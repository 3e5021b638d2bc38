package postgres

import "github.com/hob-iot/hob/internal/store/engine"

// The statements of a transaction. pgx prepares and caches each one per
// connection. Keys are bytea, compared bytewise, so ranges are bytewise.
const (
	sqlGet = `SELECT value, version FROM records WHERE tbl = $1 AND key = $2`
	sqlPut = `INSERT INTO records (tbl, key, value, version) VALUES ($1, $2, $3, 1)
		ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value, version = records.version + 1
		RETURNING version`
	sqlInsertNew = `INSERT INTO records (tbl, key, value, version) VALUES ($1, $2, $3, 1)
		ON CONFLICT (tbl, key) DO NOTHING RETURNING version`
	sqlUpdateIf = `UPDATE records SET value = $3, version = version + 1
		WHERE tbl = $1 AND key = $2 AND version = $4 RETURNING version`
	sqlDelete = `DELETE FROM records WHERE tbl = $1 AND key = $2`
)

// scanSQL returns the statement of one Scan page over r and its
// arguments; every bound is a plain range on the primary key.
func scanSQL(table string, r engine.KeyRange, n int) (string, []any) {
	op := ">="
	if r.Exclusive {
		op = ">"
	}
	args := []any{table, []byte(r.From), n}
	end := ""
	if r.HasEnd {
		end = " AND key < $4"
		args = append(args, []byte(r.End))
	}
	return `SELECT key, value, version FROM records WHERE tbl = $1 AND key ` + op + ` $2` + end +
		` ORDER BY key LIMIT $3`, args
}
