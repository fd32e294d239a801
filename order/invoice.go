package order

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
)

// The rules of the shop's paperwork: what an invoice (facture) or a credit
// note (avoir) of an order contains and how its amounts follow from the
// order, the documents issued before it and the refund. The store numbers
// and writes what these functions compute.

// Seller is the shop's identity as invoices and credit notes print it. It
// comes from configuration and is copied onto every document, so a later
// change of address does not rewrite issued paperwork.
type Seller struct {
	Name      string  `json:"name"`
	Address   Address `json:"address"`
	SIRET     string  `json:"siret"`      // 14 digits
	VATNumber string  `json:"vat_number"` // intra-community VAT number, FR + 11 characters
	Email     string  `json:"email,omitempty"`
	Phone     string  `json:"phone,omitempty"`
}

// Check refuses a seller identity a French invoice cannot be issued with,
// naming the missing field.
func (s Seller) Check() error {
	digits := strings.ReplaceAll(s.SIRET, " ", "")
	switch {
	case strings.TrimSpace(s.Name) == "":
		return Refuse("seller.name", "refusal.seller_name_missing")
	case strings.TrimSpace(s.Address.Line1) == "" || strings.TrimSpace(s.Address.City) == "":
		return Refuse("seller.address", "refusal.seller_address_missing")
	case len(digits) != 14 || strings.Trim(digits, "0123456789") != "":
		return Refuse("seller.siret", "refusal.seller_siret_invalid", locale.Text(s.SIRET))
	case strings.TrimSpace(s.VATNumber) == "":
		return Refuse("seller.vat_number", "refusal.seller_vat_missing")
	}
	return nil
}

