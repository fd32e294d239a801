package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

const paymentColumns = `id, order_id, method, amount_cents AS amount, currency, reference, received_at,
	coalesce(idempotency_key, '') AS idempotency_key`

// AddPayment records money received for an order, and its ledger entry,
// in one transaction. With an IdempotencyKey it is written once: adding it
// again returns the first row unchanged. A zero ReceivedAt is now; an empty
// Currency is EUR.
func (s *Store) AddPayment(ctx context.Context, p Payment) (Payment, error) {
	var saved Payment
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		saved, err = insertPayment(ctx, tx, p)
		return err
	})
	if err != nil {
		return Payment{}, fmt.Errorf("store.AddPayment(%d): %w", p.OrderID, err)
	}
	return saved, nil
}

// insertPayment writes a payment, once per idempotency key, and its ledger
// entry, in tx.
func insertPayment(ctx context.Context, tx pgx.Tx, p Payment) (Payment, error) {
	if p.Amount <= 0 {
		return Payment{}, order.Refuse("amount", "refusal.payment_not_positive", locale.Amount(p.Amount, "EUR"))
	}
	if p.Currency == "" {
		p.Currency = order.DefaultCurrency
	}
	var receivedAt *time.Time
	if !p.ReceivedAt.IsZero() {
		receivedAt = &p.ReceivedAt
	}
	saved, err := one[Payment](tx.Query(ctx, `
		INSERT INTO payments (order_id, method, amount_cents, currency, reference, received_at, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, coalesce($6, now()), $7)
		ON CONFLICT (idempotency_key) DO NOTHING
		RETURNING `+paymentColumns,
		p.OrderID, p.Method, p.Amount, p.Currency, p.Reference, receivedAt, nullIfEmpty(p.IdempotencyKey)))
	if errors.Is(err, ErrNotFound) {
		return one[Payment](tx.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE idempotency_key = $1`, p.IdempotencyKey))
	}
	if err != nil {
		return Payment{}, err
	}
	ref := saved.IdempotencyKey
	if ref == "" {
		ref = fmt.Sprintf("payment/%d", saved.ID)
	}
	err = appendEntry(ctx, tx, LedgerEntry{
		OrderID: saved.OrderID, Kind: order.EntryPayment, Amount: saved.Amount, Currency: saved.Currency,
		Key: fmt.Sprintf("payment/%d", saved.ID), Ref: ref, Actor: p.RecordedBy, Note: saved.Reference,
	})
	return saved, err
}

// ListPayments returns the payments of an order, oldest first.
func (s *Store) ListPayments(ctx context.Context, orderID int64) ([]Payment, error) {
	ps, err := all[Payment](s.pool.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE order_id = $1 ORDER BY received_at, id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListPayments(%d): %w", orderID, err)
	}
	return ps, nil
}

// PaidNet is what the customer paid for an order net of refunds made or
// under way, as the order's ledger says (order.PositionOf).
func (s *Store) PaidNet(ctx context.Context, orderID int64) (int64, error) {
	p, err := position(ctx, s.pool, orderID)
	if err != nil {
		return 0, fmt.Errorf("store.PaidNet(%d): %w", orderID, err)
	}
	return p.PaidNet, nil
}

// MoneyPosition is what an order's ledger says of its money against its
// total: received, refunded, under way, paid net, due, overpayment,
// refundable (order.PositionOf).
func (s *Store) MoneyPosition(ctx context.Context, orderID int64) (order.Position, error) {
	p, err := position(ctx, s.pool, orderID)
	if err != nil {
		return order.Position{}, fmt.Errorf("store.MoneyPosition(%d): %w", orderID, err)
	}
	return p, nil
}

// MoneyPositionWithout is MoneyPosition without the facts of the refunds
// whose keys start with prefix: what a procedure saw before its own
// settlement moved money, for a retried step to see it again.
func (s *Store) MoneyPositionWithout(ctx context.Context, orderID int64, prefix string) (order.Position, error) {
	p, err := positionWithout(ctx, s.pool, orderID, prefix)
	if err != nil {
		return order.Position{}, fmt.Errorf("store.MoneyPositionWithout(%d, %s): %w", orderID, prefix, err)
	}
	return p, nil
}

// position reads an order's total and ledger with q and derives its money
// position.
func position(ctx context.Context, q querier, orderID int64) (order.Position, error) {
	return positionWithout(ctx, q, orderID, "")
}

func positionWithout(ctx context.Context, q querier, orderID int64, prefix string) (order.Position, error) {
	rows, err := q.Query(ctx, positionQuery, orderID)
	return scanPosition(rows, err, prefix)
}

// positionQuery reads an order's total and its ledger's facts in one
// statement: the order's row once with each of its entries (none: one row
// of NULLs). $1 is the order's id.
const positionQuery = `
	SELECT o.total_cents, e.kind, e.amount_cents, e.ref
	FROM orders o LEFT JOIN ledger_entries e ON e.order_id = o.id
	WHERE o.id = $1 ORDER BY e.id`

// scanPosition derives the money position from positionQuery's rows,
// leaving out the facts of the refunds whose keys start with prefix.
func scanPosition(rows pgx.Rows, err error, prefix string) (order.Position, error) {
	if err != nil {
		return order.Position{}, unavailable(err)
	}
	defer rows.Close()
	var (
		total int64
		found bool
		facts []order.Entry
	)
	for rows.Next() {
		var (
			kind, ref *string
			amount    *int64
		)
		if err := rows.Scan(&total, &kind, &amount, &ref); err != nil {
			return order.Position{}, unavailable(err)
		}
		found = true
		if kind == nil || prefix != "" && strings.HasPrefix(*ref, prefix) {
			continue
		}
		facts = append(facts, order.Entry{Kind: order.EntryKind(*kind), Amount: *amount, Ref: *ref})
	}
	if err := rows.Err(); err != nil {
		return order.Position{}, unavailable(err)
	}
	if !found {
		return order.Position{}, ErrNotFound
	}
	return order.PositionOf(facts, total), nil
}

const ledgerColumns = `id, order_id, kind, amount_cents AS amount, currency, key, ref, procedure, actor, note, at`

// Ledger returns the money facts of an order, oldest first.
func (s *Store) Ledger(ctx context.Context, orderID int64) ([]LedgerEntry, error) {
	es, err := ledger(ctx, s.pool, orderID)
	if err != nil {
		return nil, fmt.Errorf("store.Ledger(%d): %w", orderID, err)
	}
	return es, nil
}

func ledger(ctx context.Context, q querier, orderID int64) ([]LedgerEntry, error) {
	return all[LedgerEntry](q.Query(ctx, `SELECT `+ledgerColumns+` FROM ledger_entries WHERE order_id = $1 ORDER BY id`, orderID))
}

// AddLedgerEntry records a money fact that no payment or refund row
// carries (an overpayment found, a balance due asked, a replacement cheque
// expected, a credit note), once per key.
func (s *Store) AddLedgerEntry(ctx context.Context, e LedgerEntry) error {
	if e.Key == "" {
		return fmt.Errorf("store.AddLedgerEntry(%d): an entry needs a key", e.OrderID)
	}
	if err := appendEntry(ctx, s.pool, e); err != nil {
		return fmt.Errorf("store.AddLedgerEntry(%s): %w", e.Key, err)
	}
	return nil
}

// appendEntry writes one ledger entry with q, once per key.
func appendEntry(ctx context.Context, q querier, e LedgerEntry) error {
	_, err := q.Exec(ctx, appendEntrySQL, entryArgs(e)...)
	return err
}

const appendEntrySQL = `
	INSERT INTO ledger_entries (order_id, kind, amount_cents, currency, key, ref, procedure, actor, note)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
	ON CONFLICT (key) DO NOTHING`

// entryArgs are the values of appendEntrySQL.
func entryArgs(e LedgerEntry) []any {
	if e.Currency == "" {
		e.Currency = order.DefaultCurrency
	}
	return []any{e.OrderID, string(e.Kind), e.Amount, e.Currency, e.Key, e.Ref, e.Procedure, e.Actor, e.Note}
}

// refundFactEntry is the ledger entry a refund's status stands for, if any.
func refundFactEntry(r Refund, status, actor string) (LedgerEntry, bool) {
	var kind order.EntryKind
	note := r.Reason
	switch status {
	case RefundSucceeded:
		kind, note = order.EntryRefundConfirmed, r.ProviderRef
	case RefundFailed, RefundImpossible:
		kind = order.EntryRefundFailed
	case RefundUnknown:
		kind = order.EntryRefundUnknown
	default: // pending, manual_pending: reserved already
		return LedgerEntry{}, false
	}
	return refundEntry(r, kind, status, actor, note), true
}

const refundColumns = `id, order_id, idempotency_key, amount_cents AS amount, currency, method, status,
	provider_ref, reason, workflow_id, created_at, updated_at`

var refundStatuses = []string{RefundPending, RefundSucceeded, RefundManualPending, RefundImpossible, RefundFailed, RefundUnknown}

// CreateRefund records a refund before any money moves, keyed by
// r.IdempotencyKey: when that key exists its refund is returned as it is.
// A new refund may not exceed what was paid net of earlier refunds (an
// error wrapping order.ErrRefundTooLarge); refunds of one order are checked
// one at a time, so two concurrent refunds cannot both take the same money.
// An empty Status is pending, an empty Currency EUR.
func (s *Store) CreateRefund(ctx context.Context, r Refund) (Refund, error) {
	if r.IdempotencyKey == "" {
		return Refund{}, fmt.Errorf("store.CreateRefund(%d): a refund needs an idempotency key", r.OrderID)
	}
	if r.Status == "" {
		r.Status = RefundPending
	}
	if r.Currency == "" {
		r.Currency = order.DefaultCurrency
	}
	var saved Refund
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// The order row is the lock that serialises this order's refunds;
		// the refund of the key and the order's position are read after
		// it, in the same round trip.
		b := &pgx.Batch{}
		b.Queue(`SELECT id FROM orders WHERE id = $1 FOR UPDATE`, r.OrderID)
		b.Queue(`SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1`, r.IdempotencyKey)
		b.Queue(positionQuery, r.OrderID)
		br := tx.SendBatch(ctx, b)
		_, err := one[struct{ ID int64 }](br.Query())
		if err != nil {
			br.Close()
			return err
		}
		prev, prevErr := one[Refund](br.Query())
		rows, err := br.Query()
		pos, err := scanPosition(rows, err, "")
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if prevErr == nil {
			saved = prev
			return nil
		}
		if !errors.Is(prevErr, ErrNotFound) {
			return prevErr
		}
		if err != nil {
			return err
		}
		if r.Amount <= 0 {
			return order.Refuse("amount", "refusal.refund_not_positive", locale.Amount(r.Amount, r.Currency))
		}
		if !slices.Contains(refundStatuses, r.Status) {
			return order.Refuse("status", "refusal.refund_status_unknown", locale.Text(r.Status))
		}
		if r.Amount > pos.Refundable {
			return &RefundTooLargeError{Amount: order.Money{Cents: r.Amount, Currency: r.Currency}, Refundable: order.Money{Cents: pos.Refundable, Currency: r.Currency}}
		}
		// The refund and its ledger entries in one round trip: the
		// entries are the refund's as it is written (its key, amount,
		// currency, order and procedure).
		b = &pgx.Batch{}
		b.Queue(`
			INSERT INTO refunds (order_id, idempotency_key, amount_cents, currency, method, status, provider_ref, reason, workflow_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING `+refundColumns,
			r.OrderID, r.IdempotencyKey, r.Amount, r.Currency, r.Method, r.Status, r.ProviderRef, r.Reason, r.WorkflowID)
		b.Queue(appendEntrySQL, entryArgs(refundEntry(r, order.EntryRefundReserved, "reserved", r.RequestedBy, r.Reason))...)
		if e, ok := refundFactEntry(r, r.Status, r.RequestedBy); ok {
			b.Queue(appendEntrySQL, entryArgs(e)...)
		}
		br = tx.SendBatch(ctx, b)
		if saved, err = one[Refund](br.Query()); err != nil {
			br.Close()
			return err
		}
		for range b.Len() - 1 {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
	if err != nil {
		return Refund{}, fmt.Errorf("store.CreateRefund(%s): %w", r.IdempotencyKey, err)
	}
	return saved, nil
}

// UpdateRefund records what became of a refund: its new status, and the
// provider's reference and the reason when given ("" keeps the old ones),
// with its ledger entry, in one transaction. A refund's outcome is final:
// a succeeded refund never becomes failed, a failed or impossible one never
// succeeds (an error wrapping order.ErrRefundFinal); recording the same
// status again changes nothing.
func (s *Store) UpdateRefund(ctx context.Context, key, status, providerRef, reason string) (Refund, error) {
	if !slices.Contains(refundStatuses, status) {
		return Refund{}, fmt.Errorf("store.UpdateRefund(%s): %w", key, order.Refuse("status", "refusal.refund_status_unknown", locale.Text(status)))
	}
	var r Refund
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := one[Refund](tx.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1 FOR UPDATE`, key))
		if err != nil {
			return err
		}
		if cur.Status == status {
			r = cur
			return nil
		}
		if err := order.CheckRefundMove(refundState(cur.Status), refundState(status)); err != nil {
			return err
		}
		// The new status and its ledger entry in one round trip: the
		// entry is the refund's as the update leaves it.
		moved := cur
		moved.Status = status
		if providerRef != "" {
			moved.ProviderRef = providerRef
		}
		if reason != "" {
			moved.Reason = reason
		}
		b := &pgx.Batch{}
		b.Queue(`
			UPDATE refunds SET status = $2,
				provider_ref = CASE WHEN $3 = '' THEN provider_ref ELSE $3 END,
				reason = CASE WHEN $4 = '' THEN reason ELSE $4 END,
				updated_at = now()
			WHERE idempotency_key = $1
			RETURNING `+refundColumns,
			key, status, providerRef, reason)
		e, fact := refundFactEntry(moved, status, "")
		if fact {
			b.Queue(appendEntrySQL, entryArgs(e)...)
		}
		br := tx.SendBatch(ctx, b)
		if r, err = one[Refund](br.Query()); err != nil {
			br.Close()
			return err
		}
		if fact {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
	if err != nil {
		return Refund{}, fmt.Errorf("store.UpdateRefund(%s): %w", key, err)
	}
	return r, nil
}

// RecordRefundOutcome is UpdateRefund for the step that records what a
// procedure learnt of its refund, which the provider's step has often
// recorded already: a refund already in that final status (which never
// changes) is read in one statement, without a transaction or a lock.
func (s *Store) RecordRefundOutcome(ctx context.Context, key, status, providerRef, reason string) (Refund, error) {
	if refundState(status).Final() {
		cur, err := one[Refund](s.pool.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1`, key))
		if err == nil && cur.Status == status {
			return cur, nil
		}
	}
	return s.UpdateRefund(ctx, key, status, providerRef, reason)
}

// MarkRefundSent records, before the provider is called, that a refund is
// handed to it: from then on the refund is failed only on the provider's
// word, asked by its key. A refund already failed (released by a stopped
// procedure) is not sent: an error wrapping order.ErrRefundFinal.
func (s *Store) MarkRefundSent(ctx context.Context, key, gateway string) error {
	// One statement: the refund's row locked, its status checked and the
	// entry written (as refundEntry has it) unless the refund failed.
	var failed []string
	for _, st := range refundStatuses {
		if refundState(st) == order.RefundFailed {
			failed = append(failed, st)
		}
	}
	var status string
	err := s.pool.QueryRow(ctx, `
		WITH r AS (
			SELECT order_id, idempotency_key, amount_cents, currency, status, workflow_id
			FROM refunds WHERE idempotency_key = $1 FOR UPDATE
		), sent AS (
			INSERT INTO ledger_entries (order_id, kind, amount_cents, currency, key, ref, procedure, actor, note)
			SELECT order_id, $3, amount_cents, currency, idempotency_key || '#sent', idempotency_key, workflow_id, $2, ''
			FROM r WHERE NOT (status = ANY ($4))
			ON CONFLICT (key) DO NOTHING
		)
		SELECT status FROM r`, key, gateway, string(order.EntryRefundSent), failed).Scan(&status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = ErrNotFound
	case err == nil && refundState(status) == order.RefundFailed:
		err = fmt.Errorf("refund %s is %s: %w", key, status, order.ErrRefundFinal)
	}
	if err != nil {
		return fmt.Errorf("store.MarkRefundSent(%s): %w", key, err)
	}
	return nil
}

// ReleaseUnsentRefund marks a refund failed when it was never handed to a
// provider, and reports whether it did; a refund that was sent is left as
// it is, for its provider to say what became of it. The check and the
// release hold the refund's row, so a send cannot slip in between.
func (s *Store) ReleaseUnsentRefund(ctx context.Context, key, reason string) (released bool, r Refund, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if r, err = one[Refund](tx.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1 FOR UPDATE`, key)); err != nil {
			return err
		}
		if refundState(r.Status).Final() {
			return nil
		}
		var sent int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ledger_entries WHERE key = $1`, key+"#sent").Scan(&sent); err != nil {
			return err
		}
		if sent > 0 {
			return nil
		}
		if r, err = one[Refund](tx.Query(ctx, `
			UPDATE refunds SET status = 'failed', reason = $2, updated_at = now() WHERE idempotency_key = $1
			RETURNING `+refundColumns, key, reason)); err != nil {
			return err
		}
		released = true
		return refundFact(ctx, tx, r, RefundFailed, "")
	})
	if err != nil {
		return false, Refund{}, fmt.Errorf("store.ReleaseUnsentRefund(%s): %w", key, err)
	}
	return released, r, nil
}

// RefundSent reports whether a refund was handed to its provider.
func (s *Store) RefundSent(ctx context.Context, key string) (bool, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM ledger_entries WHERE key = $1`, key+"#sent").Scan(&n); err != nil {
		return false, fmt.Errorf("store.RefundSent(%s): %w", key, err)
	}
	return n > 0, nil
}

// refundFact writes the ledger entry a refund's status stands for, if any.
func refundFact(ctx context.Context, tx pgx.Tx, r Refund, status, actor string) error {
	e, ok := refundFactEntry(r, status, actor)
	if !ok {
		return nil
	}
	return appendEntry(ctx, tx, e)
}

// refundEntry is the ledger entry of one fact about refund r, keyed by the
// refund's key and the fact, so a retry writes it once.
func refundEntry(r Refund, kind order.EntryKind, fact, actor, note string) LedgerEntry {
	return LedgerEntry{
		OrderID: r.OrderID, Kind: kind, Amount: r.Amount, Currency: r.Currency,
		Key: r.IdempotencyKey + "#" + fact, Ref: r.IdempotencyKey, Procedure: r.WorkflowID, Actor: actor, Note: note,
	}
}

// refundState is the ledger's name of a refund status.
func refundState(status string) order.RefundState {
	switch status {
	case RefundSucceeded:
		return order.RefundConfirmed
	case RefundFailed, RefundImpossible:
		return order.RefundFailed
	case RefundUnknown:
		return order.RefundUnknown
	}
	return order.RefundReserved
}

// RefundTooLargeError refuses a refund above what the order's ledger says
// can be given back. It wraps order.ErrRefundTooLarge.
type RefundTooLargeError struct {
	Amount, Refundable order.Money
}

func (e *RefundTooLargeError) Error() string {
	return fmt.Sprintf("a refund of %s is more than the %s paid net of earlier refunds", e.Amount, e.Refundable)
}

// Unwrap makes errors.Is(err, order.ErrRefundTooLarge) true.
func (e *RefundTooLargeError) Unwrap() error { return order.ErrRefundTooLarge }

// RefundByKey returns the refund recorded under an idempotency key.
func (s *Store) RefundByKey(ctx context.Context, key string) (Refund, error) {
	r, err := one[Refund](s.pool.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1`, key))
	if err != nil {
		return Refund{}, fmt.Errorf("store.RefundByKey(%s): %w", key, err)
	}
	return r, nil
}

// RefundAndPayments is RefundByKey and the payments of the refund's order
// (as ListPayments), in one round trip: what a refund through a provider
// reads before it calls it.
func (s *Store) RefundAndPayments(ctx context.Context, key string) (_ Refund, _ []Payment, err error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1`, key)
	b.Queue(`SELECT `+paymentColumns+` FROM payments
		WHERE order_id = (SELECT order_id FROM refunds WHERE idempotency_key = $1) ORDER BY received_at, id`, key)
	br := s.pool.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("store.RefundAndPayments(%s): %w", key, unavailable(cerr))
		}
	}()
	r, err := one[Refund](br.Query())
	if err != nil {
		return Refund{}, nil, fmt.Errorf("store.RefundAndPayments(%s): %w", key, err)
	}
	ps, err := all[Payment](br.Query())
	if err != nil {
		return Refund{}, nil, fmt.Errorf("store.RefundAndPayments(%s): %w", key, err)
	}
	return r, ps, nil
}

// ListRefunds returns the refunds of an order, oldest first.
func (s *Store) ListRefunds(ctx context.Context, orderID int64) ([]Refund, error) {
	rs, err := all[Refund](s.pool.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE order_id = $1 ORDER BY created_at, id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListRefunds(%d): %w", orderID, err)
	}
	return rs, nil
}

// RefundFinal reports whether a refund status is an outcome that no longer
// changes: succeeded, failed or impossible.
func RefundFinal(status string) bool { return refundState(status).Final() }
