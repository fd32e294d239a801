package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

func TestShipLineFlags(t *testing.T) {
	o := order.Order{Number: "C-2026-000101", Lines: []order.Line{{ID: 7, SKU: "MUG-01"}, {ID: 8, SKU: "TSH-M"}}}
	got, err := parseShipLines(o, []string{"MUG-01=2", "8=1"})
	if err != nil || len(got) != 2 || got[0] != (order.LineQuantity{LineID: 7, Quantity: 2}) || got[1] != (order.LineQuantity{LineID: 8, Quantity: 1}) {
		t.Fatalf("parseShipLines = %v, %v", got, err)
	}
	for in, want := range map[string]string{
		"MUG-01":     "write SKU=QTY",
		"MUG-01=two": "not a whole number",
		"BOL-02=1":   "its products: MUG-01, TSH-M",
	} {
		_, err := parseShipLines(o, []string{in})
		var fe *order.FieldError
		if !errors.As(err, &fe) || fe.Field != "line" || !strings.Contains(fe.Message, want) {
			t.Errorf("--line %s: %v, want a --line error saying %q", in, err, want)
		}
		if d := describe(err, locale.For(locale.French)); !strings.HasPrefix(d, "--line : « "+in+" » : ") {
			t.Errorf("--line %s is told as %q", in, d)
		}
	}
}
