package devstack_test

import (
	"context"
	"testing"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// TestLoadDemo loads the demo into an empty database: every order with its
// lines and totals, a payment for each paid order covering its total, an
// order_placed event for each; loading again adds nothing.
func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	st := devstacktest.NewStore(t)
	demo := devstack.DemoOrders()

	n, err := devstack.LoadDemo(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(demo) {
		t.Fatalf("LoadDemo added %d orders, want %d", n, len(demo))
	}
	_, total, err := st.ListOrders(ctx, store.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(demo) {
		t.Errorf("%d orders in the list, want %d", total, len(demo))
	}
	for _, d := range demo {
		o, err := st.GetOrder(ctx, d.Order.Number)
		if err != nil {
			t.Fatal(err)
		}
		if o.Totals.Total != d.Order.Totals.Total || len(o.Lines) != len(d.Order.Lines) || o.ShippingRules != d.Order.ShippingRules {
			t.Errorf("%s stored as total %d, %d lines, rules %+v; want %d, %d, %+v", o.Number,
				o.Totals.Total, len(o.Lines), o.ShippingRules, d.Order.Totals.Total, len(d.Order.Lines), d.Order.ShippingRules)
		}
		paidNet, err := st.PaidNet(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if d.Payment != nil {
			want = o.Totals.Total
		}
		if paidNet != want {
			t.Errorf("%s (%s): paid net %d, want %d", o.Number, o.Status, paidNet, want)
		}
		events, err := st.ListEvents(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 || events[0].Kind != "order_placed" || events[0].ActorKind != store.ActorCustomer {
			t.Errorf("%s: history starts with %+v, want order_placed by the customer", o.Number, events)
		}
	}

	again, err := devstack.LoadDemo(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if again != 0 {
		t.Errorf("second LoadDemo added %d orders, want 0", again)
	}
	_, total2, _ := st.ListOrders(ctx, store.OrderFilter{})
	if total2 != total {
		t.Errorf("second LoadDemo: %d orders, was %d", total2, total)
	}
	o, _ := st.GetOrder(ctx, devstack.DemoOrderNumber)
	if ps, _ := st.ListPayments(ctx, o.ID); len(ps) != 1 {
		t.Errorf("%s has %d payments after two loads, want 1", o.Number, len(ps))
	}
}

// TestLoadDemoLeavesOwnOrders: a database with orders of its own (not the
// demo's) gets no demo orders.
func TestLoadDemoLeavesOwnOrders(t *testing.T) {
	ctx := context.Background()
	st := devstacktest.NewStore(t)
	lines := []order.Line{{SKU: "X-1", Name: "Objet", UnitPrice: 1000, Quantity: 1, VATRate: 2000, Physical: true}}
	_, err := st.InsertOrder(ctx, order.Order{
		Number: "C-2026-009999", Status: order.StatusPaid, PaymentMethod: order.PayCard,
		Customer: order.Customer{Name: "Réelle Cliente", Email: "reelle@example.fr"},
		Lines:    lines, Totals: order.Price(lines, order.Discount{}, 0, 2000),
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := devstack.LoadDemo(ctx, st)
	if err != nil || n != 0 {
		t.Fatalf("LoadDemo on a database with its own orders: %d, %v; want 0, nil", n, err)
	}
}
