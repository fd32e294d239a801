package order

import (
	"errors"
	"testing"
)

// Fuzz targets for the arithmetic. Their seeds run with every `go test`;
// `go test -fuzz=FuzzPrice ./order` searches further. Raw fuzz values are
// folded into what the back office can really hold: unit prices up to
// 10 million euros, quantities up to 10 000, the French VAT rates.

var fuzzRates = []int64{0, 210, 550, 850, 1000, 2000}

func fuzzLine(id, price, qty int64, rate uint8) Line {
	return Line{
		ID: id, SKU: "SKU", Name: "Produit",
		UnitPrice: absMod(price, 1_000_000_000+1),
		Quantity:  absMod(qty, 10_000+1),
		VATRate:   fuzzRates[int(rate)%len(fuzzRates)],
		Physical:  true,
	}
}

// absMod folds any int64 into [0, n).
func absMod(v, n int64) int64 {
	v %= n
	if v < 0 {
		v = -v
	}
	return v
}

func fuzzDiscount(kind uint8, amount, percent int64) Discount {
	switch kind % 3 {
	case 1:
		return Discount{Kind: DiscountFixed, Amount: amount} // any amount: negative, huge
	case 2:
		return Discount{Kind: DiscountPercent, Percent: percent} // any percent: negative, above 100 %
	}
	return Discount{}
}

// Totals are never negative, the VAT split adds up exactly per rate and in
// total, each net is the gross divided by (1 + rate) rounded to the nearest
// cent, and the discount shares add up to the discount.
func FuzzPrice(f *testing.F) {
	f.Add(int64(1250), int64(2), uint8(5), int64(2390), int64(1), uint8(2), int64(1990), int64(3), uint8(5), uint8(0), int64(0), int64(0), int64(0), uint8(5))
	f.Add(int64(1250), int64(2), uint8(5), int64(2390), int64(1), uint8(2), int64(1990), int64(3), uint8(5), uint8(1), int64(1000), int64(0), int64(690), uint8(5))
	f.Add(int64(100), int64(1), uint8(0), int64(100), int64(1), uint8(2), int64(100), int64(1), uint8(5), uint8(1), int64(100), int64(0), int64(0), uint8(0))
	f.Add(int64(999), int64(7), uint8(1), int64(1), int64(1), uint8(3), int64(0), int64(0), uint8(4), uint8(2), int64(0), int64(1500), int64(490), uint8(4))
	f.Add(int64(1_000_000_000), int64(10_000), uint8(5), int64(999_999_999), int64(9_999), uint8(2), int64(1), int64(1), uint8(1), uint8(1), int64(1<<62), int64(0), int64(-5), uint8(1))
	// A percentage an agent mistyped: 10^15 basis points overflowed merchandise × percent.
	f.Add(int64(1_000_000_000), int64(10_000), uint8(5), int64(0), int64(0), uint8(0), int64(0), int64(0), uint8(0), uint8(2), int64(0), int64(1_000_000_000_000_000), int64(0), uint8(5))
	f.Fuzz(func(t *testing.T, p1, q1 int64, r1 uint8, p2, q2 int64, r2 uint8, p3, q3 int64, r3 uint8, kind uint8, amount, percent, fee int64, shipRate uint8) {
		lines := []Line{fuzzLine(1, p1, q1, r1), fuzzLine(2, p2, q2, r2), fuzzLine(3, p3, q3, r3)}
		d := fuzzDiscount(kind, amount, percent)
		fee %= 1_000_000_000
		svat := fuzzRates[int(shipRate)%len(fuzzRates)]
		tot := Price(lines, d, fee, svat)

		if tot.Merchandise < 0 || tot.Discount < 0 || tot.Discount > tot.Merchandise || tot.Shipping < 0 || tot.Total < 0 {
			t.Fatalf("negative or impossible totals %+v", tot)
		}
		checkVAT(t, tot)
		for _, v := range tot.VAT {
			// |net × (1 + r) - gross| is at most half a cent of the divisor.
			if diff := v.Net*(10000+v.Rate) - v.Gross*10000; 2*diff > 10000+v.Rate || -2*diff > 10000+v.Rate {
				t.Errorf("rate %d: net %d is not gross %d / (1 + rate) rounded", v.Rate, v.Net, v.Gross)
			}
		}
		// What each rate lost to the discount.
		gross := map[int64]int64{}
		for _, l := range lines {
			gross[l.VATRate] += l.Total()
		}
		if tot.Shipping > 0 {
			gross[svat] += tot.Shipping
		}
		var shared int64
		for r, g := range gross {
			var after int64
			for _, v := range tot.VAT {
				if v.Rate == r {
					after = v.Gross
				}
			}
			share := g - after
			if share < 0 {
				t.Errorf("rate %d gained %d from the discount", r, -share)
			}
			shared += share
		}
		if shared != tot.Discount {
			t.Errorf("the rates share %d of a %d discount", shared, tot.Discount)
		}
	})
}

