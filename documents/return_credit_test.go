package documents_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/documents"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// returnNote is the credit note of a return from the order of invoice():
// the VAT lines are order.ReturnCredit's for the lines accepted, with the
// delivery refunded and the return's cost kept.
func returnNote(t *testing.T, accepted []order.ReturnLine, delivery, cost int64) store.CreditNote {
	t.Helper()
	inv := invoice()
	o := order.Order{
		Number: inv.OrderNumber, Currency: "EUR", ShippingFee: 690,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, VATRate: 2000},
	}
	for i, l := range inv.Lines[:2] {
		o.Lines = append(o.Lines, order.Line{ID: int64(i + 1), SKU: l.SKU, Name: l.Description, UnitPrice: l.UnitPrice,
			Quantity: l.Quantity, VATRate: l.VATRate, Physical: true, QtyShipped: l.Quantity})
	}
	if got := order.Reprice(o); got.Total != inv.Total {
		t.Fatalf("the order %+v is not the one invoiced (%d)", got, inv.Total)
	}
	credit := order.ReturnCredit(o, accepted, nil, delivery, cost)
	c := store.CreditNote{
		Number: "A-2026-000011", InvoiceNumber: inv.Number, OrderNumber: inv.OrderNumber, Currency: "EUR",
		Reason: "retour d'articles R-2026-000003", Seller: seller, Customer: inv.Customer, BillingAddress: inv.BillingAddress,
		VAT: credit.VAT, Total: credit.Total, IssuedAt: time.Date(2026, 3, 28, 9, 0, 0, 0, time.UTC),
	}
	for _, v := range credit.VAT {
		c.Net += v.Net
		c.VATTotal += v.VAT
	}
	return c
}

func render(t *testing.T, c store.CreditNote) string {
	t.Helper()
	b, err := documents.CreditNote(c)
	if err != nil {
		t.Fatal(err)
	}
	return text(t, b)
}

// The cookbook (5,5 %) returned alone from an order with two mugs (20 %):
// the credit note's VAT table has the 5,5 % rate only.
func TestTheCreditNoteOfAReturnedBookShowsOnlyItsRate(t *testing.T) {
	got := render(t, returnNote(t, []order.ReturnLine{{LineID: 2, Quantity: 1}}, 0, 0))
	// 9,90 € at 5,5 %: 9,38 € net, 0,52 € of VAT.
	for _, w := range []string{"AVOIR", "Facture d'origine F-2026-000042", "retour d'articles R-2026-000003", "5,5 %", "9,38 €", "0,52 €", "9,90 €", "Total de l'avoir TTC"} {
		if !strings.Contains(got, w) {
			t.Errorf("the credit note of the book does not show %q; its text:\n%s", w, got)
		}
	}
	if strings.Contains(got, "20 %") {
		t.Errorf("the mugs did not come back, yet the credit note shows their 20 %% rate:\n%s", got)
	}

	// A mug back as well: now both rates, each with its own part.
	both := render(t, returnNote(t, []order.ReturnLine{{LineID: 1, Quantity: 1}, {LineID: 2, Quantity: 1}}, 0, 0))
	for _, w := range []string{"5,5 %", "20 %", "12,50 €", "22,40 €"} {
		if !strings.Contains(both, w) {
			t.Errorf("a mug and the book back: the credit note does not show %q; its text:\n%s", w, both)
		}
	}
}

// A return's cost kept, with nothing at 20 % coming back, is a charge at
// the shipping rate: the 20 % row is negative and the total is what the
// customer gets back.
func TestTheReturnCostShowsAsANegativeRowAtTheShippingRate(t *testing.T) {
	c := returnNote(t, []order.ReturnLine{{LineID: 2, Quantity: 1}}, 0, 490)
	got := render(t, c)
	for _, w := range []string{"5,5 %", "20 %", "-4,90 €", "5,00 €"} {
		if !strings.Contains(got, w) {
			t.Errorf("the book back, 4,90 € kept: the credit note does not show %q; its text:\n%s", w, got)
		}
	}
	if c.Total != 990-490 {
		t.Errorf("credit note of %d, want 9,90 € - 4,90 €", c.Total)
	}
}
