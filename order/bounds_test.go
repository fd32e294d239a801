package order

import (
	"errors"
	"testing"
)

// refusedNaming fails unless err is a refusal of field with code key.
func refusedNaming(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != field || string(fe.Code) != key {
		t.Fatalf("%s: %v, want the refusal %s of %q", what, err, key, field)
	}
}

// modify-content adds products and raises quantities one line at a time,
// each within its bounds, but the order's merchandise as a whole must stay
// within MaxOrderTotal too: ten products added at 10 million euros × 100 000
// were accepted, and the VAT split of their gross (gross × 10 000)
// wrapped around int64: a negative net.
func TestModifyContentRefusesAnOrderBeyondTheMaximumTotal(t *testing.T) {
	o := sampleOrder()
	var c ContentChange
	for range 10 {
		c.Add = append(c.Add, NewLine{SKU: "LINGOT", Name: "Lingot", UnitPrice: MaxUnitPrice, Quantity: MaxQuantity, VATRate: 2000, Physical: true})
	}
	_, err := ApplyContentChange(o, c)
	refusedNaming(t, "ten products at the maximum", err, "add[0]", "refusal.order_total_above_max")

	// The same through a raised quantity and price of a line of the order.
	big, q := int64(MaxUnitPrice), int64(MaxQuantity)
	c = ContentChange{Add: []NewLine{{SKU: "LINGOT", Name: "Lingot", UnitPrice: MaxUnitPrice, Quantity: MaxQuantity, VATRate: 2000}},
		Edits: []LineEdit{{LineID: o.Lines[0].ID, UnitPrice: &big, Quantity: &q}}}
	_, err = ApplyContentChange(o, c)
	refusedNaming(t, "a line raised to the maximum beside the others", err, "edits[0]", "refusal.order_total_above_max")

	// One line at the maximum is an order of MaxOrderTotal: taken, and
	// its figures hold.
	c = ContentChange{Add: []NewLine{{SKU: "LINGOT", Name: "Lingot", UnitPrice: MaxUnitPrice, Quantity: MaxQuantity, VATRate: 2000}},
		Quantities: []LineQuantity{{LineID: o.Lines[0].ID, Quantity: 0}, {LineID: o.Lines[1].ID, Quantity: 0}}}
	for _, l := range o.Lines[2:] {
		c.Quantities = append(c.Quantities, LineQuantity{LineID: l.ID, Quantity: 0})
	}
	res, err := ApplyContentChange(o, c)
	if err != nil {
		t.Fatalf("one line at the maximum: %v", err)
	}
	checkVAT(t, res.After)
}

// The VAT split holds for any gross an int64 holds, not only for the
// bounded ones: net is computed on 128 bits.
func TestPriceSplitsVATOfAnyGross(t *testing.T) {
	lines := []Line{{ID: 1, UnitPrice: 4_611_686_018_427_387_903, Quantity: 2, VATRate: 2000}}
	tot := Price(lines, Discount{}, 0, 2000)
	checkVAT(t, tot)
}

// Whatever an agent types into modify-content (prices, quantities, added
// products, any int64), the change is refused naming a field, or its
// figures hold: no negative net, total = net + VAT per rate and in all,
// the merchandise within MaxOrderTotal, nothing wrapped around.
func FuzzContentChangeBounds(f *testing.F) {
	f.Add(int64(1250), int64(2), int64(990), int64(3), uint8(1), int64(0))
	f.Add(int64(MaxUnitPrice), int64(MaxQuantity), int64(MaxUnitPrice), int64(MaxQuantity), uint8(10), int64(1))
	f.Add(int64(1<<62), int64(1<<40), int64(-1), int64(-1<<62), uint8(255), int64(-1))
	f.Add(int64(MaxUnitPrice), int64(MaxQuantity-1), int64(1), int64(1), uint8(0), int64(MaxQuantity))
	f.Fuzz(func(t *testing.T, addPrice, addQty, editPrice, editQty int64, adds uint8, raise int64) {
		o := sampleOrder()
		var c ContentChange
		for i := range int(adds) % 16 {
			c.Add = append(c.Add, NewLine{SKU: "ADD-" + itoa(int64(i)), Name: "Ajout", UnitPrice: addPrice, Quantity: addQty, VATRate: 2000, Physical: true})
		}
		if editPrice != 0 || editQty != 0 {
			c.Edits = append(c.Edits, LineEdit{LineID: o.Lines[0].ID, UnitPrice: &editPrice, Quantity: &editQty})
		}
		if raise != 0 && len(o.Lines) > 1 {
			c.Quantities = append(c.Quantities, LineQuantity{LineID: o.Lines[1].ID, Quantity: raise})
		}
		res, err := ApplyContentChange(o, c)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("refused without naming a field: %v", err)
			}
			return
		}
		if res.After.Merchandise < 0 || res.After.Merchandise > MaxOrderTotal || res.After.Total < 0 {
			t.Fatalf("accepted totals %+v", res.After)
		}
		checkVAT(t, res.After)
		var net, vat int64
		for _, v := range res.After.VAT {
			net, vat = net+v.Net, vat+v.VAT
		}
		if net+vat != res.After.Total {
			t.Fatalf("net %d + VAT %d != total %d", net, vat, res.After.Total)
		}
	})
}
