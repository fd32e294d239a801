package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// shippedAPIOrder is the storefront's order, posted through the API, then
// one mug shipped by the warehouse.
func (a *apiApp) shippedAPIOrder() order.Order {
	a.t.Helper()
	ctx := context.Background()
	number := newOrderNumber()
	if got := a.call(http.MethodPost, "/api/orders", storefrontOrder(number)); got.code != http.StatusCreated {
		a.t.Fatalf("POST order: %d %s", got.code, got.raw)
	}
	o, err := a.store.GetOrder(ctx, number)
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.store.SaveFulfil(ctx, number, order.FulfilRequest{Ship: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, Carrier: "Colissimo"},
		store.Event{ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: "ship/" + number}); err != nil {
		a.t.Fatal(err)
	}
	if o, err = a.store.GetOrder(ctx, number); err != nil {
		a.t.Fatal(err)
	}
	return o
}

// TestAPIReturns: the shop's systems start a return, the warehouse says
// its parcel came back (twice: recorded once, answered the same), anyone
// reads it; bad requests name their field and write nothing.
func TestAPIReturns(t *testing.T) {
	a := newAPIApp(t)
	ctx := context.Background()
	o := a.shippedAPIOrder()
	mug, book := o.Lines[0], o.Lines[1]
	path := "/api/orders/" + o.Number + "/returns"
	line := func(id, qty int64) map[string]any { return map[string]any{"line_id": id, "quantity": qty} }
	body := func(rid string, lines ...map[string]any) map[string]any {
		ls := make([]any, len(lines))
		for i, l := range lines {
			ls[i] = l
		}
		return map[string]any{"request_id": rid, "agent": "marie@boutique.fr", "lines": ls, "reason": "withdrawal", "resolution": "refund"}
	}

	for _, bad := range []struct {
		path   string
		body   map[string]any
		status int
		field  string
		code   string
	}{
		{path, body("bad-1", line(book.ID, 1)), http.StatusUnprocessableEntity, "lines[0].quantity", "refusal.return_quantity_above_shipped"},
		{path, body("bad-2", line(mug.ID, 2)), http.StatusUnprocessableEntity, "lines[0].quantity", "refusal.return_quantity_above_shipped"},
		{path, body("bad-3", line(999999, 1)), http.StatusUnprocessableEntity, "lines[0].line_id", "refusal.return_line_unknown"},
		{path, body("bad-4", map[string]any{"sku": "NOPE", "quantity": 1}), http.StatusUnprocessableEntity, "lines[0].sku", "refusal.order_no_product"},
		{path, map[string]any{"request_id": "bad-5", "agent": "marie@boutique.fr", "lines": []any{line(mug.ID, 1)}, "reason": "bored", "resolution": "refund"}, http.StatusUnprocessableEntity, "reason", "refusal.return_reason_unknown"},
		{path, map[string]any{"agent": "marie@boutique.fr", "lines": []any{line(mug.ID, 1)}, "reason": "withdrawal", "resolution": "refund"}, http.StatusUnprocessableEntity, "request_id", ""},
		{path, map[string]any{"request_id": "bad-6", "lines": []any{line(mug.ID, 1)}, "reason": "withdrawal", "resolution": "refund"}, http.StatusUnprocessableEntity, "agent", ""},
		{"/api/orders/C-2026-999999/returns", body("bad-7", line(mug.ID, 1)), http.StatusNotFound, "order", "refusal.order_not_found"},
		{"/api/returns/R-1999-000001/receipt", map[string]any{"parcel_id": "P-1"}, http.StatusNotFound, "return", "refusal.return_not_found"},
	} {
		got := a.call(http.MethodPost, bad.path, bad.body)
		if got.code != bad.status || got.str("field") != bad.field || (bad.code != "" && got.str("code") != bad.code) {
			t.Errorf("%s %v: %d %s, want %d on %s (%s)", bad.path, bad.body, got.code, got.raw, bad.status, bad.field, bad.code)
		}
	}
	if got := a.call(http.MethodGet, "/api/returns/R-1999-000001", nil); got.code != http.StatusNotFound || got.str("field") != "return" {
		t.Errorf("unknown return: %d %s", got.code, got.raw)
	}
	if rs, err := a.store.ListReturns(ctx, o.ID); err != nil || len(rs) != 0 {
		t.Fatalf("refused calls recorded returns: %v %v", rs, err)
	}

	// The storefront takes the customer's withdrawal, and its call is retried.
	first := a.call(http.MethodPost, path, body("ret-1", map[string]any{"sku": "MUG-01", "quantity": 1}))
	if first.code != http.StatusCreated || first.str("number") == "" || first.str("status") == "" || first.body["existing"] != false {
		t.Fatalf("POST return: %d %s", first.code, first.raw)
	}
	again := a.call(http.MethodPost, path, body("ret-1", map[string]any{"sku": "MUG-01", "quantity": 1}))
	if again.code != http.StatusOK || again.str("number") != first.str("number") || again.body["existing"] != true {
		t.Fatalf("the same request id again: %d %s, want 200 and %s", again.code, again.raw, first.str("number"))
	}
	number := first.str("number")
	if rs, _ := a.store.ListReturns(ctx, o.ID); len(rs) != 1 {
		t.Fatalf("two calls with one request id recorded %d returns", len(rs))
	}
	// The mug is on its way back: nothing more of it can come back.
	if got := a.call(http.MethodPost, path, body("ret-2", line(mug.ID, 1))); got.code != http.StatusUnprocessableEntity || got.str("field") != "lines[0].quantity" {
		t.Errorf("more than shipped minus returned: %d %s", got.code, got.raw)
	}

	// The warehouse scans the parcel twice.
	receipt := "/api/returns/" + number + "/receipt"
	if got := a.call(http.MethodPost, receipt, map[string]any{}); got.code != http.StatusUnprocessableEntity || got.str("field") != "parcel_id" {
		t.Errorf("no parcel: %d %s", got.code, got.raw)
	}
	r1 := a.call(http.MethodPost, receipt, map[string]any{"parcel_id": "6A-RET-4001"})
	r2 := a.call(http.MethodPost, receipt, map[string]any{"parcel_id": "6A-RET-4001"})
	if r1.code != http.StatusOK || r1.raw != r2.raw || r1.str("received_at") == "" {
		t.Fatalf("the same parcel twice: %d %s then %d %s", r1.code, r1.raw, r2.code, r2.raw)
	}
	if got := a.call(http.MethodPost, receipt, map[string]any{"parcel_id": "6A-OTHER"}); got.code != http.StatusUnprocessableEntity || got.str("field") != "parcel_id" {
		t.Errorf("another parcel for a return received: %d %s", got.code, got.raw)
	}
	ret, err := a.store.GetReturn(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if ret.ParcelID == nil || *ret.ParcelID != "6A-RET-4001" || ret.ReceivedAt == nil {
		t.Fatalf("the return after its parcel: %+v", ret)
	}

	// One inspection is asked for, and the return reads as received.
	deadline := time.Now().Add(20 * time.Second)
	for {
		ts, err := a.store.ListTasks(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, task := range ts {
			if task.Kind == workflows.TaskInspectReturn {
				n++
			}
		}
		if n == 1 {
			break
		}
		if n > 1 || time.Now().After(deadline) {
			t.Fatalf("%d inspection tasks", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	got := a.call(http.MethodGet, "/api/returns/"+number, nil)
	lines, _ := got.body["lines"].([]any)
	if got.code != http.StatusOK || got.str("status") != store.ReturnReceived || got.str("parcel_id") != "6A-RET-4001" || len(lines) != 1 || got.str("order_number") != o.Number {
		t.Fatalf("GET return: %d %s", got.code, got.raw)
	}
	if l, _ := lines[0].(map[string]any); l["sku"] != "MUG-01" || l["quantity"] != float64(1) {
		t.Fatalf("GET return's line: %v", l)
	}
	if got.body["label"] != nil {
		t.Errorf("a return without a carrier's label answers one: %s", got.raw)
	}
	// A carrier made its prepaid label: the shop's systems read it too.
	if _, err := a.store.SetReturnLabel(ctx, number, store.ReturnLabel{URL: "https://carrier.example/labels/1.pdf", Tracking: "8R-001", Carrier: "Colissimo"}); err != nil {
		t.Fatal(err)
	}
	got = a.call(http.MethodGet, "/api/returns/"+number, nil)
	if l, _ := got.body["label"].(map[string]any); l["url"] != "https://carrier.example/labels/1.pdf" || l["tracking"] != "8R-001" || l["carrier"] != "Colissimo" {
		t.Errorf("GET return's label: %s", got.raw)
	}
}
