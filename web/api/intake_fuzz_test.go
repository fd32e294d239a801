package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
)

// memStore keeps the orders POST /api/orders places, in memory: the
// intake's fuzz target runs the API without PostgreSQL.
type memStore struct {
	refusingStore
	mu     sync.Mutex
	orders map[string]order.Order
}

func (m *memStore) GetOrder(_ context.Context, number string) (order.Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[number]
	if !ok {
		return order.Order{}, store.ErrNotFound
	}
	return o, nil
}

func (m *memStore) PlaceOrder(_ context.Context, o order.Order, _ *store.Payment, _ []store.Event) (order.Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o.ID = int64(len(m.orders) + 1)
	m.orders[o.Number] = o
	return o, nil
}

func (m *memStore) ListPayments(context.Context, int64) ([]store.Payment, error) { return nil, nil }
func (m *memStore) PaidNet(context.Context, int64) (int64, error)                { return 0, nil }
func (m *memStore) AddEvent(_ context.Context, ev store.Event) (store.Event, error) {
	return ev, nil
}
func (m *memStore) AddPayment(_ context.Context, p store.Payment) (store.Payment, error) {
	return p, nil
}

type notifyingStarter struct{ refusingStarter }

func (notifyingStarter) NotifyNewOrder(context.Context, string) (starter.Run, error) {
	return starter.Run{}, nil
}

// Whatever amounts and texts a storefront sends to POST /api/orders, the
// answer is a 201 whose totals hold (no negative net, total = net + VAT
// per rate and in all, the merchandise within order.MaxOrderTotal) or a
// 4xx naming the member at fault: never a 5xx, never an overflow.
func FuzzAPIIntake(f *testing.F) {
	f.Add("Mug Tour Eiffel", int64(1250), int64(2), int64(2390), int64(1), int64(690), int64(500))
	f.Add("Lingot", int64(order.MaxUnitPrice), int64(order.MaxQuantity), int64(order.MaxUnitPrice), int64(order.MaxQuantity), int64(order.MaxUnitPrice), int64(1))
	f.Add("Lingot", int64(order.MaxUnitPrice), int64(order.MaxQuantity), int64(0), int64(1), int64(0), int64(0))
	f.Add("Nul\x00", int64(1<<62), int64(-1), int64(-1<<62), int64(1<<40), int64(-5), int64(1<<62))
	f.Add("\xff\xfe", int64(9_223_372_036_854_775_807), int64(9_223_372_036_854_775_807), int64(1), int64(1), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, name string, p1, q1, p2, q2, fee, discount int64) {
		m := &memStore{orders: map[string]order.Order{}}
		h, err := newDoorAPI(m)
		if err != nil {
			t.Fatal(err)
		}
		body := unpaidOrder("C-2026-009999")
		delete(body, "total_cents")
		body["shipping_rules"].(map[string]any)["fee_cents"] = fee
		body["discount"].(map[string]any)["amount_cents"] = discount
		lines := body["lines"].([]any)
		lines[0].(map[string]any)["name"] = name
		lines[0].(map[string]any)["unit_price_cents"], lines[0].(map[string]any)["quantity"] = p1, q1
		lines[1].(map[string]any)["unit_price_cents"], lines[1].(map[string]any)["quantity"] = p2, q2
		got := callAPI(t, h, http.MethodPost, "/api/orders", apiToken, body)
		switch {
		case got.code >= 500:
			t.Fatalf("%d %s", got.code, got.raw)
		case got.code != http.StatusCreated:
			if e, _ := got.body["error"].(map[string]any); e == nil || e["code"] == "" {
				t.Fatalf("%d without the error's code: %s", got.code, got.raw)
			}
			return
		}
		var o struct {
			Totals order.Totals `json:"totals"`
		}
		if err := json.Unmarshal([]byte(got.raw), &o); err != nil {
			t.Fatal(err)
		}
		tot := o.Totals
		if tot.Merchandise < 0 || tot.Merchandise > order.MaxOrderTotal || tot.Total < 0 {
			t.Fatalf("accepted totals %+v", tot)
		}
		var net, vat, gross int64
		for _, v := range tot.VAT {
			if v.Net < 0 || v.VAT < 0 || v.Net+v.VAT != v.Gross {
				t.Fatalf("VAT line %+v", v)
			}
			net, vat, gross = net+v.Net, vat+v.VAT, gross+v.Gross
		}
		if net+vat != tot.Total || gross != tot.Total {
			t.Fatalf("net %d + VAT %d != total %d (%+v)", net, vat, tot.Total, tot)
		}
	})
}
