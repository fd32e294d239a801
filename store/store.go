// Package store is orderdesk's system of record: PostgreSQL through pgx v5.
// It holds the schema (embedded, numbered migrations) and every query.
// Writes that a procedure may retry are keyed, so a retry finds its own
// earlier write instead of doing it twice.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

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
	pool pool
}

// Options bound how long the store waits on PostgreSQL. The caller's
// context bounds each call as a whole (taking a connection from the pool
// included); these bound what the context cannot: the server's own work
// on a statement, a wait for a lock, and connecting in the background.
// Zero leaves a limit as the server (or the URL) sets it.
type Options struct {
	// StatementTimeout is PostgreSQL's statement_timeout on every
	// connection of the pool: a statement running longer is cancelled by
	// the server itself, even when its caller has gone.
	StatementTimeout time.Duration
	// LockTimeout is PostgreSQL's lock_timeout: a statement waiting longer
	// for a lock (a row another transaction holds) fails instead of waiting.
	LockTimeout time.Duration
	// ConnectTimeout bounds opening a connection, including the ones the
	// pool opens in the background, which no caller's context bounds.
	ConnectTimeout time.Duration
	// Tracer, when set, is told of every query (package observe's SQL
	// spans); nil: none.
	Tracer pgx.QueryTracer
}

// DefaultOptions are the limits of a server process: a page or a step
// that waits longer on the database has failed anyway.
func DefaultOptions() Options {
	return Options{StatementTimeout: 30 * time.Second, LockTimeout: 10 * time.Second, ConnectTimeout: 5 * time.Second}
}

// defaultConnectTimeout bounds connecting when neither the options nor the
// URL (connect_timeout) say: without it pgx waits up to two minutes for a
// server that accepted the connection but does not answer.
const defaultConnectTimeout = 5 * time.Second

// Open connects to the database at databaseURL and checks it answers.
// Without options, no statement or lock timeout is set (the server's
// own apply) and connecting is bounded by the URL's connect_timeout, or
// 5 seconds.
func Open(ctx context.Context, databaseURL string, opts ...Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgconn's error hides the password.
		return nil, fmt.Errorf("store.Open: DATABASE_URL is not a PostgreSQL URL (postgres://user:password@host:port/dbname): %w", err)
	}
	var opt Options
	for _, o := range opts {
		opt = o
	}
	configure(cfg, opt)
	where := fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store.Open(%s): %w (check DATABASE_URL)", where, err)
	}
	if err := p.Ping(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("store.Open: cannot reach PostgreSQL at %s (check DATABASE_URL and that the server runs): %w", where, err)
	}
	return &Store{pool: pool{p}}, nil
}

// configure sets the options on the pool's configuration.
func configure(cfg *pgxpool.Config, opt Options) {
	switch {
	case opt.ConnectTimeout > 0:
		cfg.ConnConfig.ConnectTimeout = opt.ConnectTimeout
	case cfg.ConnConfig.ConnectTimeout <= 0:
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if opt.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = millis(opt.StatementTimeout)
	}
	if opt.LockTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["lock_timeout"] = millis(opt.LockTimeout)
	}
	if opt.Tracer != nil {
		cfg.ConnConfig.Tracer = opt.Tracer
	}
	// A connection idle for a while is checked before it is handed out;
	// the check may not take longer than connecting would.
	cfg.PingTimeout = cfg.ConnConfig.ConnectTimeout
}

// millis writes a duration as PostgreSQL's settings read it: "1500ms".
func millis(d time.Duration) string {
	return strconv.FormatInt(max(d.Milliseconds(), 1), 10) + "ms"
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

// UnavailableError says PostgreSQL did not answer: it could not be
// reached, did not answer in time (the caller's deadline, statement_timeout
// or lock_timeout), or closed the connection. The statement did not take
// effect, unless the failure came during a COMMIT.
type UnavailableError struct {
	Err error
}

func (e *UnavailableError) Error() string { return "PostgreSQL does not answer: " + e.Err.Error() }

func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable reports whether err says PostgreSQL did not answer, by the
// types in its chain: an *UnavailableError, a deadline that passed, pgx's
// timeout and connect errors, a network error, the server's errors for a
// statement or lock timeout, a connection lost or a server shutting down.
// A caller that gave up (context.Canceled) is not the database's fault.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var (
		ue *UnavailableError
		ce *pgconn.ConnectError
		pe *pgconn.PgError
		ne net.Error
	)
	switch {
	case errors.As(err, &ue), errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err), errors.As(err, &ce):
		return true
	case errors.As(err, &pe):
		switch pe.Code {
		case "57014", // query_canceled: statement_timeout
			"55P03",                   // lock_not_available: lock_timeout
			"57P01", "57P02", "57P03", // the server shuts down, crashed, or starts
			"53300": // too_many_connections
			return true
		}
		return strings.HasPrefix(pe.Code, "08") // connection exceptions
	case errors.As(err, &ne), errors.Is(err, net.ErrClosed), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	return false
}

// unavailable types err as an *UnavailableError when PostgreSQL did not
// answer; any other error is returned as it is.
func unavailable(err error) error {
	var ue *UnavailableError
	if err == nil || errors.As(err, &ue) || !Unavailable(err) {
		return err
	}
	return &UnavailableError{Err: err}
}

// pool is the connection pool, whose calls type a database that does not
// answer (*UnavailableError): taking a connection from the pool fails with
// the caller's bare context error, which alone would not say it was the
// database that kept the caller waiting.
type pool struct{ *pgxpool.Pool }

func (p pool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := p.Pool.Exec(ctx, sql, args...)
	return tag, unavailable(err)
}

func (p pool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	r, err := p.Pool.Query(ctx, sql, args...)
	if err != nil {
		return r, unavailable(err)
	}
	return rows{r}, nil
}

func (p pool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return row{p.Pool.QueryRow(ctx, sql, args...)}
}

func (p pool) Begin(ctx context.Context) (pgx.Tx, error) {
	tx, err := p.Pool.Begin(ctx)
	return tx, unavailable(err)
}

func (p pool) Ping(ctx context.Context) error { return unavailable(p.Pool.Ping(ctx)) }

func (p pool) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return p.Pool.SendBatch(ctx, b)
}

type row struct{ pgx.Row }

func (r row) Scan(dest ...any) error { return unavailable(r.Row.Scan(dest...)) }

type rows struct{ pgx.Rows }

func (r rows) Err() error { return unavailable(r.Rows.Err()) }

// querier is what both the pool and a transaction offer, so helpers run in
// or out of a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	// SendBatch sends several statements in one round trip.
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// inTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return unavailable(pgx.BeginFunc(ctx, s.pool, fn))
}

// one collects exactly one row into T; no row is ErrNotFound.
func one[T any](rows pgx.Rows, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, unavailable(err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	return v, unavailable(err)
}

// all collects every row into a slice of T (empty, not nil, when none).
func all[T any](rows pgx.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, unavailable(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[T])
	if out == nil && err == nil {
		out = []T{}
	}
	return out, unavailable(err)
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
