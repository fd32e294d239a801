package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

// TestAPIShipments: the warehouse reports a parcel; the order becomes
// partially shipped with the parcel's carrier and tracking number; the
// same call retried records nothing more; bad calls name their field and
// record nothing.
func TestAPIShipments(t *testing.T) {
	a := newAPIApp(t)
	ctx := context.Background()
	number := newOrderNumber()
	if got := a.call(http.MethodPost, "/api/orders", storefrontOrder(number)); got.code != http.StatusCreated {
		t.Fatalf("POST order: %d %s", got.code, got.raw)
	}
	path := "/api/orders/" + number + "/shipments"
	o, err := a.store.GetOrder(ctx, number)
	if err != nil {
		t.Fatal(err)
	}

	for _, bad := range []struct {
		body  map[string]any
		field string
		code  string // the refusal's code, when the test names it
		says  string
	}{
		{map[string]any{"carrier": "Colissimo"}, "request_id", "refusal.parcel_id_missing", "parcel's id in request_id"},
		{map[string]any{"request_id": "p-0", "carrier": "Colissimo", "lines": []any{map[string]any{"sku": "NOPE", "quantity": 1}}}, "lines[0].sku", "refusal.order_no_product", "has no product NOPE"},
		{map[string]any{"request_id": "p-0", "carrier": "Colissimo", "lines": []any{map[string]any{"sku": "MUG-01", "quantity": 3}}}, "ship[0]", "", ""},
		{map[string]any{"request_id": "p-0", "lines": []any{map[string]any{"sku": "MUG-01", "quantity": 1}}}, "carrier", "", ""},
	} {
		got := a.call(http.MethodPost, path, bad.body)
		if got.code != http.StatusUnprocessableEntity || got.str("field") != bad.field || (bad.code != "" && got.str("code") != bad.code) || !strings.Contains(got.str("error"), bad.says) {
			t.Errorf("%v: %d %s, want 422 on %s, code %q saying %q", bad.body, got.code, got.raw, bad.field, bad.code, bad.says)
		}
	}
	if got := a.call(http.MethodPost, "/api/orders/C-2026-999999/shipments", map[string]any{"request_id": "p-0", "carrier": "DPD"}); got.code != http.StatusNotFound {
		t.Errorf("unknown order: %d %s", got.code, got.raw)
	}
	if ships, _ := a.store.ListShipments(ctx, o.ID); len(ships) != 0 {
		t.Fatalf("refused calls recorded %d shipments", len(ships))
	}

	parcel := map[string]any{"request_id": "parcel-6A123", "carrier": "Colissimo", "tracking": "6A123",
		"lines": []any{map[string]any{"sku": "MUG-01", "quantity": 2}}, "actor": "entrepôt Lyon"}
	got := a.call(http.MethodPost, path, parcel)
	if got.code != http.StatusAccepted || !strings.HasPrefix(got.str("workflow_id"), "fulfil/"+number+"/") || got.body["existing"] != false {
		t.Fatalf("POST shipment: %d %s", got.code, got.raw)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		o, err = a.store.GetOrder(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == order.StatusPartiallyShipped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the order is still %s", o.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	ships, err := a.store.ListShipments(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ships) != 1 || ships[0].Carrier != "Colissimo" || ships[0].Tracking != "6A123" || o.Lines[0].QtyShipped != 2 || o.Lines[1].QtyShipped != 0 {
		t.Fatalf("after the parcel: %+v, shipped %d and %d", ships, o.Lines[0].QtyShipped, o.Lines[1].QtyShipped)
	}

	// The warehouse's call timed out and is sent again.
	again := a.call(http.MethodPost, path, parcel)
	if again.code != http.StatusAccepted || again.str("workflow_id") != got.str("workflow_id") || again.body["existing"] != true {
		t.Fatalf("the same parcel again: %d %s", again.code, again.raw)
	}
	if ships, _ := a.store.ListShipments(ctx, o.ID); len(ships) != 1 {
		t.Fatalf("the retried call recorded %d shipments", len(ships))
	}
}
