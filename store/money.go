package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"
)

const paymentColumns = `id, order_id, method, amount_cents AS amount, currency, reference, received_at,
	coalesce(idempotency_key, '') AS idempotency_key`

// AddPayment records money received for an order. With an IdempotencyKey
// it is written once: adding it again returns the first row unchanged. A
// zero ReceivedAt is now; an empty Currency is EUR.
func (s *Store) AddPayment(ctx context.Context, p Payment) (Payment, error) {
	saved, err := insertPayment(ctx, s.pool, p)
	if err != nil {
		return Payment{}, fmt.Errorf("store.AddPayment(%d): %w", p.OrderID, err)
	}
	return saved, nil
}

// insertPayment writes a payment, once per idempotency key, with q (the
// pool or a transaction).
func insertPayment(ctx context.Context, q querier, p Payment) (Payment, error) {
	if p.Amount <= 0 {
		return Payment{}, order.Fieldf("amount", "a payment must be above 0, got %s", order.EUR(p.Amount))
	}
	if p.Currency == "" {
		p.Currency = order.DefaultCurrency
	}
	var receivedAt *time.Time
	if !p.ReceivedAt.IsZero() {
		receivedAt = &p.ReceivedAt
	}
	saved, err := one[Payment](q.Query(ctx, `
		INSERT INTO payments (order_id, method, amount_cents, currency, reference, received_at, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, coalesce($6, now()), $7)
		ON CONFLICT (idempotency_key) DO NOTHING
		RETURNING `+paymentColumns,
		p.OrderID, p.Method, p.Amount, p.Currency, p.Reference, receivedAt, nullIfEmpty(p.IdempotencyKey)))
	if errors.Is(err, ErrNotFound) {
		saved, err = one[Payment](q.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE idempotency_key = $1`, p.IdempotencyKey))
	}
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

// PaidNet is what the customer paid for an order net of refunds: payments
// minus the refunds that are done or under way (pending, succeeded,
// manual_pending). Failed and impossible refunds gave nothing back.
func (s *Store) PaidNet(ctx context.Context, orderID int64) (int64, error) {
	n, err := paidNet(ctx, s.pool, orderID)
	if err != nil {
		return 0, fmt.Errorf("store.PaidNet(%d): %w", orderID, err)
	}
	return n, nil
}

func paidNet(ctx context.Context, q querier, orderID int64) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `
		SELECT (SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE order_id = $1)::bigint
			- (SELECT coalesce(sum(amount_cents), 0) FROM refunds
				WHERE order_id = $1 AND status IN ('pending', 'succeeded', 'manual_pending'))::bigint`,
		orderID).Scan(&n)
	return n, err
}

const refundColumns = `id, order_id, idempotency_key, amount_cents AS amount, currency, method, status,
	provider_ref, reason, workflow_id, created_at, updated_at`

var refundStatuses = []string{RefundPending, RefundSucceeded, RefundManualPending, RefundImpossible, RefundFailed}

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
		// The order row is the lock that serialises this order's refunds.
		if _, err := one[struct{ ID int64 }](tx.Query(ctx, `SELECT id FROM orders WHERE id = $1 FOR UPDATE`, r.OrderID)); err != nil {
			return err
		}
		prev, err := one[Refund](tx.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1`, r.IdempotencyKey))
		if err == nil {
			saved = prev
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		if r.Amount <= 0 {
			return order.Fieldf("amount", "a refund must be above 0, got %s", order.Money{Cents: r.Amount, Currency: r.Currency})
		}
		if !slices.Contains(refundStatuses, r.Status) {
			return order.Fieldf("status", "unknown refund status %q", r.Status)
		}
		net, err := paidNet(ctx, tx, r.OrderID)
		if err != nil {
			return err
		}
		if r.Amount > net {
			return fmt.Errorf("a refund of %s is more than the %s paid net of earlier refunds: %w",
				order.Money{Cents: r.Amount, Currency: r.Currency}, order.Money{Cents: max(net, 0), Currency: r.Currency}, order.ErrRefundTooLarge)
		}
		saved, err = one[Refund](tx.Query(ctx, `
			INSERT INTO refunds (order_id, idempotency_key, amount_cents, currency, method, status, provider_ref, reason, workflow_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING `+refundColumns,
			r.OrderID, r.IdempotencyKey, r.Amount, r.Currency, r.Method, r.Status, r.ProviderRef, r.Reason, r.WorkflowID))
		return err
	})
	if err != nil {
		return Refund{}, fmt.Errorf("store.CreateRefund(%s): %w", r.IdempotencyKey, err)
	}
	return saved, nil
}

// UpdateRefund records what became of a refund: its new status, and the
// provider's reference and the reason when given ("" keeps the old ones).
func (s *Store) UpdateRefund(ctx context.Context, key, status, providerRef, reason string) (Refund, error) {
	if !slices.Contains(refundStatuses, status) {
		return Refund{}, fmt.Errorf("store.UpdateRefund(%s): %w", key, order.Fieldf("status", "unknown refund status %q", status))
	}
	r, err := one[Refund](s.pool.Query(ctx, `
		UPDATE refunds SET status = $2,
			provider_ref = CASE WHEN $3 = '' THEN provider_ref ELSE $3 END,
			reason = CASE WHEN $4 = '' THEN reason ELSE $4 END,
			updated_at = now()
		WHERE idempotency_key = $1
		RETURNING `+refundColumns,
		key, status, providerRef, reason))
	if err != nil {
		return Refund{}, fmt.Errorf("store.UpdateRefund(%s): %w", key, err)
	}
	return r, nil
}

// RefundByKey returns the refund recorded under an idempotency key.
func (s *Store) RefundByKey(ctx context.Context, key string) (Refund, error) {
	r, err := one[Refund](s.pool.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = $1`, key))
	if err != nil {
		return Refund{}, fmt.Errorf("store.RefundByKey(%s): %w", key, err)
	}
	return r, nil
}

// ListRefunds returns the refunds of an order, oldest first.
func (s *Store) ListRefunds(ctx context.Context, orderID int64) ([]Refund, error) {
	rs, err := all[Refund](s.pool.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE order_id = $1 ORDER BY created_at, id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListRefunds(%d): %w", orderID, err)
	}
	return rs, nil
}
