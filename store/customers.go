package store

import (
	"context"
	"fmt"
	"strings"
)

// CustomerOrders returns every order of the customer with this email (any
// case), current and archived, newest first: the customer view. It reads
// the customer's index range (migration 0020).
func (s *Store) CustomerOrders(ctx context.Context, email string, limit int) ([]OrderSummary, error) {
	os, err := all[OrderSummary](s.pool.Query(ctx, `SELECT `+summaryColumns+` FROM orders o
		WHERE lower(o.customer_email) = lower($1) ORDER BY lower(o.customer_email), o.created_at DESC, o.id DESC LIMIT $2`,
		strings.TrimSpace(email), pageSize(limit)))
	if err != nil {
		return nil, fmt.Errorf("store.CustomerOrders: %w", err)
	}
	return os, nil
}

// OutboxFilter narrows the outbox: by status (pending, sent, failed), by
// order number (whole, any case) and by recipient (whole address, any
// case). A zero field does not filter.
type OutboxFilter struct {
	Status      string
	OrderNumber string
	To          string
	Limit       int
}

// FilterOutbox returns the emails the filter keeps, newest first.
func (s *Store) FilterOutbox(ctx context.Context, f OutboxFilter) ([]Email, error) {
	var a sqlArgs
	var conds []string
	if f.Status != "" {
		conds = append(conds, `e.status = `+a.add(f.Status))
	}
	if n := strings.TrimSpace(f.OrderNumber); n != "" {
		conds = append(conds, `e.order_id = (SELECT id FROM orders WHERE number = upper(`+a.add(n)+`))`)
	}
	if to := strings.TrimSpace(f.To); to != "" {
		conds = append(conds, `lower(e.to_email) = lower(`+a.add(to)+`)`)
	}
	where := ""
	if len(conds) > 0 {
		where = `WHERE ` + strings.Join(conds, ` AND `)
	}
	q := `SELECT ` + emailColumns + emailFrom + where + ` ORDER BY e.created_at DESC, e.id DESC LIMIT ` + a.add(pageSize(f.Limit))
	es, err := all[Email](s.pool.Query(ctx, q, a...))
	if err != nil {
		return nil, fmt.Errorf("store.FilterOutbox: %w", err)
	}
	return es, nil
}
