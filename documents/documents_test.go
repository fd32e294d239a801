package documents_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/orderdesk/orderdesk/documents"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

var seller = store.Seller{
	Name:      "Boutique du Vieux Lyon SARL",
	Address:   order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
	SIRET:     "12345678900012",
	VATNumber: "FR32123456789",
	Email:     "contact@vieuxlyon.test",
}

// text extracts the text of a PDF, page by page, the way a reader would
// copy it.
func text(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 20)])
	}
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("reading the PDF: %v", err)
	}
	plain, err := r.GetPlainText()
	if err != nil {
		t.Fatalf("extracting text: %v", err)
	}
	out, err := io.ReadAll(plain)
	if err != nil {
		t.Fatal(err)
	}
	// Amounts are drawn with no-break spaces; compare with plain ones.
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(string(out))
}

// invoice is the invoice of two mugs at 12,50 €, a cookbook at 9,90 €
// (5,5 %) and 6,90 € shipping, priced by order.Price.
func invoice() store.Invoice {
	lines := []order.Line{
		{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000},
		{SKU: "LIV-07", Name: "Livre de recettes lyonnaises", UnitPrice: 990, Quantity: 1, VATRate: 550},
	}
	tot := order.Price(lines, order.Discount{}, 690, 2000)
	inv := store.Invoice{
		Number: "F-2026-000042", OrderNumber: "C-2026-000123", Status: store.InvoiceIssued, Currency: "EUR",
		Seller: seller, Customer: order.Customer{Name: "Élodie Martin", Email: "elodie@example.fr"},
		BillingAddress: order.Address{Name: "Élodie Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Lines: []store.InvoiceLine{
			{SKU: "MUG-01", Description: "Mug Tour Eiffel", Quantity: 2, UnitPrice: 1250, VATRate: 2000, Total: 2500},
			{SKU: "LIV-07", Description: "Livre de recettes lyonnaises", Quantity: 1, UnitPrice: 990, VATRate: 550, Total: 990},
			{Description: "Frais de port (Colissimo domicile)", Quantity: 1, UnitPrice: 690, VATRate: 2000, Total: 690},
		},
		VAT:         tot.VAT,
		Total:       tot.Total,
		PaymentLink: "https://pay.example.test/i/F-2026-000042",
		IssuedAt:    time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC),
	}
	for _, v := range tot.VAT {
		inv.Net += v.Net
		inv.VATTotal += v.VAT
	}
	return inv
}

func TestInvoicePDFShowsNumberLinesAndTotals(t *testing.T) {
	inv := invoice()
	if inv.Net+inv.VATTotal != inv.Total || inv.Total != 4180 {
		t.Fatalf("fixture: net %d + VAT %d != total %d", inv.Net, inv.VATTotal, inv.Total)
	}
	b, err := documents.Invoice(inv)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, b)
	want := []string{
		"FACTURE", "F-2026-000042", "Commande C-2026-000123", "14/03/2026",
		// The seller's identity.
		"Boutique du Vieux Lyon SARL", "SIRET : 12345678900012", "FR32123456789",
		// The customer.
		"Élodie Martin", "12 rue des Lilas", "69003 Lyon",
		// The lines.
		"Mug Tour Eiffel (MUG-01)", "12,50 €", "25,00 €", "Livre de recettes lyonnaises (LIV-07)", "9,90 €",
		"Frais de port (Colissimo domicile)", "6,90 €",
		// VAT per rate: 20 % on 31,90 € = 26,58 + 5,32; 5,5 % on 9,90 € = 9,38 + 0,52.
		"20 %", "26,58 €", "5,32 €", "31,90 €", "5,5 %", "9,38 €", "0,52 €",
		// Totals.
		"Total HT", "35,96 €", "Total TVA", "5,84 €", "Total TTC", "41,80 €",
		"À payer", "https://pay.example.test/i/F-2026-000042",
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("the invoice PDF does not show %q; its text:\n%s", w, got)
		}
	}
}

func TestPaidInvoiceSaysHowItWasPaid(t *testing.T) {
	inv := invoice()
	paid := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	inv.Status, inv.PaidAt, inv.PaidMethod = store.InvoicePaid, &paid, string(order.PayCheque)
	b, err := documents.Invoice(inv)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, b)
	if !strings.Contains(got, "Payée le 20/03/2026 (Chèque)") {
		t.Errorf("paid invoice text:\n%s", got)
	}
	if strings.Contains(got, "Payer en ligne") {
		t.Errorf("a paid invoice still offers the payment link:\n%s", got)
	}
}

func TestCreditNotePDFRefersToItsInvoice(t *testing.T) {
	vat := store.SplitVAT(1250, invoice().VAT)
	c := store.CreditNote{
		Number: "A-2026-000007", InvoiceNumber: "F-2026-000042", OrderNumber: "C-2026-000123", Currency: "EUR",
		Reason: "un mug retiré de la commande", Seller: seller, Customer: order.Customer{Name: "Élodie Martin"},
		BillingAddress: order.Address{Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon"},
		VAT:            vat, Total: 1250, IssuedAt: time.Date(2026, 3, 21, 8, 0, 0, 0, time.UTC),
	}
	for _, v := range vat {
		c.Net += v.Net
		c.VATTotal += v.VAT
	}
	b, err := documents.CreditNote(c)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, b)
	for _, w := range []string{"AVOIR", "A-2026-000007", "Facture d'origine F-2026-000042", "un mug retiré", "12,50 €", "Total de l'avoir TTC"} {
		if !strings.Contains(got, w) {
			t.Errorf("the credit note PDF does not show %q; its text:\n%s", w, got)
		}
	}
}

func TestSplitVATAddsUpToTheCent(t *testing.T) {
	basis := invoice().VAT
	for amount := int64(1); amount <= 4180; amount += 7 {
		vs := store.SplitVAT(amount, basis)
		var gross int64
		for _, v := range vs {
			if v.Net+v.VAT != v.Gross {
				t.Fatalf("SplitVAT(%d): %+v: net + VAT != gross", amount, v)
			}
			gross += v.Gross
		}
		if gross != amount {
			t.Fatalf("SplitVAT(%d) adds up to %d: %+v", amount, gross, vs)
		}
	}
}
