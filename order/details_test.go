package order

import (
	"strings"
	"testing"
	"time"
)

// Tests of edit details.

func detailsOrder() (Order, Details) {
	o := sampleOrder()
	o.ShippingFee = 690
	o.Discount = Discount{Kind: DiscountPercent, Percent: 1000}
	o.Customer.Phone = "06 12 34 56 78"
	o.Billing = Address{Name: "Camille Martin", Line1: "3 rue des Lilas", PostalCode: "35000", City: "Rennes", Country: "FR"}
	o.Delivery = o.Billing
	o.Totals = Reprice(o)
	return o, DetailsOf(o)
}

func TestApplyDetailsRefusals(t *testing.T) {
	newDelivery := Address{Name: "Camille Martin", Line1: "12 quai de la Fosse", PostalCode: "44000", City: "Nantes", Country: "FR"}
	now := time.Now()
	tests := []struct {
		name      string
		order     func(*Order)
		edit      DetailsEdit
		field     string
		fragments []string
	}{
		{"empty name", nil, DetailsEdit{Name: ptr("  ")}, "name", []string{"cannot be empty"}},
		{"malformed email", nil, DetailsEdit{Email: ptr("camille@")}, "email", []string{"not an email address"}},
		{"email without domain dot", nil, DetailsEdit{Email: ptr("camille@localhost")}, "email", []string{"not an email"}},
		{"email with a display name", nil, DetailsEdit{Email: ptr("Camille <c@example.fr>")}, "email", []string{"not an email"}},
		{"phone with letters", nil, DetailsEdit{Phone: ptr("06 12 AB")}, "phone", []string{"not a phone number"}},
		{"delivery postal code missing", nil, DetailsEdit{Delivery: &Address{Name: "C", Line1: "1 rue", City: "Nantes"}},
			"delivery_address.postal_code", []string{"postal code is empty"}},
		{"billing French postal code of 4 digits", nil, DetailsEdit{Billing: &Address{Name: "C", Line1: "1 rue", PostalCode: "4400", City: "Nantes"}},
			"billing_address.postal_code", []string{"five digits"}},
		{"delivery after a line shipped", func(o *Order) { o.Lines[0].QtyShipped = 1; o.Logistics = LogisticsPrepared },
			DetailsEdit{Delivery: &newDelivery}, "delivery_address", []string{"already been shipped"}},
		{"delivery while the warehouse prints", func(o *Order) { o.Logistics = LogisticsPrinting },
			DetailsEdit{Delivery: &newDelivery}, "delivery_address", []string{"preparing order C-2026-000123", "can no longer change"}},
		{"delivery once prepared", func(o *Order) { o.Logistics = LogisticsPrepared },
			DetailsEdit{Delivery: &newDelivery}, "delivery_address", []string{"preparing"}},
		{"negative fee", nil, DetailsEdit{ShippingFee: ptr[int64](-100)}, "shipping_fee", []string{"negative", "-€1.00"}},
		{"percent discount above 100", nil, DetailsEdit{Discount: &Discount{Kind: DiscountPercent, Percent: 10001}}, "discount", []string{"100.01%", "above 100"}},
		{"fixed discount above the merchandise", nil, DetailsEdit{Discount: &Discount{Kind: DiscountFixed, Amount: 10861}}, "discount", []string{"€108.61", "€108.60"}},
		{"empty shipping method", nil, DetailsEdit{ShippingMethod: ptr("")}, "shipping_method", []string{"cannot be empty"}},
		{"no change at all", nil, DetailsEdit{Name: ptr(" Camille Martin "), ShippingFee: ptr[int64](690),
			Delivery: &Address{Name: "Camille Martin", Line1: "3 rue des Lilas", PostalCode: "35000", City: "Rennes"}}, "details", []string{"changes nothing"}},
		{"nothing asked", nil, DetailsEdit{}, "details", []string{"changes nothing"}},
		{"held by another procedure", func(o *Order) { o.HoldBy = "modify-content/C-2026-000123/r1" }, DetailsEdit{Name: ptr("Camille Durand")},
			"order", []string{"modify-content/C-2026-000123/r1"}},
		{"archived", func(o *Order) { o.ArchivedAt = &now }, DetailsEdit{Name: ptr("Camille Durand")}, "order", []string{"archived"}},
		{"fee of a cancelled order", func(o *Order) { o.Status = StatusCancelled }, DetailsEdit{ShippingFee: ptr[int64](0)}, "shipping_fee", []string{"cancelled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, cur := detailsOrder()
			if tt.order != nil {
				tt.order(&o)
			}
			_, err := ApplyDetails(o, cur, tt.edit)
			fe := asFieldError(t, err)
			if fe.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", fe.Field, tt.field, err)
			}
			for _, f := range tt.fragments {
				if !strings.Contains(fe.Message, f) {
					t.Errorf("message %q lacks %q", fe.Message, f)
				}
			}
		})
	}
}