// InvoiceLine is one line of an invoice. Amounts are tax-inclusive cents,
// like the order's; the VAT split is on the invoice, per rate.
type InvoiceLine struct {
	SKU         string `json:"sku,omitempty"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitPrice   int64  `json:"unit_price_cents"`
	VATRate     int64  `json:"vat_rate_bp"` // -1: several rates (an order discount)
	Total       int64  `json:"total_cents"`
}

// ErrInvoiceExists is wrapped by the refusal of a second invoice for the
// same content of an order.
var ErrInvoiceExists = errors.New("this content of the order is already invoiced")

// ErrNothingToCredit is returned by DraftCreditNote with upToInvoiced when
// the order's invoices are credited in full already.
var ErrNothingToCredit = errors.New("the order's invoices are credited in full already")

// IssuedInvoice is what an invoice issued earlier for the order covered, as
// the next invoice or credit note needs it. Cancelled invoices are not
// part of an order's issued invoices.
type IssuedInvoice struct {
	ID          int64
	Number      string
	ContentHash string
	VAT         []VATLine
	Total       int64
}

// InvoiceDraft is an invoice's content and amounts before it is numbered:
// Net + VATTotal = Total, and the lines add up to Total.
type InvoiceDraft struct {
	ContentHash   string
	Supplementary bool
	Reason        string // printed on a supplementary invoice
	Lines         []InvoiceLine
	VAT           []VATLine
	Net           int64
	VATTotal      int64
	Total         int64
}

// Books is what an order's documents already bill and what its ledger
// says the order bills: what a new invoice is drawn up against.
type Books struct {
	Invoices []IssuedInvoice // issued and not cancelled, oldest first
	Credited []VATLine       // the VAT of its credit notes
	Returned []VATLine       // what came back in its returns, per rate (their settlements' split)
	Gestures int64           // Position.Gestures: the commercial gestures given
	Billed   int64           // Position.Billed: its total less returns and gestures
}

// DraftInvoice is the invoice of the order as it stands, given its books.
//
// The first invoice of an order covers its lines, discount and shipping,
// with the VAT per rate of the order's totals. When the order was invoiced
// before and it bills more since (a balance due), the new invoice is
// supplementary: it covers, per VAT rate, what the order now costs less
// the items that came back, beyond what earlier invoices net of credit
// notes covered, and in all no more than books.Billed leaves beyond them
// (a commercial gesture is not billed again); one line per rate saying why
// (reason). So an exchange's new items are billed, and the items they
// replace are not billed again.
//
// A seller a French invoice cannot name is refused on its field. A second
// invoice for the same content is refused with a *FieldError on "invoice"
// that wraps ErrInvoiceExists; so is an order with nothing more to invoice.
// An order with no line or no total is refused on "invoice".
func DraftInvoice(o Order, seller Seller, books Books, reason string) (InvoiceDraft, error) {
	earlier := books.Invoices
	if err := seller.Check(); err != nil {
		return InvoiceDraft{}, err
	}
	if len(o.Lines) == 0 || o.Totals.Total <= 0 {
		return InvoiceDraft{}, Refuse("invoice", "refusal.invoice_nothing", locale.Text(o.Number), locale.Amount(o.Totals.Total, o.Currency))
	}
	hash := InvoiceContentHash(o)
	for _, inv := range earlier {
		if inv.ContentHash == hash {
			return InvoiceDraft{}, fmt.Errorf("%w (%w)", Refuse("invoice", "refusal.invoice_already", locale.Text(o.Number), locale.Text(inv.Number), locale.Amount(inv.Total, o.Currency)), ErrInvoiceExists)
		}
	}
	d := InvoiceDraft{ContentHash: hash}
	if len(earlier) == 0 {
		d.Lines, d.VAT = FirstInvoiceLines(o), o.Totals.VAT
		d.takeOff(books)
		if VATGross(d.VAT) <= 0 {
			return InvoiceDraft{}, Refuse("invoice", "refusal.invoice_nothing", locale.Text(o.Number), locale.Amount(VATGross(d.VAT), o.Currency))
		}
	} else {
		done := CreditableVAT(earlier, books.Credited) // invoiced net of credit notes
		d.VAT = SubtractVAT(SubtractVAT(o.Totals.VAT, books.Returned), done)
		if most := books.Billed - VATGross(done); VATGross(d.VAT) > most {
			d.VAT = SplitVAT(most, d.VAT)
		}
		d.Supplementary, d.Reason = true, reason
		if VATGross(d.VAT) <= 0 {
			return InvoiceDraft{}, fmt.Errorf("%w (%w)", Refuse("invoice", "refusal.invoice_nothing_more",
				locale.Text(o.Number), locale.Amount(o.Totals.Total, o.Currency), locale.Amount(VATGross(done), o.Currency)), ErrInvoiceExists)
		}
		d.Lines = SupplementaryLines(o.Number, reason, d.VAT)
	}
	for _, v := range d.VAT {
		d.Net += v.Net
		d.VATTotal += v.VAT
		d.Total += v.Gross
	}
	return d, nil
}

// takeOff takes off a first invoice what the books no longer bill: the
// items that came back before it, one line per VAT rate, and the
// commercial gestures given, one line spanning the rates (-1) in
// proportion to what is left at each.
func (d *InvoiceDraft) takeOff(books Books) {
	for _, r := range books.Returned {
		if r.Gross != 0 {
			d.Lines = append(d.Lines, InvoiceLine{Description: "Articles retournés", Quantity: 1, UnitPrice: -r.Gross, VATRate: r.Rate, Total: -r.Gross})
		}
	}
	d.VAT = SubtractVAT(d.VAT, books.Returned)
	if books.Gestures <= 0 {
		return
	}
	gross := VATGross(d.VAT)
	after := SplitVAT(max(gross-books.Gestures, 0), d.VAT)
	if off := gross - VATGross(after); off > 0 {
		d.Lines = append(d.Lines, InvoiceLine{Description: "Geste commercial", Quantity: 1, UnitPrice: -off, VATRate: -1, Total: -off})
	}
	d.VAT = after
}

// FirstInvoiceLines are the lines of the first invoice of an order: its
// products (cancelled items left out), its discount and its shipping,
// adding up to its total. The discount spans the VAT rates of the
// products, so its line has no single rate (-1).
func FirstInvoiceLines(o Order) []InvoiceLine {
	var out []InvoiceLine
	for _, l := range o.Lines {
		if l.Quantity <= 0 {
			continue
		}
		out = append(out, InvoiceLine{SKU: l.SKU, Description: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice, VATRate: l.VATRate, Total: l.Total()})
	}
	if o.Totals.Discount > 0 {
		desc := "Remise"
		if o.Discount.Code != "" {
			desc += " " + o.Discount.Code
		}
		out = append(out, InvoiceLine{Description: desc, Quantity: 1, UnitPrice: -o.Totals.Discount, VATRate: -1, Total: -o.Totals.Discount})
	}
	if o.Totals.Shipping > 0 {
		desc := "Frais de port"
		if o.ShippingRules.Method != "" {
			desc += " (" + o.ShippingRules.Method + ")"
		}
		out = append(out, InvoiceLine{Description: desc, Quantity: 1, UnitPrice: o.Totals.Shipping, VATRate: o.ShippingRules.VATRate, Total: o.Totals.Shipping})
	}
	return out
}

// SupplementaryLines are the lines of a supplementary invoice of order
// number: one per VAT rate of what it covers, each saying why.
func SupplementaryLines(number, reason string, vat []VATLine) []InvoiceLine {
	desc := "Complément de la commande " + number
	if reason != "" {
		desc += " : " + reason
	}
	var out []InvoiceLine
	for _, v := range vat {
		out = append(out, InvoiceLine{Description: desc, Quantity: 1, UnitPrice: v.Gross, VATRate: v.Rate, Total: v.Gross})
	}
	return out
}

// InvoiceContentHash fingerprints what an invoice of the order would cover:
// its lines, discount, shipping and total. The same content gets one
// invoice.
func InvoiceContentHash(o Order) string {
	type line struct {
		SKU       string `json:"sku"`
		Name      string `json:"name"`
		UnitPrice int64  `json:"p"`
		Quantity  int64  `json:"q"`
		VATRate   int64  `json:"r"`
	}
	v := struct {
		Lines    []line `json:"lines"`
		Discount int64  `json:"discount"`
		Shipping int64  `json:"shipping"`
		Total    int64  `json:"total"`
	}{Discount: o.Totals.Discount, Shipping: o.Totals.Shipping, Total: o.Totals.Total}
	for _, l := range o.Lines {
		if l.Quantity > 0 {
			v.Lines = append(v.Lines, line{l.SKU, l.Name, l.UnitPrice, l.Quantity, l.VATRate})
		}
	}
	sort.Slice(v.Lines, func(i, j int) bool { return v.Lines[i].SKU < v.Lines[j].SKU })
	b, _ := json.Marshal(v) // plain structs: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CreditNoteDraft is a credit note's amounts before it is numbered: the
// invoice it refers to, its VAT per rate, Net + VATTotal = Total.
type CreditNoteDraft struct {
	InvoiceID     int64
	InvoiceNumber string
	VAT           []VATLine
	Net           int64
	VATTotal      int64
	Total         int64
}

// DraftCreditNote is the credit note for a refund of amount made after the
// order was invoiced, given its issued invoices (oldest first) and the VAT
// of its earlier credit notes (credited). It refers to the latest invoice
// and equals the refund; its VAT goes first to the rates the order no
// longer holds as invoiced (creditSplit), then between the rates invoiced
// in proportion to what is left of each (SplitVAT), so the shares add up
// to the cent and no rate is credited beyond what is left of it.
//
// It is refused, naming the field, when the seller is incomplete, the
// amount is not above 0 ("amount"), the order has no invoice ("invoice")
// or the amount is above what its invoices net of earlier credit notes
// leave ("amount"). With bound.UpToInvoiced it credits at most what the
// bound allows, and nothing (ErrNothingToCredit) when that is nothing.
func DraftCreditNote(o Order, seller Seller, amount int64, invoices []IssuedInvoice, credited []VATLine, bound CreditBound) (CreditNoteDraft, error) {
	if err := seller.Check(); err != nil {
		return CreditNoteDraft{}, err
	}
	if amount <= 0 {
		return CreditNoteDraft{}, Refuse("amount", "refusal.credit_note_not_positive", locale.Amount(amount, o.Currency))
	}
	if len(invoices) == 0 {
		return CreditNoteDraft{}, Refuse("invoice", "refusal.credit_note_no_invoice", locale.Text(o.Number))
	}
	left := CreditableVAT(invoices, credited)
	if bound.UpToInvoiced {
		room := bound.room(left)
		if room <= 0 {
			return CreditNoteDraft{}, ErrNothingToCredit
		}
		amount = min(amount, room)
	}
	if amount > VATGross(left) {
		return CreditNoteDraft{}, Refuse("amount", "refusal.credit_note_above_invoiced", locale.Amount(amount, o.Currency), locale.Amount(max(VATGross(left), 0), o.Currency))
	}
	return creditNoteOn(invoices, creditSplit(amount, left, o.Totals.VAT)), nil
}

// creditNoteOn is the credit note of vat against the latest of invoices:
// its net, VAT and total are its lines'.
func creditNoteOn(invoices []IssuedInvoice, vat []VATLine) CreditNoteDraft {
	last := invoices[len(invoices)-1]
	d := CreditNoteDraft{InvoiceID: last.ID, InvoiceNumber: last.Number, VAT: vat}
	for _, v := range vat {
		d.Net += v.Net
		d.VATTotal += v.VAT
		d.Total += v.Gross
	}
	return d
}

// CreditBound is how far a credit note may go. Its zero value is for a
// credit note an agent asks for: one above what the invoices leave is
// refused.
//
// UpToInvoiced is for the credit note of money that moved already (a
// refund made, a return settled, an unpaid invoice given up), which must
// never fail on paperwork: it credits at most what the invoices, net of
// earlier credit notes, hold beyond Billed (Position.Billed, or
// Position.BilledPaid for an unpaid invoice given up), and at each VAT
// rate at most what they leave at that rate. So the books come out right
// whatever order the procedures' notes come in: a refund of an
// overpayment, or of money an earlier note already credited, credits
// nothing more, and an invoice of a balance still being collected is not
// credited by a return.
type CreditBound struct {
	UpToInvoiced bool
	Billed       int64
}

// room is the most the bound lets a credit note credit, given what the
// invoices leave (left).
func (b CreditBound) room(left []VATLine) int64 {
	return VATGross(left) - max(b.Billed, 0)
}

// creditSplit shares a credit note's amount between VAT rates. First go
// the rates the invoices hold beyond what the order holds now (left, net
// of earlier credit notes, against now): the items cancelled or taken
// off after the invoice, each at its own rate, so a book at 5,5 % that
// goes is credited at 5,5 % whatever else the order holds. What the
// amount is beyond them (a commercial gesture) is shared between the rates
// in proportion to what is left of each. amount is at most VATGross(left).
func creditSplit(amount int64, left, now []VATLine) []VATLine {
	var over []VATLine
	for _, v := range SubtractVAT(left, now) {
		if v.Gross > 0 {
			over = append(over, v)
		}
	}
	first := min(amount, VATGross(over))
	split := SplitVAT(first, over)
	if rest := amount - first; rest > 0 {
		split = SumVAT(split, SplitVAT(rest, SubtractVAT(left, split)))
	}
	return split
}

// CreditableVAT is what the invoices leave to credit, per VAT rate, once
// the credit notes (credited) are taken off.
func CreditableVAT(invoices []IssuedInvoice, credited []VATLine) []VATLine {
	var invoiced []VATLine
	for _, inv := range invoices {
		invoiced = addVAT(invoiced, inv.VAT, 1)
	}
	return SubtractVAT(invoiced, credited)
}

// InvoiceNumber is the number printed on an invoice, F-YYYY-NNNNNN, from
// the year and its place in the year's gap-free sequence.
func InvoiceNumber(year int, seq int64) string { return fmt.Sprintf("F-%d-%06d", year, seq) }

// CreditNoteNumber is the number printed on a credit note, A-YYYY-NNNNNN.
func CreditNoteNumber(year int, seq int64) string { return fmt.Sprintf("A-%d-%06d", year, seq) }

// SumVAT adds VAT splits rate by rate, sorted by rate: what several
// documents cover together.
func SumVAT(splits ...[]VATLine) []VATLine {
	var out []VATLine
	for _, s := range splits {
		out = addVAT(out, s, 1)
	}
	return out
}

// SubtractVAT is a - b rate by rate, sorted by rate, leaving out the rates
// where nothing is left.
func SubtractVAT(a, b []VATLine) []VATLine {
	out := addVAT(nil, a, 1)
	out = addVAT(out, b, -1)
	kept := out[:0]
	for _, v := range out {
		if v.Net != 0 || v.VAT != 0 || v.Gross != 0 {
			kept = append(kept, v)
		}
	}
	return kept
}

// addVAT adds sign × b to a, rate by rate, keeping the rates sorted.
func addVAT(a, b []VATLine, sign int64) []VATLine {
	byRate := map[int64]VATLine{}
	for _, v := range a {
		byRate[v.Rate] = v
	}
	for _, v := range b {
		x := byRate[v.Rate]
		x.Rate = v.Rate
		x.Net += sign * v.Net
		x.VAT += sign * v.VAT
		x.Gross += sign * v.Gross
		byRate[v.Rate] = x
	}
	out := make([]VATLine, 0, len(byRate))
	for _, v := range byRate {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rate < out[j].Rate })
	return out
}

// VATGross is the tax-inclusive amount a VAT split adds up to.
func VATGross(vs []VATLine) int64 {
	var g int64
	for _, v := range vs {
		g += v.Gross
	}
	return g
}

// SplitVAT shares amount between the rates of basis in proportion to each
// rate's positive gross (largest remainder, so the shares add up to amount
// to the cent), and splits each share into net and VAT: Net + VAT = Gross.
// amount is at most what the basis holds (DraftCreditNote never asks for
// more), so no rate takes more than its gross.
func SplitVAT(amount int64, basis []VATLine) []VATLine {
	var total int64
	for _, v := range basis {
		total += max(v.Gross, 0)
	}
	if amount <= 0 || total <= 0 {
		return nil
	}
	type rem struct {
		i    int
		rest int64
	}
	shares := make([]int64, len(basis))
	rests := make([]rem, 0, len(basis))
	var given int64
	for i, v := range basis {
		w := max(v.Gross, 0)
		// amount <= total, so the 128-bit quotient fits in 64 bits.
		q, r := mulDiv(min(amount, total), w, total)
		shares[i] = q
		given += q
		rests = append(rests, rem{i, r})
	}
	sort.SliceStable(rests, func(a, b int) bool { return rests[a].rest > rests[b].rest })
	for k := 0; given < amount && k < len(rests); k++ {
		if max(basis[rests[k].i].Gross, 0) == 0 {
			continue
		}
		shares[rests[k].i]++
		given++
	}
	var out []VATLine
	for i, v := range basis {
		g := shares[i]
		if g == 0 {
			continue
		}
		net := (g*10000 + (10000+v.Rate)/2) / (10000 + v.Rate)
		out = append(out, VATLine{Rate: v.Rate, Net: net, VAT: g - net, Gross: g})
	}
	return out
}

// mulDiv is a*b/c and its remainder, for 0 <= a, b and c > 0, without
// overflowing on the product.
func mulDiv(a, b, c int64) (int64, int64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	return int64(q), int64(r)
}
