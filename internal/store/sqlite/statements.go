package sqlite

import (
	"context"
	"database/sql"
	"errors"
)

// queryID names one of the statements a transaction runs; each is prepared
// once per connection.
type queryID int

const (
	qGet queryID = iota
	qScanFrom
	qScanFromBelow
	qScanAfter
	qScanAfterBelow
	qPut
	qInsertNew
	qUpdateIf
	qDelete
	qSavepoint
	qRollbackTo
	qRelease
	qBegin
	qCommit
	qRollback
	nQueries
)

const scanHead = `SELECT key, value, version FROM records WHERE tbl = ?1 AND key `

// queryText holds the SQL of every statement. Keys and values are BLOBs,
// which SQLite compares with memcmp, so ranges are bytewise. The scan
// variants exist so that every bound is a plain range on the primary key.
var queryText = [nQueries]string{
	qGet:            `SELECT value, version FROM records WHERE tbl = ?1 AND key = ?2`,
	qScanFrom:       scanHead + `>= ?2 ORDER BY key LIMIT ?4`,
	qScanFromBelow:  scanHead + `>= ?2 AND key < ?3 ORDER BY key LIMIT ?4`,
	qScanAfter:      scanHead + `> ?2 ORDER BY key LIMIT ?4`,
	qScanAfterBelow: scanHead + `> ?2 AND key < ?3 ORDER BY key LIMIT ?4`,
	qPut: `INSERT INTO records (tbl, key, value, version) VALUES (?1, ?2, ?3, 1)
		ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value, version = records.version + 1
		RETURNING version`,
	qInsertNew: `INSERT INTO records (tbl, key, value, version) VALUES (?1, ?2, ?3, 1)
		ON CONFLICT (tbl, key) DO NOTHING RETURNING version`,
	qUpdateIf: `UPDATE records SET value = ?3, version = version + 1
		WHERE tbl = ?1 AND key = ?2 AND version = ?4 RETURNING version`,
	qDelete:     `DELETE FROM records WHERE tbl = ?1 AND key = ?2`,
	qSavepoint:  `SAVEPOINT request`,
	qRollbackTo: `ROLLBACK TO request`,
	qRelease:    `RELEASE request`,
	qBegin:      `BEGIN IMMEDIATE`,
	qCommit:     `COMMIT`,
	qRollback:   `ROLLBACK`,
}

// readQueries are the statements a View may run.
var readQueries = []queryID{qGet, qScanFrom, qScanFromBelow, qScanAfter, qScanAfterBelow}

// allQueries are the statements the writer may run.
var allQueries = func() []queryID {
	ids := make([]queryID, nQueries)
	for i := range ids {
		ids[i] = queryID(i)
	}
	return ids
}()

// statements holds prepared statements, indexed by queryID; entries not
// prepared are nil.
type statements struct {
	byID [nQueries]*sql.Stmt
}

// prepareAll prepares the statements ids with prepare (a DB's or a Conn's
// PrepareContext).
func prepareAll(ctx context.Context, prepare func(context.Context, string) (*sql.Stmt, error), ids []queryID) (*statements, error) {
	st := &statements{}
	for _, id := range ids {
		s, err := prepare(ctx, queryText[id])
		if err != nil {
			return nil, errors.Join(err, st.close())
		}
		st.byID[id] = s
	}
	return st, nil
}

// get returns the prepared statement id.
func (st *statements) get(id queryID) *sql.Stmt { return st.byID[id] }

// inTx returns a lookup of tx-bound copies of st's statements, made on first
// use; it returns nil for a statement st does not hold. database/sql reuses the statement already prepared on tx's
// connection, so this costs no new prepare.
func (st *statements) inTx(ctx context.Context, tx *sql.Tx) func(queryID) *sql.Stmt {
	var bound [nQueries]*sql.Stmt
	return func(id queryID) *sql.Stmt {
		if bound[id] == nil && st.byID[id] != nil {
			bound[id] = tx.StmtContext(ctx, st.byID[id])
		}
		return bound[id]
	}
}

// close closes every prepared statement.
func (st *statements) close() error {
	var errs []error
	for i, s := range st.byID {
		if s != nil {
			errs = append(errs, s.Close())
			st.byID[i] = nil
		}
	}
	return errors.Join(errs...)
}
