package devstack

import (
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// TestDemoOrders checks the demo has what a newcomer needs to try every
// list filter and the modify-content slice, and that its money adds up.
func TestDemoOrders(t *testing.T) {
	orders := DemoOrders()
	if len(orders) < 24 {
		t.Fatalf("%d demo orders, want at least 24", len(orders))
	}
	numbers := map[string]bool{}
	statuses := map[order.Status]int{}
	logistics := map[order.LogisticsStatus]int{}
	means := map[order.PaymentMethod]int{}
	english, justAboveFree := 0, 0
	for _, d := range orders {
		o := d.Order
		if numbers[o.Number] {
			t.Errorf("order number %s used twice", o.Number)
		}
		numbers[o.Number] = true
		statuses[o.Status]++
		logistics[o.Logistics]++
		means[o.PaymentMethod]++
		if o.Customer.Locale == "en" {
			english++
		}
		if !strings.HasSuffix(o.Customer.Email, "@example.fr") || strings.ContainsAny(o.Customer.Email, "éèçô ") {
			t.Errorf("%s: email %q", o.Number, o.Customer.Email)
		}
		if want := order.Price(o.Lines, o.Discount, order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines)), o.ShippingRules.VATRate); want.Total != o.Totals.Total {
			t.Errorf("%s: total %d, priced %d", o.Number, o.Totals.Total, want.Total)
		}
		var gross int64
		for _, v := range o.Totals.VAT {
			gross += v.Gross
		}
		if gross != o.Totals.Total {
			t.Errorf("%s: VAT lines add up to %d, total %d", o.Number, gross, o.Totals.Total)
		}
		switch o.Status {
		case order.StatusPaid, order.StatusPartiallyShipped, order.StatusShipped, order.StatusCompleted:
			if d.Payment == nil || d.Payment.Amount != o.Totals.Total || d.Payment.Method != o.PaymentMethod {
				t.Errorf("%s (%s): payment %+v, want %d by %s", o.Number, o.Status, d.Payment, o.Totals.Total, o.PaymentMethod)
			}
		default:
			if d.Payment != nil {
				t.Errorf("%s (%s) has a payment", o.Number, o.Status)
			}
		}
		if r := o.ShippingRules; r.FreeFrom > 0 && o.Totals.Merchandise >= r.FreeFrom && o.Totals.Merchandise < r.FreeFrom+800 {
			justAboveFree++
		}
	}
	for _, s := range []order.Status{order.StatusNew, order.StatusAwaitingPayment, order.StatusPaid, order.StatusPartiallyShipped, order.StatusShipped, order.StatusCompleted, order.StatusCancelled} {
		if statuses[s] == 0 {
			t.Errorf("no demo order is %s", s)
		}
	}
	for _, s := range order.LogisticsStatuses {
		if logistics[s] == 0 {
			t.Errorf("no demo order is %s", s)
		}
	}
	if logistics[order.LogisticsAwaitingPrinting] <= len(orders)/2 {
		t.Errorf("%d of %d orders awaiting printing, want most", logistics[order.LogisticsAwaitingPrinting], len(orders))
	}
	for _, m := range []order.PaymentMethod{order.PayCard, order.PayPayPal, order.PayCheque, order.PayBankTransfer, order.PayStripe, order.PayHiPay} {
		if means[m] == 0 {
			t.Errorf("no demo order paid by %s", m)
		}
	}
	if english != 2 {
		t.Errorf("%d English-speaking customers, want 2", english)
	}
	if justAboveFree < 3 {
		t.Errorf("%d orders just above their free-shipping threshold, want at least 3", justAboveFree)
	}
}

// TestDemoSliceOrder: the README's example loses free shipping when one mug
// is taken out, so the refund is 8,00 €, not the mug's 14,90 €.
func TestDemoSliceOrder(t *testing.T) {
	o := DemoOrders()[0].Order
	if o.Number != DemoOrderNumber || o.PaymentMethod != order.PayCard || o.Logistics != order.LogisticsAwaitingPrinting {
		t.Fatalf("first demo order: %s %s %s", o.Number, o.PaymentMethod, o.Logistics)
	}
	for i := range o.Lines {
		o.Lines[i].ID = int64(i + 1)
	}
	res, err := order.ApplyContentChange(o, order.ContentChange{
		Quantities:     []order.LineQuantity{{LineID: 1, Quantity: 1}}, // MUG-BRE-01: 2 -> 1
		RecalcShipping: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Shipping.FreeShippingLost() {
		t.Errorf("shipping %+v: want free shipping lost", res.Shipping)
	}
	if s := order.Settle(res.Before.Total, res.After.Total); s.Refund != 800 {
		t.Errorf("refund %d, want 800 (14,90 € - 6,90 € shipping)", s.Refund)
	}
}