// Removing products or lowering quantities never raises the merchandise
// total; what left plus what stays is what was ordered; the new totals keep
// every invariant of Price.
func FuzzApplyContentChange(f *testing.F) {
	f.Add(int64(1250), int64(2), int64(2390), int64(1), int64(1990), int64(3), uint8(3), int64(2), int64(1), int64(0), uint8(0), int64(0), int64(690), int64(6000), true)
	f.Add(int64(1250), int64(2), int64(2390), int64(1), int64(1990), int64(3), uint8(1), int64(1), int64(0), int64(0), uint8(1), int64(5000), int64(690), int64(6000), false)
	f.Add(int64(1250), int64(2), int64(2390), int64(1), int64(1990), int64(3), uint8(7), int64(0), int64(0), int64(0), uint8(2), int64(1000), int64(690), int64(6000), true)
	f.Add(int64(5), int64(10_000), int64(0), int64(3), int64(1_000_000_000), int64(1), uint8(6), int64(9_999), int64(1), int64(0), uint8(2), int64(9_999), int64(490), int64(0), true)
	f.Fuzz(func(t *testing.T, p1, q1, p2, q2, p3, q3 int64, which uint8, n1, n2, n3 int64, kind uint8, dv, fee, freeFrom int64, recalc bool) {
		o := sampleOrder()
		o.Lines = []Line{fuzzLine(11, p1, q1, 5), fuzzLine(12, p2, q2, 2), fuzzLine(13, p3, q3, 0)}
		o.Discount = fuzzDiscount(kind, dv, dv)
		o.ShippingRules = ShippingRules{Fee: absMod(fee, 100_000), FreeFrom: absMod(freeFrom, 1_000_000), VATRate: 2000}
		o.ShippingFee = ShippingFee(o.ShippingRules, MerchandiseTotal(o.Lines))
		var c ContentChange
		c.RecalcShipping = recalc
		for i, n := range []int64{n1, n2, n3} {
			if which&(1<<i) != 0 {
				l := o.Lines[i]
				c.Quantities = append(c.Quantities, LineQuantity{LineID: l.ID, Quantity: absMod(n, l.Quantity+1)})
			}
		}
		res, err := ApplyContentChange(o, c)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("a lowering change was refused without a field: %v", err)
			}
			return
		}
		if res.After.Merchandise > res.Before.Merchandise {
			t.Errorf("merchandise rose from %d to %d", res.Before.Merchandise, res.After.Merchandise)
		}
		if got := res.After.Merchandise + MerchandiseTotal(res.Removed); got != res.Before.Merchandise {
			t.Errorf("kept %d + removed %d != ordered %d", res.After.Merchandise, MerchandiseTotal(res.Removed), res.Before.Merchandise)
		}
		if res.After.Discount > res.Before.Discount {
			t.Errorf("discount rose from %d to %d", res.Before.Discount, res.After.Discount)
		}
		if len(res.Removed) == 0 || len(res.Lines) == 0 {
			t.Errorf("accepted change removed %d lines and kept %d", len(res.Removed), len(res.Lines))
		}
		for _, l := range append(append([]Line(nil), res.Removed...), res.Lines...) {
			if l.Quantity <= 0 {
				t.Errorf("line %d listed with quantity %d", l.ID, l.Quantity)
			}
		}
		if !recalc && res.After.Shipping != o.ShippingFee {
			t.Errorf("recalculation off, yet the fee moved from %d to %d", o.ShippingFee, res.After.Shipping)
		}
		if res.Shipping.Before != o.ShippingFee || res.Shipping.After != res.After.Shipping {
			t.Errorf("shipping change %+v does not match the fee %d -> %d", res.Shipping, o.ShippingFee, res.After.Shipping)
		}
		if res.After.Total < 0 {
			t.Errorf("negative total %+v", res.After)
		}
		checkVAT(t, res.After)
	})
}

