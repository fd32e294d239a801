package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// ExecRaw runs sql on the store's pool, as the store's own queries do.
func (s *Store) ExecRaw(ctx context.Context, sql string) error {
	_, err := s.pool.Exec(ctx, sql)
	return err
}

// QueryRowRaw runs a query of one row on the store's pool.
func (s *Store) QueryRowRaw(ctx context.Context, sql string) pgx.Row {
	return s.pool.QueryRow(ctx, sql)
}

// InTxRaw runs fn in a transaction of the store.
func (s *Store) InTxRaw(ctx context.Context, fn func(tx pgx.Tx) error) error { return s.inTx(ctx, fn) }
