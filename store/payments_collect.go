package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// ErrStatusMove is wrapped when an order's status does not allow the move
// a procedure asks for.
var ErrStatusMove = errors.New("order status move not allowed")

// MoveOrderStatus moves an order's status to `to`, with one history event
// ev in the same transaction, when its status is one of from (empty: any
// status that order.Status.CanMoveTo allows). It is keyed by ev.Key: when
// that event exists the move was made before and nothing happens. An order
// already in `to` is left as it is (no event). Any other status is an error
// wrapping ErrStatusMove that names it. It returns the order as it is now.
func (s *Store) MoveOrderStatus(ctx context.Context, number string, from []order.Status, to order.Status, ev Event) (order.Order, error) {
	if !to.Valid() {
		return order.Order{}, fmt.Errorf("store.MoveOrderStatus(%s): %w", number, order.Refuse("status", "refusal.order_status_unknown", locale.Text(string(to))))
	}
	var out order.Order
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, number)
		if err != nil {
			return err
		}
		out = o
		if ev.Key != "" {
			if _, err := one[Event](tx.Query(ctx, `SELECT `+eventColumns+` FROM order_events WHERE event_key = $1`, ev.Key)); err == nil {
				return nil // done before
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if o.Status == to {
			return nil
		}
		if (len(from) > 0 && !slices.Contains(from, o.Status)) || !o.Status.CanMoveTo(to) {
			return fmt.Errorf("order %s is %s (%s), it cannot become %s: %w", number, o.Status, o.Status.Label("fr"), to, ErrStatusMove)
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, o.ID, to); err != nil {
			return err
		}
		if len(ev.Data) == 0 {
			ev.Data, _ = json.Marshal(map[string]string{"from": string(o.Status), "to": string(to)})
		}
		ev.OrderID = o.ID
		if _, err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		out, err = loadOrder(ctx, tx, `id = $1`, o.ID)
		return err
	})
	if err != nil {
		return order.Order{}, fmt.Errorf("store.MoveOrderStatus(%s → %s): %w", number, to, err)
	}
	return out, nil
}

// PaymentByKey returns the payment recorded under an idempotency key.
func (s *Store) PaymentByKey(ctx context.Context, key string) (Payment, error) {
	p, err := one[Payment](s.pool.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE idempotency_key = $1`, key))
	if err != nil {
		return Payment{}, fmt.Errorf("store.PaymentByKey(%s): %w", key, err)
	}
	return p, nil
}

// CollectionWorkflows lists the payment procedures that began on an order
// (their "collection_started" events), newest first: the starter asks
// Temporal which one still runs.
func (s *Store) CollectionWorkflows(ctx context.Context, number string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.workflow_id FROM order_events e JOIN orders o ON o.id = e.order_id
		WHERE o.number = $1 AND e.kind = 'collection_started'
		ORDER BY e.at DESC, e.id DESC`, number)
	if err != nil {
		return nil, fmt.Errorf("store.CollectionWorkflows(%s): %w", number, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store.CollectionWorkflows(%s): %w", number, err)
	}
	return ids, nil
}