// Settle never refunds more than was paid net, never gives a negative
// refund or balance, and refund or balance bridge exactly what was paid
// and the new total.
func FuzzSettle(f *testing.F) {
	f.Add(int64(10860), int64(5580))
	f.Add(int64(4890), int64(5580))
	f.Add(int64(0), int64(0))
	f.Add(int64(10860), int64(-500))
	f.Add(int64(-100), int64(-200)) // gave a refund of -1,00 € before the fix
	f.Add(int64(-200), int64(-100)) // gave a balance of -1,00 €
	f.Add(int64(1<<63-1), int64(-1<<63))
	f.Fuzz(func(t *testing.T, paidNet, newTotal int64) {
		s := Settle(paidNet, newTotal)
		if s.Refund < 0 || s.BalanceDue < 0 {
			t.Fatalf("Settle(%d, %d) = %+v: negative", paidNet, newTotal, s)
		}
		if s.Refund > max(paidNet, 0) {
			t.Fatalf("Settle(%d, %d) refunds %d, more than paid net", paidNet, newTotal, s.Refund)
		}
		if s.Refund > 0 && s.BalanceDue > 0 {
			t.Fatalf("Settle(%d, %d) = %+v: both a refund and a balance", paidNet, newTotal, s)
		}
		if s.Refund > 0 {
			if err := CheckRefund(s.Refund, paidNet); err != nil {
				t.Fatalf("CheckRefund refuses Settle's refund: %v", err)
			}
		}
		if paidNet >= 0 && newTotal >= 0 && paidNet-s.Refund+s.BalanceDue != newTotal {
			t.Fatalf("Settle(%d, %d) = %+v does not bridge paid and total", paidNet, newTotal, s)
		}
	})
}

// Whatever a person types, ParseCents gives a non-negative amount or an
// error, and the French rendering of that amount reads back the same.
func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"12,34", "1 234,5", "1\u202f234,56\u00a0€", "€12.34", "", ",", "-5", "1,234.56", "99999999999999999999", "11258999068426,24"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCents(s)
		if err != nil {
			return
		}
		if c < 0 {
			t.Fatalf("ParseCents(%q) = %d", s, c)
		}
		for _, again := range []string{EUR(c).French(), EUR(c).Format("fr")} {
			if back, err := ParseCents(again); err != nil || back != c {
				t.Fatalf("ParseCents(%q) = %d, but %q reads back as %d, %v", s, c, again, back, err)
			}
		}
	})
}

// Edits and additions keep every invariant of Price, the preview is what
// the procedure applies, the added lines are new (ID 0) and a refund the
// preview announces never exceeds what was paid net.
func FuzzContentEdits(f *testing.F) {
	f.Add(int64(1250), int64(2), int64(1100), int64(3), uint8(1), "CAP-01", int64(1500), int64(2), uint8(4), int64(0), int64(10860), uint8(2), int64(1000), true)
	f.Add(int64(1), int64(1), int64(0), int64(1), uint8(0), "", int64(0), int64(0), uint8(0), int64(1), int64(0), uint8(1), int64(5000), false)
	f.Add(int64(1_000_000_000), int64(10_000), int64(-1), int64(100_001), uint8(3), "X", int64(1_000_000_001), int64(100_000), uint8(9), int64(2), int64(-5), uint8(0), int64(0), true)
	f.Fuzz(func(t *testing.T, p1, q1, newPrice, newQty int64, what uint8, sku string, addPrice, addQty int64, addRate uint8, removeLine, paidNet int64, kind uint8, dv int64, recalc bool) {
		o := sampleOrder()
		o.Lines = []Line{fuzzLine(11, p1, q1, 5), o.Lines[1], o.Lines[2]}
		o.Discount = fuzzDiscount(kind, dv, dv)
		o.ShippingFee = ShippingFee(o.ShippingRules, MerchandiseTotal(o.Lines))
		c := ContentChange{RecalcShipping: recalc}
		e := LineEdit{LineID: 11}
		if what&1 != 0 {
			e.UnitPrice = &newPrice
		}
		if what&2 != 0 {
			e.Quantity = &newQty
		}
		if what&4 != 0 {
			e.SKU = &sku
		}
		if what&3 != 0 || what&4 != 0 {
			c.Edits = append(c.Edits, e)
		}
		if what&8 != 0 {
			c.Add = append(c.Add, NewLine{SKU: sku, Name: "Ajout", UnitPrice: addPrice, Quantity: addQty, VATRate: int64(addRate) * 250})
		}
		if what&16 != 0 {
			c.Quantities = append(c.Quantities, LineQuantity{LineID: 12 + absMod(removeLine, 2), Quantity: 0})
		}
		p, err := Preview(o, c, PaidOnly(paidNet))
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("refused without a field: %v", err)
			}
			return
		}
		res := p.Result
		checkVAT(t, res.After)
		if res.After.Total < 0 || res.After.Discount > res.After.Merchandise {
			t.Fatalf("impossible totals %+v", res.After)
		}
		if recalc && res.After.Shipping != ShippingFee(o.ShippingRules, res.After.Merchandise) {
			t.Errorf("shipping %d is not the order's rules for %d", res.After.Shipping, res.After.Merchandise)
		}
		if !recalc && res.After.Shipping != o.ShippingFee {
			t.Errorf("shipping moved from %d to %d with recalculation off", o.ShippingFee, res.After.Shipping)
		}
		for _, l := range res.Added {
			if l.ID != 0 || l.Quantity < 1 || l.UnitPrice < 0 || !ValidVATRate(l.VATRate) {
				t.Errorf("bad added line %+v", l)
			}
		}
		for _, l := range res.Lines {
			if l.Remaining() < 0 || l.UnitPrice < 0 || l.SKU == "" {
				t.Errorf("bad line %+v", l)
			}
		}
		if p.Settlement.Refund > max(paidNet, 0) || p.Settlement.Refund < 0 || p.Settlement.BalanceDue < 0 {
			t.Errorf("settlement %+v for paid net %d", p.Settlement, paidNet)
		}
		if (p.ShippingNote == "") == res.Shipping.Changed() {
			t.Errorf("shipping note %q for %+v", p.ShippingNote, res.Shipping)
		}
	})
}

