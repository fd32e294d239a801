package devstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// LoadDemo fills an empty database with the demo orders of DemoOrders, each
// with its payment (when paid) and its history, and returns how many orders
// it added. A database that holds orders of its own gets nothing; one that
// holds the demo gets nothing new (a load cut short is completed: every
// write is keyed, so it happens once).
func LoadDemo(ctx context.Context, st *store.Store) (int, error) {
	demo := DemoOrders()
	_, err := st.GetOrder(ctx, demo[0].Order.Number)
	switch {
	case errors.Is(err, store.ErrNotFound):
		n, err := countOrders(ctx, st)
		if err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, nil // someone's own orders: leave them alone
		}
	case err != nil:
		return 0, fmt.Errorf("devstack.LoadDemo: %w", err)
	}

	added := 0
	for _, d := range demo {
		o, err := st.GetOrder(ctx, d.Order.Number)
		if errors.Is(err, store.ErrNotFound) {
			o, err = st.InsertOrder(ctx, d.Order)
			added++
		}
		if err != nil {
			return added, fmt.Errorf("devstack.LoadDemo(%s): %w", d.Order.Number, err)
		}
		if err := demoHistory(ctx, st, o, d); err != nil {
			return added, fmt.Errorf("devstack.LoadDemo(%s): %w", d.Order.Number, err)
		}
	}
	return added, nil
}

// countOrders counts current and archived orders.
func countOrders(ctx context.Context, st *store.Store) (int, error) {
	total := 0
	for _, archived := range []bool{false, true} {
		_, n, err := st.ListOrders(ctx, store.OrderFilter{Archived: archived, Limit: 1})
		if err != nil {
			return 0, fmt.Errorf("devstack.LoadDemo: %w", err)
		}
		total += n
	}
	return total, nil
}

// demoHistory writes the payment and the events of a demo order, under
// keys, so running it twice writes them once.
func demoHistory(ctx context.Context, st *store.Store, o order.Order, d DemoOrder) error {
	key := "demo/" + o.Number + "/"
	items := int64(0)
	for _, l := range o.Lines {
		items += l.Quantity
	}
	// The history is the agents': its lines are phrases, said in the
	// reader's language (an English customer's total reads 63,80 € to a
	// French agent), never in the customer's.
	_, err := st.AddEvent(ctx, store.Event{
		OrderID: o.ID, At: d.Order.CreatedAt,
		ActorKind: store.ActorCustomer, Actor: o.Customer.Email,
		Kind:   "order_placed",
		Phrase: locale.Phr("history.order_placed", locale.Count(int(items)), locale.Amount(o.Totals.Total, o.Currency), locale.Text(o.ShippingRules.Method)),
		Key:    key + "order_placed",
	})
	if err != nil {
		return err
	}
	if p := d.Payment; p != nil {
		_, err := st.AddPayment(ctx, store.Payment{
			OrderID: o.ID, Method: string(p.Method), Amount: p.Amount, Currency: o.Currency,
			Reference: p.Reference, ReceivedAt: p.At, IdempotencyKey: key + "payment",
		})
		if err != nil {
			return err
		}
		_, err = st.AddEvent(ctx, store.Event{
			OrderID: o.ID, At: p.At,
			ActorKind: store.ActorSystem, Actor: string(p.Method),
			Kind:   "payment_received",
			Phrase: locale.Phr("history.payment_at_checkout", locale.Amount(p.Amount, o.Currency), locale.Label("payment_method.", string(p.Method), p.Method.Label("fr")), locale.Text(p.Reference)),
			Key:    key + "payment_received",
		})
		if err != nil {
			return err
		}
	}
	if o.Logistics != order.LogisticsAwaitingPrinting {
		_, err := st.AddEvent(ctx, store.Event{
			OrderID: o.ID, At: d.Order.CreatedAt.Add(26 * time.Hour),
			ActorKind: store.ActorWarehouse, Actor: "entrepôt",
			Kind:    "logistics_status",
			Message: "Statut logistique : " + o.Logistics.Label("fr"),
			Key:     key + "logistics_status",
		})
		if err != nil {
			return err
		}
	}
	if o.Status == order.StatusCancelled {
		_, err := st.AddEvent(ctx, store.Event{
			OrderID: o.ID, At: d.Order.CreatedAt.Add(72 * time.Hour),
			ActorKind: store.ActorSystem,
			Kind:      "order_cancelled",
			Message:   "Commande annulée : chèque jamais reçu",
			Key:       key + "order_cancelled",
		})
		if err != nil {
			return err
		}
	}
	return nil
}
