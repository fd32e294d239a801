package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// Shipment is a parcel that left the warehouse: its carrier, its tracking
// number and the quantities of each line in it.
type Shipment struct {
	ID         int64          `json:"id"`
	OrderID    int64          `json:"order_id"`
	Key        string         `json:"key"`
	WorkflowID string         `json:"workflow_id"`
	Carrier    string         `json:"carrier"`
	Tracking   string         `json:"tracking"`
	ShippedBy  string         `json:"shipped_by"`
	CreatedAt  time.Time      `json:"created_at"`
	Lines      []ShipmentLine `json:"lines" db:"-"`
}

// TrackingURL is the carrier's page that follows the parcel, or "".
func (s Shipment) TrackingURL() string { return order.TrackingURL(s.Carrier, s.Tracking) }

// ShipmentLine is the quantity of one order line in a shipment.
type ShipmentLine struct {
	ShipmentID int64  `json:"shipment_id"`
	LineID     int64  `json:"line_id"`
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Quantity   int64  `json:"quantity"`
}

const shipmentColumns = `id, order_id, key, workflow_id, carrier, tracking, shipped_by, created_at`

// SaveFulfil marks items of an order shipped or completed in
// one transaction: the lines' shipped and completed quantities, the
// shipment with its lines (when something ships), the order's status and
// logistics status, and the history row ev, whose data is the result. It
// applies the request to the order as it is under its row lock, so two
// agents shipping the same items at once ship them once, and an order a
// procedure took hold of meanwhile is refused. A retry (same ev.Key)
// changes nothing and returns the result as first applied. Bad input is
// an *order.FieldError.
func (s *Store) SaveFulfil(ctx context.Context, number string, req order.FulfilRequest, ev Event) (order.FulfilResult, error) {
	if ev.Key == "" {
		return order.FulfilResult{}, fmt.Errorf("store.SaveFulfil(%s): the event needs a key", number)
	}
	var res order.FulfilResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := loadOrderForUpdate(ctx, tx, number)
		if err != nil {
			return err
		}
		prev, err := one[Event](tx.Query(ctx, `SELECT `+eventColumns+` FROM order_events WHERE event_key = $1`, ev.Key))
		if err == nil {
			return json.Unmarshal(prev.Data, &res)
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		if res, err = order.ApplyFulfil(o, req); err != nil {
			return err
		}
		for _, l := range res.Shipped {
			tag, err := tx.Exec(ctx, `UPDATE order_lines SET qty_shipped = qty_shipped + $2
				WHERE id = $1 AND physical AND qty_shipped + $2 <= quantity - qty_cancelled`, l.ID, l.Quantity)
			if err != nil {
				return fmt.Errorf("line %d (%s): %w", l.ID, l.SKU, err)
			}
			if tag.RowsAffected() != 1 {
				return order.Refuse("ship", "refusal.ship_changed_meanwhile", locale.Text(l.SKU), locale.Count(int(l.Quantity)))
			}
		}
		for _, l := range res.Completed {
			tag, err := tx.Exec(ctx, `UPDATE order_lines SET qty_completed = qty_completed + $2
				WHERE id = $1 AND NOT physical AND qty_completed + $2 <= quantity - qty_cancelled`, l.ID, l.Quantity)
			if err != nil {
				return fmt.Errorf("line %d (%s): %w", l.ID, l.SKU, err)
			}
			if tag.RowsAffected() != 1 {
				return order.Refuse("complete", "refusal.complete_changed_meanwhile", locale.Text(l.SKU), locale.Count(int(l.Quantity)))
			}
		}
		if len(res.Shipped) > 0 {
			var id int64
			if err := tx.QueryRow(ctx, `
				INSERT INTO shipments (order_id, key, workflow_id, carrier, tracking, shipped_by)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				o.ID, ev.Key, ev.WorkflowID, res.Carrier, res.Tracking, ev.Actor).Scan(&id); err != nil {
				return fmt.Errorf("shipment: %w", err)
			}
			for _, l := range res.Shipped {
				if _, err := tx.Exec(ctx, `INSERT INTO shipment_lines (shipment_id, line_id, sku, name, quantity) VALUES ($1, $2, $3, $4, $5)`,
					id, l.ID, l.SKU, l.Name, l.Quantity); err != nil {
					return fmt.Errorf("shipment line %s: %w", l.SKU, err)
				}
			}
		}
		if _, err := tx.Exec(ctx, `
			UPDATE orders SET status = $2, logistics_status = $3, version = version + 1, updated_at = now()
			WHERE id = $1`, o.ID, string(res.Status), string(res.Logistics)); err != nil {
			return err
		}
		data, err := json.Marshal(res)
		if err != nil {
			return err
		}
		ev.OrderID, ev.Data = o.ID, data
		_, err = insertEvent(ctx, tx, ev)
		return err
	})
	if err != nil {
		return order.FulfilResult{}, fmt.Errorf("store.SaveFulfil(%s): %w", number, err)
	}
	return res, nil
}

// ListShipments returns an order's shipments with their lines, oldest first.
func (s *Store) ListShipments(ctx context.Context, orderID int64) ([]Shipment, error) {
	list, err := all[Shipment](s.pool.Query(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE order_id = $1 ORDER BY created_at, id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListShipments(%d): %w", orderID, err)
	}
	lines, err := all[ShipmentLine](s.pool.Query(ctx, `
		SELECT sl.shipment_id, sl.line_id, sl.sku, sl.name, sl.quantity
		FROM shipment_lines sl JOIN shipments sh ON sh.id = sl.shipment_id
		WHERE sh.order_id = $1 ORDER BY sl.shipment_id, sl.line_id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListShipments(%d): lines: %w", orderID, err)
	}
	index := make(map[int64]int, len(list))
	for i, sh := range list {
		index[sh.ID] = i
	}
	for _, l := range lines {
		if i, ok := index[l.ShipmentID]; ok {
			list[i].Lines = append(list[i].Lines, l)
		}
	}
	return list, nil
}
