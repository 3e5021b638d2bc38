package postgres

import (
	"context"
	"fmt"

	"github.com/hob-iot/hob/internal/store/engine"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations is the schema, oldest first. Append only.
var migrations = []engine.Migration{
	{Version: 1, Name: "records", SQL: `CREATE TABLE records (
		tbl     text   NOT NULL,
		key     bytea  NOT NULL,
		value   bytea  NOT NULL,
		version bigint NOT NULL,
		PRIMARY KEY (tbl, key)
	)`},
}

// migrateLockKey is the advisory lock that serializes migrations of one
// database ("hob" in ASCII); advisory locks are scoped to a database.
const migrateLockKey = 0x686f62

// migrate applies, in one transaction holding the advisory lock, every
// migration newer than the database's schema_migrations records.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLockKey)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		return applyFrom(ctx, tx, current)
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// applyFrom runs the migrations after version current.
func applyFrom(ctx context.Context, tx pgx.Tx, current int) error {
	return engine.Apply(migrations, current, func(m engine.Migration) error {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		return err
	})
}
