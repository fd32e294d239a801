package store_test

import (
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// A credit note given its VAT lines credits those rates, not a share of
// every rate of the invoice; capped, with UpToInvoiced, at what the
// invoices net of earlier credit notes leave.
func TestACreditNoteWithItsVATLinesCreditsThoseRates(t *testing.T) {
	s := devstacktest.NewStore(t)
	book := order.Line{SKU: "BOOK-03", Name: "Livre de cuisine lyonnaise", UnitPrice: 2390, Quantity: 1, VATRate: 550, Physical: true}
	o := insert(t, s, newOrder("C-2026-000471", mug, book)) // 25,80 € at 20 %, 23,90 € at 5,5 %, 6,90 € shipping at 20 %
	inv, err := s.CreateInvoice(ctx(t), store.InvoiceRequest{Key: "inv-471", OrderNumber: o.Number, Seller: seller})
	if err != nil {
		t.Fatal(err)
	}
	// The items as they came back: shipped, then returned (what is stored
	// of the shipment does not matter to the credit note).
	shipped := o
	shipped.Lines = append([]order.Line(nil), o.Lines...)
	var bookID int64
	for i, l := range shipped.Lines {
		shipped.Lines[i].QtyShipped = l.Quantity
		if l.SKU == book.SKU {
			bookID = l.ID
		}
	}
	back := order.ReturnCredit(shipped, []order.ReturnLine{{LineID: bookID, Quantity: 1}}, nil, 0, 0)
	// What came back is in the order's ledger before its credit note, as
	// a return's settlement records it.
	cameBack := func(ref string, worth int64) {
		t.Helper()
		if err := s.AddLedgerEntry(ctx(t), store.LedgerEntry{OrderID: o.ID, Kind: order.EntryReturned, Amount: worth, Currency: "EUR", Key: ref + "/settle", Ref: ref}); err != nil {
			t.Fatal(err)
		}
	}
	cameBack("R-2026-000001", back.Total)

	cn, err := s.CreateCreditNote(ctx(t), store.CreditNoteRequest{
		Key: "return/471/credit-note", OrderNumber: o.Number, Reason: "retour d'articles R-2026-000001",
		Seller: seller, UpToInvoiced: true, VAT: back.VAT,
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.GetCreditNote(ctx(t), cn.Number)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Total != 2390 || len(stored.VAT) != 1 || stored.VAT[0].Rate != 550 || stored.VAT[0].Gross != 2390 ||
		stored.Net+stored.VATTotal != 2390 || stored.InvoiceNumber != inv.Number {
		t.Fatalf("the book's credit note: %+v, want 23,90 € at 5,5 %% only against %s", stored, inv.Number)
	}
	again, err := s.CreateCreditNote(ctx(t), store.CreditNoteRequest{
		Key: "return/471/credit-note", OrderNumber: o.Number, Seller: seller, UpToInvoiced: true, VAT: back.VAT,
	})
	if err != nil || again.Number != cn.Number {
		t.Errorf("retry: %s, %v; want %s again", again.Number, err, cn.Number)
	}

	// Everything back with the delivery, credited as if the book had not
	// been: more than the 32,70 € the invoice still leaves. Without
	// UpToInvoiced it is refused on its VAT lines.
	all := order.ReturnCredit(shipped, []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 2}, {LineID: o.Lines[1].ID, Quantity: 1}}, nil, o.ShippingFee, 0)
	cameBack("R-2026-000002", inv.Total-back.Total)
	_, err = s.CreateCreditNote(ctx(t), store.CreditNoteRequest{Key: "return/472", OrderNumber: o.Number, Seller: seller, VAT: all.VAT})
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "vat" {
		t.Errorf("a credit note above what is left: %v, want a refusal on vat", err)
	}
	rest, err := s.CreateCreditNote(ctx(t), store.CreditNoteRequest{Key: "return/473", OrderNumber: o.Number, Seller: seller, UpToInvoiced: true, VAT: all.VAT})
	if err != nil {
		t.Fatal(err)
	}
	if rest.Total != inv.Total-2390 {
		t.Errorf("capped credit note of %d, want what is left (%d)", rest.Total, inv.Total-2390)
	}
	notes, err := s.ListCreditNotes(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	credited := map[int64]int64{}
	for _, n := range notes {
		for _, v := range n.VAT {
			credited[v.Rate] += v.Gross
		}
	}
	for _, v := range inv.VAT {
		if credited[v.Rate] != v.Gross {
			t.Errorf("rate %d: %d credited of %d invoiced, want all of it once everything came back", v.Rate, credited[v.Rate], v.Gross)
		}
	}
	_, err = s.CreateCreditNote(ctx(t), store.CreditNoteRequest{Key: "return/474", OrderNumber: o.Number, Seller: seller, UpToInvoiced: true, VAT: back.VAT})
	if !errors.Is(err, store.ErrNothingToCredit) {
		t.Errorf("nothing left to credit: %v, want ErrNothingToCredit", err)
	}
}
