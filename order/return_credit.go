package order

import (
	"sort"

	"github.com/orderdesk/orderdesk/locale"
)

// The credit note (avoir) of a return: what the items that came back were
// invoiced at, rate by rate, rather than a share of every rate of the
// invoice. A book at 5,5 % returned from an order that also holds a mug at
// 20 % is credited at 5,5 % only.

// ReturnCredit is what a return gives back, split per VAT rate, for its
// credit note: the accepted items (accepted, each capped at what the line
// can still return given returned, the items of each line returned before)
// at the price paid, exactly as SettleReturn values them — the order's
// merchandise after its discount, minus the same without the items —
// each rate's part being what Price gives that rate before and after
// (so a percentage discount goes back with the items' rates, and a fixed
// discount that now weighs on the items kept lowers their rate's part);
// plus delivery, the initial delivery cost refunded on a full withdrawal,
// minus cost, the return's cost kept, both at the order's shipping VAT
// rate. cost never takes the total below zero.
//
// The result's fields: Merchandise is the items' gross price, Discount
// the part of the order's discount that goes with them (negative when a
// fixed discount moves onto the items kept), Shipping is delivery - cost
// (negative when only the cost is kept) and Total = Merchandise - Discount
// + Shipping, what the credit note is worth. VAT has one line per rate,
// sorted, none empty, each with Net + VAT = Gross, the net being the gross
// divided by (1 + rate) rounded to the cent; the grosses add up to Total.
// A rate's line may be negative: the return's cost, or a fixed discount
// moving onto the items kept, is a charge at that rate.
func ReturnCredit(o Order, accepted []ReturnLine, returned map[int64]int64, delivery, cost int64) Totals {
	back := map[int64]int64{}
	for _, a := range accepted {
		if l, ok := o.Line(a.LineID); ok && a.Quantity > 0 {
			back[l.ID] += min(a.Quantity, Returnable(l, returned[l.ID]))
		}
	}
	before := Price(withoutItems(o.Lines, returned, nil), o.Discount, 0, 0)
	after := Price(withoutItems(o.Lines, returned, back), o.Discount, 0, 0)

	delivery, cost = max(delivery, 0), max(cost, 0)
	t := Totals{
		Merchandise: before.Merchandise - after.Merchandise,
		Discount:    before.Discount - after.Discount,
	}
	cost = min(cost, t.Merchandise-t.Discount+delivery)
	t.Shipping = delivery - cost
	t.Total = t.Merchandise - t.Discount + t.Shipping

	gross := map[int64]int64{}
	for _, v := range before.VAT {
		gross[v.Rate] += v.Gross
	}
	for _, v := range after.VAT {
		gross[v.Rate] -= v.Gross
	}
	gross[o.ShippingRules.VATRate] += t.Shipping
	rates := make([]int64, 0, len(gross))
	for r, g := range gross {
		if g != 0 {
			rates = append(rates, r)
		}
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] < rates[j] })
	for _, r := range rates {
		g := gross[r]
		net := netOf(g, r)
		t.VAT = append(t.VAT, VATLine{Rate: r, Net: net, VAT: g - net, Gross: g})
	}
	return t
}

// withoutItems is lines with the items of gone and more taken out (as
// cancelled), so that what they are worth is what is left.
func withoutItems(lines []Line, gone, more map[int64]int64) []Line {
	out := make([]Line, len(lines))
	for i, l := range lines {
		l.QtyCancelled += gone[l.ID] + more[l.ID]
		out[i] = l
	}
	return out
}

// DraftCreditNoteVAT is DraftCreditNote for a credit note whose split per
// VAT rate is given (a return's, from ReturnCredit) rather than shared in
// proportion to the invoices: it credits vat, rate by rate, and is worth
// what its grosses add up to.
//
// It is refused, naming the field, when the seller is incomplete, the
// split adds up to 0 or less ("vat"), the order has no invoice ("invoice")
// or the split is above what its invoices net of earlier credit notes
// leave, in all or at one of its rates ("vat"). With bound.UpToInvoiced
// each rate is credited at most what the invoices leave at it, and the
// whole at most what the bound allows (shared between the rates in
// proportion to what each then credits); nothing (ErrNothingToCredit)
// when that is nothing.
func DraftCreditNoteVAT(o Order, seller Seller, vat []VATLine, invoices []IssuedInvoice, credited []VATLine, bound CreditBound) (CreditNoteDraft, error) {
	if err := seller.Check(); err != nil {
		return CreditNoteDraft{}, err
	}
	vat = SubtractVAT(vat, nil) // one line per rate, sorted, none empty
	amount := VATGross(vat)
	if amount <= 0 {
		return CreditNoteDraft{}, Refuse("vat", "refusal.credit_note_not_positive", locale.Amount(amount, o.Currency))
	}
	if len(invoices) == 0 {
		return CreditNoteDraft{}, Refuse("invoice", "refusal.credit_note_no_invoice", locale.Text(o.Number))
	}
	left := CreditableVAT(invoices, credited)
	capped := capVAT(vat, left)
	if !bound.UpToInvoiced {
		if amount > VATGross(left) || VATGross(capped) != amount {
			return CreditNoteDraft{}, Refuse("vat", "refusal.credit_note_above_invoiced", locale.Amount(amount, o.Currency), locale.Amount(max(VATGross(left), 0), o.Currency))
		}
	} else {
		vat = capped
		if room := bound.room(left); VATGross(vat) > room {
			vat = SplitVAT(room, vat)
		}
		if VATGross(vat) <= 0 {
			return CreditNoteDraft{}, ErrNothingToCredit
		}
	}
	return creditNoteOn(invoices, vat), nil
}

// capVAT is vat with each rate's positive gross at most what left holds at
// that rate (nothing where left holds nothing); a rate credited in full
// takes left's net and VAT, so nothing is left of it to the cent. Negative
// lines (a charge at that rate) stay as they are.
func capVAT(vat, left []VATLine) []VATLine {
	at := map[int64]VATLine{}
	for _, v := range left {
		at[v.Rate] = v
	}
	var out []VATLine
	for _, v := range vat {
		l := at[v.Rate]
		switch {
		case v.Gross <= 0 || v.Gross < l.Gross:
			out = append(out, v)
		case l.Gross > 0:
			out = append(out, l)
		}
	}
	return out
}
