package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// SaveCancel writes a cancellation of items (order.ApplyCancel's result):
// the lines' cancelled quantities, the new totals and status, and its
// history row, in one transaction. It checks again, under the order's row
// lock, that each quantity can still be cancelled, so two agents cancelling
// the same items at once cancel them once. A retry (same ev.Key) returns
// the first event and changes nothing.
func (s *Store) SaveCancel(ctx context.Context, number string, res order.CancelResult, ev Event) (Event, error) {
	var saved Event
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := loadOrderForUpdate(ctx, tx, number)
		if err != nil {
			return err
		}
		if ev.Key != "" {
			prev, err := one[Event](tx.Query(ctx, `SELECT `+eventColumns+` FROM order_events WHERE event_key = $1`, ev.Key))
			if err == nil {
				saved = prev
				return nil
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if o.HoldBy != "" {
			return fmt.Errorf("order %s is being changed by procedure %s: %w", number, o.HoldBy, ErrOrderHeld)
		}
		current := make(map[int64]order.Line, len(o.Lines))
		for _, l := range o.Lines {
			current[l.ID] = l
		}
		for _, c := range res.Cancelled {
			l, ok := current[c.ID]
			if !ok {
				return order.Refuse("cancel", "refusal.line_not_in_order", locale.Text(strconv.FormatInt(c.ID, 10)), locale.Text(number))
			}
			if c.Quantity > l.Cancellable() {
				return order.Refuse("cancel", "refusal.cancel_changed_meanwhile", locale.Count(int(l.Cancellable())), locale.Text(l.SKU), locale.Count(int(c.Quantity)))
			}
			if _, err := tx.Exec(ctx, `UPDATE order_lines SET qty_cancelled = qty_cancelled + $2 WHERE id = $1`, c.ID, c.Quantity); err != nil {
				return fmt.Errorf("line %d (%s): %w", c.ID, c.SKU, err)
			}
		}
		if _, err := tx.Exec(ctx, `
			UPDATE orders SET merchandise_cents = $2, discount_cents = $3, shipping_cents = $4, total_cents = $5,
				status = $6, version = version + 1, updated_at = now()
			WHERE id = $1`,
			o.ID, res.After.Merchandise, res.After.Discount, res.After.Shipping, res.After.Total, string(res.Status)); err != nil {
			return err
		}
		data, err := json.Marshal(res)
		if err != nil {
			return err
		}
		ev.OrderID, ev.Data = o.ID, data
		saved, err = insertEvent(ctx, tx, ev)
		return err
	})
	if err != nil {
		return Event{}, fmt.Errorf("store.SaveCancel(%s): %w", number, err)
	}
	return saved, nil
}

// loadOrderForUpdate reads an order and its lines with the order's row
// locked until the transaction ends.
func loadOrderForUpdate(ctx context.Context, tx pgx.Tx, number string) (order.Order, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM orders WHERE number = $1 FOR UPDATE`, number); err != nil {
		return order.Order{}, err
	}
	return loadOrder(ctx, tx, `number = $1`, number)
}
