package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
)

// openWith opens a store on a fresh database with options.
func openWith(t *testing.T, opt store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), devstacktest.NewDatabase(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestStatementTimeoutIsTheServersAndTypedUnavailable(t *testing.T) {
	s := openWith(t, store.Options{StatementTimeout: 300 * time.Millisecond, LockTimeout: 200 * time.Millisecond})
	ctx := context.Background()
	var st, lt string
	if err := s.QueryRowRaw(ctx, `SELECT current_setting('statement_timeout'), current_setting('lock_timeout')`).Scan(&st, &lt); err != nil {
		t.Fatal(err)
	}
	if st != "300ms" || lt != "200ms" {
		t.Fatalf("statement_timeout %q, lock_timeout %q; want 300ms and 200ms", st, lt)
	}
	t0 := time.Now()
	err := s.ExecRaw(ctx, `SELECT pg_sleep(5)`)
	var ue *store.UnavailableError
	if !errors.As(err, &ue) || !store.Unavailable(err) {
		t.Fatalf("a statement past statement_timeout: %v (%T), want an *UnavailableError", err, err)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Fatalf("the server cancelled the statement after %s", d)
	}
}

func TestLockTimeoutIsTypedUnavailable(t *testing.T) {
	s := openWith(t, store.Options{LockTimeout: 200 * time.Millisecond})
	ctx := context.Background()
	if err := s.ExecRaw(ctx, `CREATE TABLE lock_probe (id int PRIMARY KEY); INSERT INTO lock_probe VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	holding := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_ = s.InTxRaw(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT id FROM lock_probe WHERE id = 1 FOR UPDATE`); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	defer close(release)
	err := s.InTxRaw(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE lock_probe SET id = 2 WHERE id = 1`)
		return err
	})
	if !store.Unavailable(err) {
		t.Fatalf("a lock wait past lock_timeout: %v, want it typed as the database not answering", err)
	}
}

func TestCallerDeadlineIsUnavailableButCallerGoneIsNot(t *testing.T) {
	s := openWith(t, store.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := s.ExecRaw(ctx, `SELECT pg_sleep(3)`)
	var ue *store.UnavailableError
	if !errors.As(err, &ue) {
		t.Fatalf("a deadline passed during a statement: %v (%T), want an *UnavailableError", err, err)
	}
	gone, stop := context.WithCancel(context.Background())
	stop()
	if _, err := s.GetOrder(gone, "C-2026-000001"); err == nil || store.Unavailable(err) {
		t.Fatalf("a caller that gave up: %v; want an error that does not blame the database", err)
	}
}
