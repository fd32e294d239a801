package store

import (
	"context"
	"fmt"
	"time"
)

// RefundOnOrder is a refund row with its order's number, as reconciliation
// reads it.
type RefundOnOrder struct {
	Refund
	OrderNumber string `json:"order_number"`
}

// ReconcileQuery says which refund rows reconciliation compares with what
// one payment provider holds.
type ReconcileQuery struct {
	// Methods are the refund methods the provider carries (card, stripe,
	// bank_transfer...): rows of these methods created or updated since
	// Since are read.
	Methods []string
	Since   time.Time
	// Keys and ProviderRefs name rows to read whatever their method and
	// date: the provider's transfers of the period, by the idempotency key
	// they were sent with or by the provider's own id (a refund an agent
	// made by hand in the provider's back office and recorded with its
	// reference).
	Keys         []string
	ProviderRefs []string
}

// RefundsToReconcile returns the refunds that q selects, with their orders'
// numbers, oldest first. It only reads.
func (s *Store) RefundsToReconcile(ctx context.Context, q ReconcileQuery) ([]RefundOnOrder, error) {
	methods, keys, refs := nonNil(q.Methods), nonNil(q.Keys), nonNil(q.ProviderRefs)
	rs, err := all[RefundOnOrder](s.pool.Query(ctx, `
		SELECT r.id, r.order_id, r.idempotency_key, r.amount_cents AS amount, r.currency, r.method, r.status,
			r.provider_ref, r.reason, r.workflow_id, r.created_at, r.updated_at, o.number AS order_number
		FROM refunds r JOIN orders o ON o.id = r.order_id
		WHERE (r.method = ANY($1) AND (r.created_at >= $2 OR r.updated_at >= $2))
			OR r.idempotency_key = ANY($3)
			OR (r.provider_ref <> '' AND r.provider_ref = ANY($4))
		ORDER BY r.created_at, r.id`,
		methods, q.Since, keys, refs))
	if err != nil {
		return nil, fmt.Errorf("store.RefundsToReconcile(since %s): %w", q.Since.Format(time.RFC3339), err)
	}
	return rs, nil
}

// nonNil sends an empty array rather than NULL, so ANY() matches nothing.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
