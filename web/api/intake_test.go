package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// An order PostgreSQL cannot store (a NUL byte in the customer's name) or
// whose amounts do not fit (ten lines at the largest price and quantity:
// the VAT of their total overflows) is refused before anything is written,
// naming the member at fault, as any other bad input is: never a 500 from
// the database, never an order recorded with a negative net.
func TestAPIRefusesAnOrderItCannotStoreOrPrice(t *testing.T) {
	a := newAPIApp(t)
	tests := []struct {
		name   string
		change func(o map[string]any)
		field  string
		says   string
	}{
		{"NUL in the customer's name", func(o map[string]any) {
			o["customer"].(map[string]any)["name"] = "Camille\x00Martin"
		}, "customer.name", "control character"},
		{"a total whose VAT overflows", func(o map[string]any) {
			var lines []any
			for i := range 10 {
				lines = append(lines, map[string]any{"sku": "GOLD-" + string(rune('A'+i)), "name": "Lingot", "unit_price_cents": 1_000_000_000, "quantity": 100_000, "vat_rate_bp": 2000, "physical": true})
			}
			o["lines"] = lines
		}, "lines", "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := unpaidOrder(newOrderNumber())
			delete(o, "total_cents")
			tt.change(o)
			got := a.call(http.MethodPost, "/api/orders", o)
			if got.code != http.StatusUnprocessableEntity || got.str("field") != tt.field || !strings.Contains(got.str("error"), tt.says) {
				t.Fatalf("%d field %q error %q; want 422 on %s saying %q\n%s", got.code, got.str("field"), got.str("error"), tt.field, tt.says, got.raw)
			}
		})
	}
	if n := countOrders(t, a.store); n != 0 {
		t.Fatalf("%d orders written by refused requests", n)
	}
	if es, _ := a.store.ListOutbox(context.Background(), 10); len(es) != 0 {
		t.Fatalf("emails written by refused requests: %+v", es)
	}
}
