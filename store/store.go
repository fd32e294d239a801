// Package store is orderdesk's system of record: PostgreSQL through pgx v5.
// It holds the schema (embedded, numbered migrations) and every query.
// Writes that a procedure may retry are keyed, so a retry finds its own
// earlier write instead of doing it twice.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrOrderHeld is returned when the warehouse moves an order that a
// procedure holds (the web API answers 409).
var ErrOrderHeld = errors.New("the order is held by a procedure")

// ErrNotHeld is returned when a procedure writes to an order it does not hold.
var ErrNotHeld = errors.New("the order is not held by this procedure")

// ErrLogisticsMove is returned when the warehouse asks for a logistics move
// that the order's current status does not allow.
var ErrLogisticsMove = errors.New("logistics move not allowed")

// ErrAgentExists is returned when creating an agent whose email is taken.
var ErrAgentExists = errors.New("an agent with this email already exists")

// Store runs orderdesk's queries on a pool of connections.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at databaseURL and checks it answers.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgconn's error hides the password.
		return nil, fmt.Errorf("store.Open: DATABASE_URL is not a PostgreSQL URL (postgres://user:password@host:port/dbname): %w", err)
	}
	where := fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store.Open(%s): %w (check DATABASE_URL)", where, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store.Open: cannot reach PostgreSQL at %s (check DATABASE_URL and that the server runs): %w", where, err)
	}
	return &Store{pool: pool}, nil
}

// Close closes every connection. The store cannot be used afterwards.
func (s *Store) Close() { s.pool.Close() }

// Ping checks the database answers, for health checks.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("store.Ping: %w", err)
	}
	return nil
}

// querier is what both the pool and a transaction offer, so helpers run in
// or out of a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// inTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// one collects exactly one row into T; no row is ErrNotFound.
func one[T any](rows pgx.Rows, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	return v, err
}

// all collects every row into a slice of T (empty, not nil, when none).
func all[T any](rows pgx.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[T])
	if out == nil && err == nil {
		out = []T{}
	}
	return out, err
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// nullIfEmpty stores "" as NULL, for optional keys under a UNIQUE constraint.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
