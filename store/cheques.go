package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

// Cheque request statuses.
const (
	ChequeRequested = "requested"
	ChequeMailed    = "mailed"
	ChequeCancelled = "cancelled"
)

// ChequeRequest is a refund by cheque waiting to be mailed (cheque_requests).
type ChequeRequest struct {
	ID           int64         `json:"id"`
	Key          string        `json:"key"`
	OrderID      int64         `json:"order_id"`
	RefundKey    string        `json:"refund_key"`
	Amount       int64         `json:"amount_cents"`
	Currency     string        `json:"currency"`
	Address      order.Address `json:"address"`
	Status       string        `json:"status"`
	ChequeNumber string        `json:"cheque_number"`
	WorkflowID   string        `json:"workflow_id"`
	CreatedAt    time.Time     `json:"created_at"`
	MailedAt     *time.Time    `json:"mailed_at,omitempty"`
}

const chequeColumns = `id, key, order_id, refund_key, amount_cents AS amount, currency, address, status,
	cheque_number, workflow_id, created_at, mailed_at`

// CreateChequeRequest records a refund by cheque, once per key: creating it
// again returns the first row.
func (s *Store) CreateChequeRequest(ctx context.Context, c ChequeRequest) (ChequeRequest, error) {
	if c.Currency == "" {
		c.Currency = order.DefaultCurrency
	}
	saved, err := one[ChequeRequest](s.pool.Query(ctx, `
		INSERT INTO cheque_requests (key, order_id, refund_key, amount_cents, currency, address, workflow_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (key) DO NOTHING
		RETURNING `+chequeColumns,
		c.Key, c.OrderID, c.RefundKey, c.Amount, c.Currency, c.Address, c.WorkflowID))
	if errors.Is(err, ErrNotFound) {
		saved, err = one[ChequeRequest](s.pool.Query(ctx, `SELECT `+chequeColumns+` FROM cheque_requests WHERE key = $1`, c.Key))
	}
	if err != nil {
		return ChequeRequest{}, fmt.Errorf("store.CreateChequeRequest(%s): %w", c.Key, err)
	}
	return saved, nil
}

// MarkChequeMailed records that an agent mailed the cheque, with its number.
// Marking it again with the same number returns the row unchanged.
func (s *Store) MarkChequeMailed(ctx context.Context, key, number string) (ChequeRequest, error) {
	c, err := one[ChequeRequest](s.pool.Query(ctx, `
		UPDATE cheque_requests SET status = 'mailed', cheque_number = $2, mailed_at = coalesce(mailed_at, now())
		WHERE key = $1 AND (status = 'requested' OR (status = 'mailed' AND cheque_number = $2))
		RETURNING `+chequeColumns, key, number))
	if errors.Is(err, ErrNotFound) {
		cur, gerr := one[ChequeRequest](s.pool.Query(ctx, `SELECT `+chequeColumns+` FROM cheque_requests WHERE key = $1`, key))
		if gerr != nil {
			return ChequeRequest{}, fmt.Errorf("store.MarkChequeMailed(%s): %w", key, gerr)
		}
		return ChequeRequest{}, fmt.Errorf("store.MarkChequeMailed(%s): cheque request is %s (cheque %s): %w", key, cur.Status, cur.ChequeNumber, ErrTaskClosed)
	}
	if err != nil {
		return ChequeRequest{}, fmt.Errorf("store.MarkChequeMailed(%s): %w", key, err)
	}
	return c, nil
}

// CancelChequeRequest cancels a cheque not mailed yet (its procedure was cancelled).
func (s *Store) CancelChequeRequest(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE cheque_requests SET status = 'cancelled' WHERE key = $1 AND status = 'requested'`, key); err != nil {
		return fmt.Errorf("store.CancelChequeRequest(%s): %w", key, err)
	}
	return nil
}

// ListChequeRequests returns an order's cheque refunds, oldest first.
func (s *Store) ListChequeRequests(ctx context.Context, orderID int64) ([]ChequeRequest, error) {
	cs, err := all[ChequeRequest](s.pool.Query(ctx, `SELECT `+chequeColumns+` FROM cheque_requests WHERE order_id = $1 ORDER BY created_at, id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListChequeRequests(%d): %w", orderID, err)
	}
	return cs, nil
}
