package main

import (
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// TestEditFlags: `orderdesk edit` reads amounts to the cent without
// floats, keeps the name on an address, and names the flag at fault.
func TestEditFlags(t *testing.T) {
	cur := order.Details{Delivery: order.Address{Name: "Camille Martin", Line1: "3 rue des Lila", PostalCode: "35000", City: "Rennes", Country: "FR"}}
	e, err := parseDetailsFlags(map[string]string{"shipping-fee": "4,90", "discount": "10%", "delivery": "3 rue des Lilas|35000|Rennes", "phone": ""}, cur)
	if err != nil {
		t.Fatal(err)
	}
	if *e.ShippingFee != 490 || *e.Discount != (order.Discount{Kind: order.DiscountPercent, Percent: 1000}) || *e.Phone != "" || e.Name != nil {
		t.Errorf("edit %+v", e)
	}
	if d := e.Delivery; d.Name != "Camille Martin" || d.Line1 != "3 rue des Lilas" || d.Country != "FR" {
		t.Errorf("delivery %+v", d)
	}
	for flags, field := range map[string]string{"shipping-fee": "shipping-fee", "discount": "discount", "delivery": "delivery"} {
		_, err := parseDetailsFlags(map[string]string{flags: "4,9x|"}, cur)
		var fe *order.FieldError
		if !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("--%s 4,9x|: %v, want a refusal of --%s", flags, err, field)
		}
	}
	if got := describe(cliField(order.Fieldf("delivery_address.postal_code", "the postal code is empty")), en); got != "--delivery: the postal code is empty" {
		t.Errorf("describe = %q", got)
	}
}