func asFieldError(t *testing.T, err error) *FieldError {
	t.Helper()
	fe, ok := err.(*FieldError)
	if !ok {
		t.Fatalf("error = %v (%T), want a *FieldError", err, err)
	}
	return fe
}

func TestApplyDetailsAccepted(t *testing.T) {
	o, cur := detailsOrder()
	// sample: 108,60 merchandise, 10 % off = 10,86, shipping 6,90: 104,64.
	if o.Totals.Total != 10464 {
		t.Fatalf("fixture total %d, want 10464", o.Totals.Total)
	}
	t.Run("address typo: totals unchanged", func(t *testing.T) {
		d := o.Delivery
		d.Line1 = "3 rue des Lilas, bâtiment B"
		res, err := ApplyDetails(o, cur, DetailsEdit{Delivery: &d})
		if err != nil {
			t.Fatal(err)
		}
		if res.MoneyChanged() || !res.DeliveryChanged() || len(res.Changes) != 1 {
			t.Fatalf("result %+v", res)
		}
		c := res.Changes[0]
		if c.Field != "delivery_address" || !strings.Contains(c.Before, "3 rue des Lilas, 35000 Rennes") || !strings.Contains(c.After, "bâtiment B") {
			t.Errorf("change %+v", c)
		}
	})
	t.Run("lower the fee", func(t *testing.T) {
		res, err := ApplyDetails(o, cur, DetailsEdit{ShippingFee: ptr[int64](490)})
		if err != nil {
			t.Fatal(err)
		}
		if res.TotalsAfter.Total != 10264 || res.TotalsAfter.Shipping != 490 {
			t.Errorf("after %+v, want total 102,64", res.TotalsAfter)
		}
		checkVAT(t, res.TotalsAfter)
		if len(res.Changes) != 1 || res.Changes[0].Before != "6,90\u00a0€" || res.Changes[0].After != "4,90\u00a0€" {
			t.Errorf("changes %+v", res.Changes)
		}
		p, err := PreviewDetails(o, cur, DetailsEdit{ShippingFee: ptr[int64](490)}, PaidOnly(10464))
		if err != nil {
			t.Fatal(err)
		}
		if p.Settlement.Refund != 200 || !strings.Contains(p.Summary, "2,00") {
			t.Errorf("preview %+v", p)
		}
	})
	t.Run("discount 10 % to 5,00 €", func(t *testing.T) {
		res, err := ApplyDetails(o, cur, DetailsEdit{Discount: &Discount{Kind: DiscountFixed, Amount: 500}})
		if err != nil {
			t.Fatal(err)
		}
		if res.TotalsAfter.Discount != 500 || res.TotalsAfter.Total != 10860-500+690 {
			t.Errorf("after %+v", res.TotalsAfter)
		}
		checkVAT(t, res.TotalsAfter)
		if c := res.Changes[0]; c.Before != "10\u00a0%" || c.After != "5,00\u00a0€" {
			t.Errorf("change %+v", c)
		}
	})
	t.Run("name, email, phone removed, labels", func(t *testing.T) {
		res, err := ApplyDetails(o, cur, DetailsEdit{Name: ptr("Camille Durand"), Email: ptr("camille.durand@example.fr"), Phone: ptr(""),
			PaymentLabel: ptr("CB en 3 fois"), ShippingMethod: ptr("Colissimo point relais")})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Fields("fr"); got != "nom du client, e-mail du client, téléphone du client, nom du mode de paiement, nom du mode d'expédition" {
			t.Errorf("fields %q", got)
		}
		if res.Changes[3].Before != "Carte bancaire" || res.MoneyChanged() {
			t.Errorf("changes %+v", res.Changes)
		}
	})
	t.Run("name while printing: only the delivery address is locked", func(t *testing.T) {
		p := o
		p.Logistics = LogisticsPrinting
		if _, err := ApplyDetails(p, cur, DetailsEdit{Name: ptr("Camille Durand"), Delivery: &o.Delivery}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParseDiscount(t *testing.T) {
	tests := []struct {
		in   string
		want Discount
		err  bool
	}{
		{"10%", Discount{Kind: DiscountPercent, Percent: 1000}, false},
		{"12,5 %", Discount{Kind: DiscountPercent, Percent: 1250}, false},
		{"5.00", Discount{Kind: DiscountFixed, Amount: 500}, false},
		{"0,10", Discount{Kind: DiscountFixed, Amount: 10}, false},
		{"", Discount{}, false},
		{"0", Discount{}, false},
		{"dix", Discount{}, true},
		{"5.001", Discount{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDiscount(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDiscount(%q) = %+v, %v; want %+v (error %v)", tt.in, got, err, tt.want, tt.err)
		}
	}
}
