// Package documents renders the shop's paperwork as PDF, in Go: invoices
// (factures) and credit notes (avoirs). It draws what the store recorded —
// the seller's identity, the customer, the lines, the VAT per rate — and
// computes nothing: the amounts on paper are the amounts in the database,
// to the cent.
//
// The PDFs use the standard Helvetica font in the Windows-1252 encoding,
// which covers French (accents, « », €), so nothing is embedded and the
// files stay small.
package documents

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// ContentType is the MIME type of every document rendered here.
const ContentType = "application/pdf"

// InvoiceFilename is the file name of an invoice's PDF: F-2026-000001.pdf.
func InvoiceFilename(inv store.Invoice) string { return inv.Number + ".pdf" }

// CreditNoteFilename is the file name of a credit note's PDF.
func CreditNoteFilename(c store.CreditNote) string { return c.Number + ".pdf" }

// paris is where the dates on paper are read.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()

// page is one document being drawn.
type page struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

func newPage(title, number string, issued time.Time) *page {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(issued)
	f.SetModificationDate(issued)
	f.SetTitle(title+" "+number, true)
	f.SetMargins(18, 18, 18)
	f.SetAutoPageBreak(true, 20)
	p := &page{pdf: f, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-14)
		p.font("", 8)
		f.CellFormat(0, 5, p.t(fmt.Sprintf("%s %s — page %d/{nb}", title, number, f.PageNo())), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	return p
}

// t prepares text for the Windows-1252 font: the narrow no-break space
// French amounts use ("1 234,56 €") is not in it and becomes a plain space.
func (p *page) t(s string) string {
	return p.tr(strings.NewReplacer("\u202f", " ", "\u2009", " ", "→", "->", "…", "...").Replace(s))
}

func (p *page) font(style string, size float64) { p.pdf.SetFont("Helvetica", style, size) }

func (p *page) text(w, h float64, s, align string, ln int) {
	p.pdf.CellFormat(w, h, p.t(s), "", ln, align, false, 0, "")
}

// header draws the seller (left), the document's title and number (right),
// and the customer's billing address.
func (p *page) header(title, number string, issued time.Time, seller store.Seller, customer order.Customer, billing order.Address, refs []string) {
	f := p.pdf
	p.font("B", 12)
	p.text(100, 6, seller.Name, "L", 0)
	p.font("B", 16)
	p.text(0, 6, title, "R", 1)
	p.font("", 9)
	left := append(addressLines(seller.Address), "SIRET : "+seller.SIRET, "N° TVA intracommunautaire : "+seller.VATNumber)
	if seller.Email != "" {
		left = append(left, seller.Email)
	}
	if seller.Phone != "" {
		left = append(left, seller.Phone)
	}
	right := append([]string{"N° " + number, "Date : " + issued.In(paris).Format("02/01/2006")}, refs...)
	for i := 0; i < max(len(left), len(right)); i++ {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		p.font("", 9)
		p.text(100, 4.6, l, "L", 0)
		if i == 0 {
			p.font("B", 10)
		}
		p.text(0, 4.6, r, "R", 1)
	}
	f.Ln(6)
	f.SetX(110)
	p.font("B", 10)
	p.text(0, 5, "Facturé à", "L", 1)
	p.font("", 10)
	name := billing.Name
	if name == "" {
		name = customer.Name
	}
	lines := []string{name}
	billing.Name = ""
	lines = append(lines, addressLines(billing)...)
	if customer.Email != "" {
		lines = append(lines, customer.Email)
	}
	for _, l := range lines {
		f.SetX(110)
		p.text(0, 5, l, "L", 1)
	}
	f.Ln(6)
}

// vatTable draws the VAT summary: one row per rate, then the totals.
func (p *page) vatTable(vat []order.VATLine, net, tax, total int64, currency, totalLabel string) {
	f := p.pdf
	m := func(c int64) string { return order.Money{Cents: c, Currency: currency}.French() }
	f.Ln(4)
	f.SetX(90)
	p.font("B", 9)
	f.SetFillColor(235, 235, 235)
	for i, h := range []string{"Taux de TVA", "Montant HT", "TVA", "Montant TTC"} {
		w, ln := 25.0, 0
		if i == 3 {
			w, ln = 0, 1
		}
		f.CellFormat(w, 6, p.t(h), "B", ln, "R", true, 0, "")
	}
	p.font("", 9)
	for _, v := range vat {
		f.SetX(90)
		p.text(25, 5.5, rate(v.Rate), "R", 0)
		p.text(25, 5.5, m(v.Net), "R", 0)
		p.text(25, 5.5, m(v.VAT), "R", 0)
		p.text(0, 5.5, m(v.Gross), "R", 1)
	}
	f.Ln(2)
	for _, row := range [][2]string{{"Total HT", m(net)}, {"Total TVA", m(tax)}, {totalLabel, m(total)}} {
		f.SetX(115)
		if row[0] == totalLabel {
			p.font("B", 11)
		}
		p.text(45, 6, row[0], "L", 0)
		p.text(0, 6, row[1], "R", 1)
	}
	p.font("", 9)
}

func (p *page) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := p.pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Invoice renders an invoice as PDF: seller, customer, the lines with
// their tax-inclusive amounts, the VAT per rate (net + VAT = gross) and the
// totals, the payment status, and the payment link when there is one.
func Invoice(inv store.Invoice) ([]byte, error) {
	if inv.Number == "" {
		return nil, fmt.Errorf("documents.Invoice: the invoice has no number")
	}
	title := "FACTURE"
	if inv.Supplementary {
		title = "FACTURE COMPLÉMENTAIRE"
	}
	p := newPage("Facture", inv.Number, inv.IssuedAt)
	p.header(title, inv.Number, inv.IssuedAt, inv.Seller, inv.Customer, inv.BillingAddress, []string{"Commande " + inv.OrderNumber})
	m := func(c int64) string { return order.Money{Cents: c, Currency: inv.Currency}.French() }

	f := p.pdf
	f.SetFillColor(235, 235, 235)
	p.font("B", 9)
	cols := []struct {
		head  string
		w     float64
		align string
	}{{"Désignation", 78, "L"}, {"Qté", 14, "R"}, {"Prix unit. TTC", 28, "R"}, {"TVA", 18, "R"}, {"Total TTC", 0, "R"}}
	for i, c := range cols {
		ln := 0
		if i == len(cols)-1 {
			ln = 1
		}
		f.CellFormat(c.w, 6, p.t(c.head), "B", ln, c.align, true, 0, "")
	}
	p.font("", 9)
	for _, l := range inv.Lines {
		desc := l.Description
		if l.SKU != "" {
			desc += " (" + l.SKU + ")"
		}
		r := "—"
		if l.VATRate >= 0 {
			r = rate(l.VATRate)
		}
		p.text(78, 5.5, fit(p, desc, 77), "L", 0)
		p.text(14, 5.5, fmt.Sprint(l.Quantity), "R", 0)
		p.text(28, 5.5, m(l.UnitPrice), "R", 0)
		p.text(18, 5.5, r, "R", 0)
		p.text(0, 5.5, m(l.Total), "R", 1)
	}
	p.vatTable(inv.VAT, inv.Net, inv.VATTotal, inv.Total, inv.Currency, "Total TTC")

	f.Ln(6)
	p.font("B", 10)
	switch inv.Status {
	case store.InvoicePaid:
		status := "Statut : Payée"
		if inv.PaidAt != nil {
			status += " le " + inv.PaidAt.In(paris).Format("02/01/2006")
		}
		if inv.PaidMethod != "" {
			status += " (" + order.PaymentMethod(inv.PaidMethod).Label("fr") + ")"
		}
		p.text(0, 6, status, "L", 1)
	case store.InvoiceCancelled:
		p.text(0, 6, "Statut : Annulée", "L", 1)
	default:
		p.text(0, 6, "Statut : À payer — "+m(inv.Total), "L", 1)
		p.font("", 9)
		if inv.PaymentLink != "" {
			p.text(0, 5, "Payer en ligne : "+inv.PaymentLink, "L", 1)
		}
	}
	if inv.Reason != "" {
		p.font("", 9)
		f.Ln(2)
		f.MultiCell(0, 5, p.t("Motif : "+inv.Reason), "", "L", false)
	}
	p.font("", 8)
	f.Ln(4)
	f.MultiCell(0, 4, p.t("Prix exprimés en euros toutes taxes comprises. Pas d'escompte pour paiement anticipé. "+
		"En cas de retard de paiement, indemnité forfaitaire pour frais de recouvrement : 40 € (professionnels)."), "", "L", false)
	b, err := p.bytes()
	if err != nil {
		return nil, fmt.Errorf("documents.Invoice(%s): %w", inv.Number, err)
	}
	return b, nil
}

// CreditNote renders a credit note as PDF: it names the invoice it
// corrects, and its VAT per rate and total equal the refund.
func CreditNote(c store.CreditNote) ([]byte, error) {
	if c.Number == "" {
		return nil, fmt.Errorf("documents.CreditNote: the credit note has no number")
	}
	p := newPage("Avoir", c.Number, c.IssuedAt)
	p.header("AVOIR", c.Number, c.IssuedAt, c.Seller, c.Customer, c.BillingAddress,
		[]string{"Facture d'origine " + c.InvoiceNumber, "Commande " + c.OrderNumber})
	m := func(x int64) string { return order.Money{Cents: x, Currency: c.Currency}.French() }
	f := p.pdf
	p.font("B", 9)
	f.SetFillColor(235, 235, 235)
	f.CellFormat(138, 6, p.t("Désignation"), "B", 0, "L", true, 0, "")
	f.CellFormat(0, 6, p.t("Montant TTC"), "B", 1, "R", true, 0, "")
	p.font("", 9)
	desc := "Remboursement sur la facture " + c.InvoiceNumber
	if c.Reason != "" {
		desc += " : " + c.Reason
	}
	p.text(138, 5.5, fit(p, desc, 137), "L", 0)
	p.text(0, 5.5, m(c.Total), "R", 1)
	p.vatTable(c.VAT, c.Net, c.VATTotal, c.Total, c.Currency, "Total de l'avoir TTC")
	b, err := p.bytes()
	if err != nil {
		return nil, fmt.Errorf("documents.CreditNote(%s): %w", c.Number, err)
	}
	return b, nil
}

// rate writes a VAT rate in basis points as French does: "20 %", "5,5 %".
func rate(bp int64) string {
	s := fmt.Sprintf("%d", bp/100)
	if frac := bp % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(",%02d", frac), "0")
	}
	return s + " %"
}

func addressLines(a order.Address) []string {
	var out []string
	for _, l := range []string{a.Name, a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City)} {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	if a.Country != "" && a.Country != "FR" {
		out = append(out, a.Country)
	}
	return out
}

// fit shortens text to a cell width, with an ellipsis.
func fit(p *page, s string, w float64) string {
	if p.pdf.GetStringWidth(p.t(s)) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && p.pdf.GetStringWidth(p.t(string(r)+"...")) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}
