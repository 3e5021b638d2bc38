package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hob-iot/hob/internal/store/engine"
)

// migrations is the schema, oldest first. Append only.
var migrations = []engine.Migration{
	{Version: 1, Name: "records", SQL: `CREATE TABLE records (
		tbl     TEXT    NOT NULL,
		key     BLOB    NOT NULL,
		value   BLOB    NOT NULL,
		version INTEGER NOT NULL,
		PRIMARY KEY (tbl, key)
	) WITHOUT ROWID`},
}

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
	return engine.Apply(migrations, current, func(m engine.Migration) error {
		if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
			return err
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name)
		return err
	})
}