// A cancellation never refunds more than was paid net: neither the default
// refund nor any amount Validate accepts. The totals only go down, what is
// cancelled plus what stays is what was there, and every invariant of
// Price holds.
func FuzzCancel(f *testing.F) {
	f.Add(int64(1250), int64(2), int64(1), int64(1), int64(2), int64(0), int64(1), int64(10860), int64(500), true, uint8(0), int64(0), uint8(0))
	f.Add(int64(1250), int64(2), int64(2), int64(1), int64(3), int64(1), int64(0), int64(3580), int64(3580), false, uint8(1), int64(1000), uint8(1))
	f.Add(int64(999), int64(7), int64(7), int64(0), int64(0), int64(0), int64(0), int64(0), int64(1), true, uint8(2), int64(1500), uint8(2))
	f.Add(int64(1_000_000_000), int64(10_000), int64(9_999), int64(1), int64(3), int64(2), int64(1), int64(1<<62), int64(1<<62), true, uint8(1), int64(1<<62), uint8(3))
	f.Fuzz(func(t *testing.T, price, qty, c1, c2, c3, shipped, cancelled, paidNet, refund int64, refundShipping bool, kind uint8, dv int64, status uint8) {
		o := sampleOrder()
		o.Lines = append([]Line{fuzzLine(11, price, qty, 5)}, o.Lines[1:]...)
		o.Lines[0].QtyShipped = absMod(shipped, o.Lines[0].Quantity+1)
		o.Lines[0].QtyCancelled = absMod(cancelled, o.Lines[0].Quantity-o.Lines[0].QtyShipped+1)
		o.Discount = fuzzDiscount(kind, dv, dv)
		o.ShippingFee = 690
		o.Status = []Status{StatusPaid, StatusAwaitingPayment, StatusPartiallyShipped, StatusNew}[status%4]
		r := CancelRequest{RefundShipping: refundShipping, Reason: "geste"}
		for i, q := range []int64{c1, c2, c3} {
			r.Cancel = append(r.Cancel, LineQuantity{LineID: o.Lines[i].ID, Quantity: absMod(q, o.Lines[i].Cancellable()+1)})
		}
		def := DefaultRefund(o, r, PaidOnly(paidNet))
		if def < 0 || def > max(paidNet, 0) {
			t.Fatalf("DefaultRefund = %d for paid net %d", def, paidNet)
		}
		r.Refund = refund
		if err := r.Validate(o, paidNet); err == nil && (r.Refund > paidNet || r.Refund < 0) {
			t.Fatalf("Validate accepted a refund of %d on %d paid net", r.Refund, paidNet)
		}
		r.Refund = def
		if err := r.Validate(o, paidNet); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("refused without a field: %v", err)
			}
			return
		}
		res, err := ApplyCancel(o, r)
		if err != nil {
			t.Fatalf("ApplyCancel refuses what Validate accepted: %v", err)
		}
		checkVAT(t, res.After)
		if res.After.Total > res.Before.Total || res.After.Merchandise+MerchandiseTotal(res.Cancelled) != res.Before.Merchandise {
			t.Errorf("before %+v after %+v cancelled %+v", res.Before, res.After, res.Cancelled)
		}
		if res.Refund > paidNet {
			t.Errorf("refund %d above paid net %d", res.Refund, paidNet)
		}
		for _, l := range res.Lines {
			if l.Remaining() < l.Delivered() {
				t.Errorf("line %+v cancelled shipped items", l)
			}
		}
	})
}
