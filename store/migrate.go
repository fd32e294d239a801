package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockKey is the advisory lock that serialises migrations, so two
// processes starting at once (worker and web) do not both apply a file.
const migrateLockKey = 0x6f72646572646573 // "orderdes"

// Migrations lists the versions of the embedded migrations, in the order
// they apply ("0001_init", "0002_...").
func Migrations() []string {
	names, _ := fs.Glob(migrationFiles, "migrations/*.sql")
	sort.Strings(names)
	versions := make([]string, len(names))
	for i, n := range names {
		versions[i] = strings.TrimSuffix(strings.TrimPrefix(n, "migrations/"), ".sql")
	}
	return versions
}

// Migrate applies the migrations the database has not had yet, each in a
// transaction of its own recorded in schema_migrations, and returns the
// versions it applied (none when the schema is up to date).
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	applied = []string{}
	for _, version := range Migrations() {
		sql, err := migrationFiles.ReadFile("migrations/" + version + ".sql")
		if err != nil {
			return applied, fmt.Errorf("store.Migrate(%s): %w", version, err)
		}
		did := false
		err = s.inTx(ctx, func(tx pgx.Tx) error {
			// Held until commit: a second process waits here, then sees
			// the version recorded and skips it.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLockKey)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version     TEXT PRIMARY KEY,
				applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
			)`); err != nil {
				return err
			}
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, version).Scan(&done); err != nil {
				return err
			}
			if done {
				return nil
			}
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, version); err != nil {
				return err
			}
			did = true
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("store.Migrate(%s): %w", version, err)
		}
		if did {
			applied = append(applied, version)
		}
	}
	return applied, nil
}
