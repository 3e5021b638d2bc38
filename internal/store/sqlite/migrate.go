package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migration is one numbered step of the schema. Versions start at 1 and
// increase by 1; a step, once released, never changes: later changes append
// a new step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations is the schema, oldest first. Append only.
var migrations = []migration{
	{version: 1, name: "records", sql: `CREATE TABLE records (
		tbl     TEXT    NOT NULL,
		key     BLOB    NOT NULL,
		value   BLOB    NOT NULL,
		version INTEGER NOT NULL,
		PRIMARY KEY (tbl, key)
	) WITHOUT ROWID`},
}

// errSchemaTooNew reports a database written by a newer hob.
var errSchemaTooNew = errors.New("database schema is newer than this program")

// migrate applies, in one transaction, every migration newer than the
// database's schema_migrations records, and records them.
func migrate(ctx context.Context, conn *sql.Conn) (err error) {
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer func() {
		if err != nil {
			_, rbErr := conn.ExecContext(ctx, `ROLLBACK`)
			err = errors.Join(fmt.Errorf("sqlite: migrate: %w", err), rbErr)
		}
	}()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
	)`); err != nil {
		return err
	}
	var current int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	if err := applyFrom(ctx, conn, current); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `COMMIT`)
	return err
}

// applyFrom runs the migrations after version current.
func applyFrom(ctx context.Context, conn *sql.Conn, current int) error {
	if current > len(migrations) {
		return fmt.Errorf("%w: version %d, known %d", errSchemaTooNew, current, len(migrations))
	}
	for _, m := range migrations[current:] {
		if _, err := conn.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}
