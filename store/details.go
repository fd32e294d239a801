package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// OrderDetails returns an order with its editable details:
// the details read from the order, and the payment method's label, which
// only this procedure reads and writes.
func (s *Store) OrderDetails(ctx context.Context, number string) (order.Order, order.Details, error) {
	o, err := loadOrder(ctx, s.pool, `number = $1`, number)
	if err != nil {
		return order.Order{}, order.Details{}, fmt.Errorf("store.OrderDetails(%s): %w", number, err)
	}
	return o, order.DetailsOf(o), nil
}

// DetailsEvent is the data of a details_changed history row: the field,
// before and after; the first row of an edit also carries the whole
// result, so a retried step returns the edit as it was applied.
type DetailsEvent struct {
	Field  string               `json:"field"`
	Before string               `json:"before"`
	After  string               `json:"after"`
	Result *order.DetailsResult `json:"result,omitempty"`
}

// SaveDetails applies an edit of an order's details in one transaction: it
// locks the order, validates the edit again against the order as it is
// now (order.ApplyDetails), writes the new details and totals with a
// conditional UPDATE, and one history row per changed field, keyed
// key+"/"+field. ev is the template of those rows (actor, workflow id,
// contact channel). A retry (the first row's key exists) changes nothing
// and returns the edit as applied then.
//
// The UPDATE is conditional: it only changes the delivery address while
// no line is shipped and the order awaits printing, and nothing while a
// procedure holds the order. A shipment committed between the check and
// the write makes it refuse, with a FieldError on delivery_address.
func (s *Store) SaveDetails(ctx context.Context, number string, edit order.DetailsEdit, key string, ev Event) (order.DetailsResult, error) {
	var res order.DetailsResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if prev, found, err := appliedDetails(ctx, tx, key); err != nil || found {
			res = prev
			return err
		}
		o, err := loadOrderForUpdate(ctx, tx, number)
		if err != nil {
			return err
		}
		if res, err = order.ApplyDetails(o, order.DetailsOf(o), edit); err != nil {
			return err
		}
		a := res.After
		tag, err := tx.Exec(ctx, `
			UPDATE orders SET customer_name = $2, customer_email = $3, customer_phone = $4,
				billing_address = $5, delivery_address = $6, payment_method_label = $7,
				shipping_rules = jsonb_set(shipping_rules, '{method}', to_jsonb($8::text)),
				shipping_cents = $9, discount = $10,
				merchandise_cents = $11, discount_cents = $12, total_cents = $13,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND hold_by IS NULL
			  AND (NOT $14 OR (logistics_status = 'awaiting_printing'
			       AND NOT EXISTS (SELECT 1 FROM order_lines WHERE order_id = $1 AND qty_shipped > 0)))`,
			o.ID, a.Name, a.Email, a.Phone, a.Billing, a.Delivery, a.PaymentLabel, a.ShippingMethod,
			res.TotalsAfter.Shipping, a.Discount,
			res.TotalsAfter.Merchandise, res.TotalsAfter.Discount, res.TotalsAfter.Total, res.DeliveryChanged())
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return order.Refuse("delivery_address", "refusal.delivery_changed_meanwhile", locale.Text(number))
		}
		for i, c := range res.Changes {
			d := DetailsEvent{Field: c.Field, Before: c.Before, After: c.After}
			if i == 0 {
				d.Result = &res
			}
			data, err := json.Marshal(d)
			if err != nil {
				return err
			}
			e := ev
			e.OrderID, e.Data, e.Kind = o.ID, data, "details_changed"
			e.Key = key + "/" + c.Field
			e.Message = fmt.Sprintf("%s : %s → %s", capitalize(order.DetailLabel(c.Field, "fr")), orNone(c.Before), orNone(c.After))
			if _, err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO order_events (order_id, actor_kind, actor, workflow_id, kind, message, contact_channel, event_key)
			VALUES ($1, $2, $3, $4, 'details_saved', $5, $6, $7)`,
			o.ID, ev.ActorKind, ev.Actor, ev.WorkflowID, detailsSummary(res, o.Currency), ev.ContactChannel, key)
		return err
	})
	if err != nil {
		return order.DetailsResult{}, fmt.Errorf("store.SaveDetails(%s): %w", number, err)
	}
	return res, nil
}

// appliedDetails finds an edit already saved under key: its summary row
// exists, and its first field row carries the result.
func appliedDetails(ctx context.Context, tx pgx.Tx, key string) (order.DetailsResult, bool, error) {
	var wf string
	err := tx.QueryRow(ctx, `SELECT workflow_id FROM order_events WHERE event_key = $1`, key).Scan(&wf)
	if errors.Is(err, pgx.ErrNoRows) {
		return order.DetailsResult{}, false, nil
	}
	if err != nil {
		return order.DetailsResult{}, false, err
	}
	var raw []byte
	if err := tx.QueryRow(ctx, `SELECT data FROM order_events WHERE event_key LIKE $1 || '/%' AND data ? 'result' ORDER BY id LIMIT 1`, key).Scan(&raw); err != nil {
		return order.DetailsResult{}, false, fmt.Errorf("reading the edit saved under %s: %w", key, err)
	}
	var d DetailsEvent
	if err := json.Unmarshal(raw, &d); err != nil || d.Result == nil {
		return order.DetailsResult{}, false, fmt.Errorf("reading the edit saved under %s: %v", key, err)
	}
	return *d.Result, true, nil
}

// detailsSummary is the history line closing an edit, in French.
func detailsSummary(res order.DetailsResult, currency string) string {
	s := "Informations modifiées : " + res.Fields("fr")
	if res.MoneyChanged() {
		m := func(c int64) string { return order.Money{Cents: c, Currency: currency}.French() }
		s += fmt.Sprintf(". Total %s → %s", m(res.TotalsBefore.Total), m(res.TotalsAfter.Total))
	}
	return s
}

func capitalize(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

func orNone(s string) string {
	if s == "" {
		return "(vide)"
	}
	return s
}
