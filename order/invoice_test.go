package order

import (
	"errors"
	"maps"
	"strconv"
	"strings"
	"testing"
)

// testSeller is a seller a French invoice can be issued with.
var testSeller = Seller{
	Name:      "Boutique du Vieux Lyon SARL",
	Address:   Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
	SIRET:     "123 456 789 00012",
	VATNumber: "FR32123456789",
}

// invoicedOrder is the sample order with a 10 % code and paid shipping:
// a mug (12,50 € at 20 %) and a book (23,90 € at 5,5 %), 36,40 € - 3,64 €
// + 6,90 € = 39,66 €.
func invoicedOrder() Order {
	o := sampleOrder()
	o.Lines = o.Lines[:2]
	o.Lines[0].Quantity = 1
	o.Discount = Discount{Kind: DiscountPercent, Code: "BIENVENUE", Percent: 1000}
	o.ShippingFee = 690
	o.Totals = Reprice(o)
	return o
}

// issuedAs is the invoice the order would have had as it stands.
func issuedAs(id int64, number string, o Order) IssuedInvoice {
	return IssuedInvoice{ID: id, Number: number, ContentHash: InvoiceContentHash(o), VAT: o.Totals.VAT, Total: o.Totals.Total}
}

// checkDraft asserts what any invoice must hold: for every rate Net + VAT
// = Gross, the rates add up to the totals, and the lines add up to the
// total.
func checkDraft(t *testing.T, d InvoiceDraft) {
	t.Helper()
	var net, vat, gross, lines int64
	for _, v := range d.VAT {
		if v.Net+v.VAT != v.Gross {
			t.Errorf("rate %d: net %d + VAT %d != gross %d", v.Rate, v.Net, v.VAT, v.Gross)
		}
		net, vat, gross = net+v.Net, vat+v.VAT, gross+v.Gross
	}
	for _, l := range d.Lines {
		lines += l.Total
	}
	if net != d.Net || vat != d.VATTotal || gross != d.Total || d.Net+d.VATTotal != d.Total {
		t.Errorf("totals net %d + VAT %d = %d; the rates add up to %d + %d = %d", d.Net, d.VATTotal, d.Total, net, vat, gross)
	}
	if lines != d.Total {
		t.Errorf("lines add up to %d, the invoice's total is %d: %+v", lines, d.Total, d.Lines)
	}
}

func TestFirstInvoiceCoversTheOrderToTheCent(t *testing.T) {
	plain := invoicedOrder()
	plain.Discount = Discount{Kind: DiscountFixed, Amount: 500}
	plain.ShippingRules.Method = ""
	plain.Totals = Reprice(plain)
	removed := invoicedOrder()
	removed.Lines = append(removed.Lines, Line{ID: 14, SKU: "TEE-01", Name: "T-shirt", UnitPrice: 1990, Quantity: 0, VATRate: 2000})
	removed.Totals = Reprice(removed)
	free := invoicedOrder()
	free.Discount, free.ShippingFee = Discount{}, 0
	free.Totals = Reprice(free)

	tests := []struct {
		name  string
		o     Order
		total int64
		lines []string // each line as "description quantity×unit=total rate"
	}{
		{"discount code and shipping method", invoicedOrder(), 3966, []string{
			"Mug émaillé 1×1250=1250 2000", "Livre de cuisine 1×2390=2390 550",
			"Remise BIENVENUE 1×-364=-364 -1", "Frais de port (Colissimo domicile) 1×690=690 2000"}},
		{"discount without code, shipping without method", plain, 3830, []string{
			"Mug émaillé 1×1250=1250 2000", "Livre de cuisine 1×2390=2390 550",
			"Remise 1×-500=-500 -1", "Frais de port 1×690=690 2000"}},
		{"a removed product is not invoiced", removed, 3966, []string{
			"Mug émaillé 1×1250=1250 2000", "Livre de cuisine 1×2390=2390 550",
			"Remise BIENVENUE 1×-364=-364 -1", "Frais de port (Colissimo domicile) 1×690=690 2000"}},
		{"no discount, free shipping", free, 3640, []string{
			"Mug émaillé 1×1250=1250 2000", "Livre de cuisine 1×2390=2390 550"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DraftInvoice(tt.o, testSeller, Books{}, "ignored on a first invoice")
			if err != nil {
				t.Fatal(err)
			}
			checkDraft(t, d)
			if d.Total != tt.total || d.Total != tt.o.Totals.Total || d.Supplementary || d.Reason != "" {
				t.Errorf("total %d supplementary=%v reason %q; want %d, the order's, first", d.Total, d.Supplementary, d.Reason, tt.total)
			}
			var got []string
			for _, l := range d.Lines {
				got = append(got, strings.TrimSpace(l.Description)+" "+itoa(l.Quantity)+"×"+itoa(l.UnitPrice)+"="+itoa(l.Total)+" "+itoa(l.VATRate))
			}
			if strings.Join(got, " | ") != strings.Join(tt.lines, " | ") {
				t.Errorf("lines\n got %q\nwant %q", got, tt.lines)
			}
			for i, v := range d.VAT {
				if v != tt.o.Totals.VAT[i] {
					t.Errorf("VAT line %d = %+v, the order's is %+v", i, v, tt.o.Totals.VAT[i])
				}
			}
			if d.ContentHash != InvoiceContentHash(tt.o) {
				t.Errorf("content hash %s is not the order's", d.ContentHash)
			}
		})
	}
}

func TestDraftInvoiceRefusals(t *testing.T) {
	o := invoicedOrder()
	badSeller := testSeller
	badSeller.SIRET = "1234"
	empty := o
	empty.Lines = nil
	empty.Totals = Reprice(empty)
	lower := o
	lower.Lines = append([]Line(nil), o.Lines...)
	lower.Lines[1].Quantity = 0
	lower.Totals = Reprice(lower)

	tests := []struct {
		name    string
		o       Order
		seller  Seller
		earlier []IssuedInvoice
		field   string
		exists  bool // wraps ErrInvoiceExists
		says    string
	}{
		{"seller without SIRET", o, badSeller, nil, "seller.siret", false, "14 digits"},
		{"seller without name", o, Seller{}, nil, "seller.name", false, "legal name"},
		{"order with no line", empty, testSeller, nil, "invoice", false, "nothing to invoice"},
		{"the same content again", o, testSeller, []IssuedInvoice{issuedAs(1, "F-2026-000007", o)}, "invoice", true, "F-2026-000007 (€39.66)"},
		{"a content whose total went down", lower, testSeller, []IssuedInvoice{issuedAs(1, "F-2026-000007", o)}, "invoice", true, "nothing more to invoice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DraftInvoice(tt.o, tt.seller, Books{Invoices: tt.earlier, Billed: tt.o.Totals.Total}, "")
			wantFieldError(t, err, tt.field, tt.says)
			if errors.Is(err, ErrInvoiceExists) != tt.exists {
				t.Errorf("errors.Is(ErrInvoiceExists) = %v, want %v", !tt.exists, tt.exists)
			}
		})
	}
}

// When the order's total goes up after it was invoiced, the next invoice
// covers only the balance, per VAT rate, net of credit notes, with lines
// that say why.
func TestSupplementaryInvoiceCoversTheBalancePerRate(t *testing.T) {
	before := invoicedOrder() // 39,66 €
	after := before
	after.Lines = append([]Line(nil), before.Lines...)
	after.Lines[0].Quantity = 3 // two more mugs at 20 %
	after.Totals = Reprice(after)
	first := issuedAs(1, "F-2026-000007", before)
	credit := SplitVAT(500, first.VAT) // a 5 € refund credited against it

	tests := []struct {
		name     string
		credited []VATLine
		reason   string
		want     int64
		desc     string
	}{
		{"no credit note", nil, "deux mugs ajoutés", after.Totals.Total - before.Totals.Total, "Complément de la commande C-2026-000123 : deux mugs ajoutés"},
		{"after a credit note of 5 €", credit, "", after.Totals.Total - before.Totals.Total + 500, "Complément de la commande C-2026-000123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DraftInvoice(after, testSeller, Books{Invoices: []IssuedInvoice{first}, Credited: tt.credited, Billed: after.Totals.Total}, tt.reason)
			if err != nil {
				t.Fatal(err)
			}
			checkDraft(t, d)
			if !d.Supplementary || d.Reason != tt.reason || d.Total != tt.want {
				t.Errorf("supplementary=%v reason %q total %d; want a supplementary of %d", d.Supplementary, d.Reason, d.Total, tt.want)
			}
			// Per rate, what is invoiced now adds up to the order's VAT.
			all := SumVAT(first.VAT, d.VAT)
			all = SubtractVAT(all, tt.credited)
			if VATGross(all) != after.Totals.Total {
				t.Errorf("invoices net of credit notes cover %d, the order is %d", VATGross(all), after.Totals.Total)
			}
			for i, v := range after.Totals.VAT {
				if all[i].Gross != v.Gross {
					t.Errorf("rate %d: invoiced %d, the order has %d", v.Rate, all[i].Gross, v.Gross)
				}
			}
			for i, l := range d.Lines {
				if l.Description != tt.desc || l.Quantity != 1 || l.UnitPrice != d.VAT[i].Gross || l.VATRate != d.VAT[i].Rate {
					t.Errorf("line %d = %+v, want %q for the %d bp share", i, l, tt.desc, d.VAT[i].Rate)
				}
			}
		})
	}
}

// A commercial gesture credited before the order grew is not billed
// again: the supplementary invoice bills what the order grew by.
func TestASupplementaryInvoiceDoesNotBillAGestureAgain(t *testing.T) {
	before := invoicedOrder()
	after := before
	after.Lines = append([]Line(nil), before.Lines...)
	after.Lines[0].Quantity = 3 // two more mugs at 20 %
	after.Totals = Reprice(after)
	first := issuedAs(1, "F-2026-000041", before)
	gesture := SplitVAT(500, first.VAT)
	d, err := DraftInvoice(after, testSeller, Books{Invoices: []IssuedInvoice{first}, Credited: gesture, Billed: after.Totals.Total - 500}, "deux mugs ajoutés")
	if err != nil {
		t.Fatal(err)
	}
	checkDraft(t, d)
	if want := after.Totals.Total - before.Totals.Total; d.Total != want {
		t.Errorf("supplementary of %d, want the %d the order grew by", d.Total, want)
	}
}

// An exchange's balance: the supplementary invoice bills the new item
// beyond the one that came back, not the one that came back again.
func TestASupplementaryInvoiceDoesNotBillReturnedItemsAgain(t *testing.T) {
	o := bookAndMugOrder(Discount{})
	first := issuedAs(1, "F-2026-000031", o)
	// The mug (12,50 €) came back, exchanged for a jug of 20 € at 20 %.
	back := ReturnCredit(o, []ReturnLine{{LineID: 2, Quantity: 1}}, nil, 0, 0).VAT
	now := o
	now.Lines = append(append([]Line(nil), o.Lines...), Line{ID: 3, SKU: "JUG-01", Name: "Pichet", UnitPrice: 2000, Quantity: 1, VATRate: 2000, Physical: true})
	now.Totals = Reprice(now)
	d, err := DraftInvoice(now, testSeller, Books{Invoices: []IssuedInvoice{first}, Returned: back, Billed: now.Totals.Total - VATGross(back)}, "échange")
	if err != nil {
		t.Fatal(err)
	}
	checkDraft(t, d)
	if !d.Supplementary || d.Total != 750 || len(d.VAT) != 1 || d.VAT[0].Rate != 2000 {
		t.Errorf("the exchange's supplementary invoice: %+v, want 7,50 € at 20 %%", d)
	}
	// An exchange for an item of the same price bills nothing more.
	now.Lines[2].UnitPrice = 1250
	now.Totals = Reprice(now)
	if _, err := DraftInvoice(now, testSeller, Books{Invoices: []IssuedInvoice{first}, Returned: back, Billed: now.Totals.Total - VATGross(back)}, "échange"); !errors.Is(err, ErrInvoiceExists) {
		t.Errorf("an exchange at the same price: %v, want nothing more to invoice", err)
	}
}

func TestDraftCreditNote(t *testing.T) {
	o := invoicedOrder() // 39,66 €: 10,48 € at 5,5 %, 29,18 € at 20 %
	inv := issuedAs(1, "F-2026-000007", o)
	sup := IssuedInvoice{ID: 2, Number: "F-2026-000009", VAT: SplitVAT(1000, inv.VAT), Total: 1000}
	badSeller := testSeller
	badSeller.VATNumber = " "

	tests := []struct {
		name         string
		seller       Seller
		amount       int64
		invoices     []IssuedInvoice
		credited     []VATLine
		upToInvoiced bool
		want         int64  // the credit note's total
		refersTo     string // the invoice it refers to
		field        string // or the refusal
		says         string
		nothing      bool // ErrNothingToCredit
	}{
		{name: "part of the invoice", seller: testSeller, amount: 500, invoices: []IssuedInvoice{inv}, want: 500, refersTo: inv.Number},
		{name: "all of it", seller: testSeller, amount: 3966, invoices: []IssuedInvoice{inv}, want: 3966, refersTo: inv.Number},
		{name: "the latest invoice", seller: testSeller, amount: 4500, invoices: []IssuedInvoice{inv, sup}, want: 4500, refersTo: sup.Number},
		{name: "what earlier credit notes left", seller: testSeller, amount: 3466, invoices: []IssuedInvoice{inv}, credited: SplitVAT(500, inv.VAT), want: 3466, refersTo: inv.Number},
		{name: "up to what is invoiced", seller: testSeller, amount: 9999, invoices: []IssuedInvoice{inv}, credited: SplitVAT(500, inv.VAT), upToInvoiced: true, want: 3466, refersTo: inv.Number},
		{name: "above what is invoiced", seller: testSeller, amount: 3967, invoices: []IssuedInvoice{inv}, field: "amount", says: "€39.67 is more than the €39.66"},
		{name: "above what earlier credit notes left", seller: testSeller, amount: 3467, invoices: []IssuedInvoice{inv}, credited: SplitVAT(500, inv.VAT), field: "amount", says: "at most €34.66"},
		{name: "credited in full, up to what is invoiced", seller: testSeller, amount: 100, invoices: []IssuedInvoice{inv}, credited: inv.VAT, upToInvoiced: true, nothing: true},
		{name: "credited in full", seller: testSeller, amount: 100, invoices: []IssuedInvoice{inv}, credited: inv.VAT, field: "amount", says: "more than the €0.00"},
		{name: "zero", seller: testSeller, amount: 0, invoices: []IssuedInvoice{inv}, field: "amount", says: "above 0"},
		{name: "negative", seller: testSeller, amount: -500, invoices: []IssuedInvoice{inv}, field: "amount", says: "above 0"},
		{name: "no invoice", seller: testSeller, amount: 500, field: "invoice", says: "no invoice"},
		{name: "seller without VAT number", seller: badSeller, amount: 500, invoices: []IssuedInvoice{inv}, field: "seller.vat_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DraftCreditNote(o, tt.seller, tt.amount, tt.invoices, tt.credited, CreditBound{UpToInvoiced: tt.upToInvoiced})
			switch {
			case tt.nothing:
				if !errors.Is(err, ErrNothingToCredit) {
					t.Fatalf("err = %v, want ErrNothingToCredit", err)
				}
				return
			case tt.field != "":
				wantFieldError(t, err, tt.field, tt.says)
				return
			case err != nil:
				t.Fatal(err)
			}
			if d.Total != tt.want || d.InvoiceNumber != tt.refersTo {
				t.Errorf("credit note of %d against %s; want %d against %s", d.Total, d.InvoiceNumber, tt.want, tt.refersTo)
			}
			var net, vat, gross int64
			for _, v := range d.VAT {
				if v.Net+v.VAT != v.Gross || v.Net < 0 || v.VAT < 0 {
					t.Errorf("rate %d: net %d + VAT %d, gross %d", v.Rate, v.Net, v.VAT, v.Gross)
				}
				net, vat, gross = net+v.Net, vat+v.VAT, gross+v.Gross
			}
			if gross != d.Total || net != d.Net || vat != d.VATTotal {
				t.Errorf("VAT lines add up to %d + %d = %d; the credit note says %d + %d = %d", net, vat, gross, d.Net, d.VATTotal, d.Total)
			}
			left := CreditableVAT(tt.invoices, tt.credited)
			for _, v := range d.VAT {
				if v.Gross > grossAt(left, v.Rate) {
					t.Errorf("rate %d: credits %d, only %d is left invoiced", v.Rate, v.Gross, grossAt(left, v.Rate))
				}
			}
		})
	}
}

// A refund for an item cancelled after the invoice is credited at that
// item's rate, not spread over the order's rates; what a refund gives
// beyond the items (a gesture) is spread over what is left.
func TestACancelledItemIsCreditedAtItsOwnRate(t *testing.T) {
	before := Order{Number: "C-2026-000125", Currency: "EUR", Lines: []Line{
		{ID: 1, SKU: "MUG", Name: "Mug", UnitPrice: 1250, Quantity: 2, VATRate: 2000},
		{ID: 2, SKU: "LIVRE", Name: "Livre", UnitPrice: 2000, Quantity: 1, VATRate: 550},
	}}
	before.Totals = Reprice(before)
	invs := []IssuedInvoice{issuedAs(1, "F-2026-000011", before)}
	after, err := ApplyCancel(before, CancelRequest{Cancel: []LineQuantity{{LineID: 2, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	now := before
	now.Lines, now.Totals = after.Lines, after.After
	if now.Totals.Total != 2500 {
		t.Fatalf("the order holds %d after the book went, want 2500", now.Totals.Total)
	}

	for _, tt := range []struct {
		name   string
		amount int64
		want   map[int64]int64 // gross credited per rate
	}{
		{"the book's price", 2000, map[int64]int64{550: 2000}},
		{"less than the book", 1500, map[int64]int64{550: 1500}},
		{"the book and a gesture of 5,00 €", 2500, map[int64]int64{550: 2000, 2000: 500}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DraftCreditNote(now, testSeller, tt.amount, invs, nil, CreditBound{UpToInvoiced: true})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]int64{}
			for _, v := range d.VAT {
				got[v.Rate] = v.Gross
				if v.Net+v.VAT != v.Gross {
					t.Errorf("rate %d: net %d + VAT %d, gross %d", v.Rate, v.Net, v.VAT, v.Gross)
				}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("credited %v per rate, want %v", got, tt.want)
			}
		})
	}
}

// What the order bills stays invoiced: the credit note of money that
// moved credits only what the invoices hold beyond it (Position.Billed,
// or BilledPaid for an unpaid invoice given up), whichever of a refund's
// note and a cancelled invoice's note comes first, and nothing for the
// refund of an overpayment.
func TestACreditNoteLeavesWhatTheOrderBillsInvoiced(t *testing.T) {
	o := bookAndMugOrder(Discount{})
	invs := []IssuedInvoice{issuedAs(1, "F-2026-000021", o)}
	total := o.Totals.Total
	for _, tt := range []struct {
		name     string
		amount   int64
		credited int64 // by earlier notes
		billed   int64 // what stays invoiced, the refund's effect included
		want     int64 // 0: nothing to credit
	}{
		{"a refund of a paid order", 1000, 0, total - 1000, 1000},
		{"a refund whose invoice was partly given up already", 1000, 400, total - 1000, 600},
		{"a refund whose invoice was given up down to what is paid", 1000, 1000, total - 1000, 0},
		{"the refund of an overpayment", 1000, 0, total, 0},
		{"an unpaid invoice given up, the order partly paid", total, 0, total - 1500, 1500},
		{"an unpaid invoice given up, nothing paid", total, 0, 0, total},
		{"an order cancelled in full", 1000, 0, 0, 1000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			credited := SplitVAT(tt.credited, o.Totals.VAT)
			d, err := DraftCreditNote(o, testSeller, tt.amount, invs, credited, CreditBound{UpToInvoiced: true, Billed: tt.billed})
			if tt.want == 0 {
				if !errors.Is(err, ErrNothingToCredit) {
					t.Fatalf("got %+v, %v; want ErrNothingToCredit", d, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Total != tt.want || VATGross(d.VAT) != tt.want {
				t.Errorf("credited %d (%v), want %d", d.Total, d.VAT, tt.want)
			}
		})
	}
}

// Refund after refund, credit notes never credit more than was invoiced,
// in total or at any VAT rate, and the last one brings what is left to
// exactly nothing.
func TestCreditNotesNeverExceedWhatWasInvoiced(t *testing.T) {
	o := invoicedOrder()
	three := Order{Number: "C-2026-000124", Currency: "EUR", Lines: []Line{
		{SKU: "A", Name: "A", UnitPrice: 333, Quantity: 1, VATRate: 2000},
		{SKU: "B", Name: "B", UnitPrice: 1, Quantity: 1, VATRate: 550},
		{SKU: "C", Name: "C", UnitPrice: 777, Quantity: 7, VATRate: 210},
	}}
	three.Totals = Reprice(three)
	tests := []struct {
		name    string
		o       Order
		refunds []int64
	}{
		{"cent by cent", three, repeat(1, 6)},
		{"uneven refunds, two rates", o, []int64{1, 999, 7, 1234, 1, 3333}},
		{"uneven refunds, three rates", three, []int64{5, 17, 100, 1, 2000, 333, 10000}},
		{"one refund above everything", o, []int64{100_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			invs := []IssuedInvoice{issuedAs(1, "F-2026-000001", tt.o)}
			var credited []VATLine
			for i := 0; ; i++ {
				amount := tt.refunds[i%len(tt.refunds)]
				d, err := DraftCreditNote(tt.o, testSeller, amount, invs, credited, CreditBound{UpToInvoiced: true})
				if errors.Is(err, ErrNothingToCredit) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if d.Total > amount || VATGross(d.VAT) != d.Total {
					t.Fatalf("refund %d: credit note of %d, VAT split adds up to %d", amount, d.Total, VATGross(d.VAT))
				}
				credited = SumVAT(credited, d.VAT)
				for _, v := range tt.o.Totals.VAT {
					if got := grossAt(credited, v.Rate); got > v.Gross {
						t.Fatalf("after %d credit notes, %d credited at %d bp, %d invoiced", i+1, got, v.Rate, v.Gross)
					}
				}
				if i > 100_000 {
					t.Fatal("the credit notes never use up the invoice")
				}
			}
			if VATGross(credited) != tt.o.Totals.Total {
				t.Errorf("credited %d in all, invoiced %d", VATGross(credited), tt.o.Totals.Total)
			}
			for _, v := range tt.o.Totals.VAT {
				if got := grossAt(credited, v.Rate); got != v.Gross {
					t.Errorf("rate %d: credited %d, invoiced %d", v.Rate, got, v.Gross)
				}
			}
		})
	}
}

func TestSplitVATAddsUpToTheCent(t *testing.T) {
	basis := []VATLine{{Rate: 550, Gross: 1048}, {Rate: 2000, Gross: 2918}, {Rate: 1000, Gross: 0}, {Rate: 210, Gross: -50}}
	even := []VATLine{{Rate: 210, Gross: 100}, {Rate: 550, Gross: 100}, {Rate: 2000, Gross: 100}}
	tests := []struct {
		name   string
		amount int64
		basis  []VATLine
		want   []VATLine
	}{
		{"nothing", 0, basis, nil},
		{"negative", -1, basis, nil},
		{"one cent goes to the largest share", 1, basis, []VATLine{{Rate: 2000, Net: 1, VAT: 0, Gross: 1}}},
		{"in proportion, empty and negative rates left out", 100, basis, []VATLine{{Rate: 550, Net: 25, VAT: 1, Gross: 26}, {Rate: 2000, Net: 62, VAT: 12, Gross: 74}}},
		{"all of it", 3966, basis, []VATLine{{Rate: 550, Net: 993, VAT: 55, Gross: 1048}, {Rate: 2000, Net: 2432, VAT: 486, Gross: 2918}}},
		{"two cents left over go to two rates", 200, even, []VATLine{{Rate: 210, Net: 66, VAT: 1, Gross: 67}, {Rate: 550, Net: 64, VAT: 3, Gross: 67}, {Rate: 2000, Net: 55, VAT: 11, Gross: 66}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitVAT(tt.amount, tt.basis)
			if len(got) != len(tt.want) {
				t.Fatalf("SplitVAT(%d) = %+v, want %+v", tt.amount, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("SplitVAT(%d)[%d] = %+v, want %+v", tt.amount, i, got[i], tt.want[i])
				}
			}
		})
	}
	// The largest amounts an order can hold do not overflow the split.
	const most = MaxUnitPrice * MaxQuantity // one line at the largest price and quantity
	big := []VATLine{{Rate: 550, Gross: most / 3}, {Rate: 2000, Gross: most - most/3}}
	got := SplitVAT(most-1, big)
	if VATGross(got) != most-1 {
		t.Fatalf("SplitVAT of the largest order adds up to %d: %+v", VATGross(got), got)
	}
	for _, v := range got {
		if v.Net < 0 || v.VAT < 0 || v.Net+v.VAT != v.Gross {
			t.Errorf("SplitVAT of the largest order: %+v", v)
		}
	}
}

func TestSellerCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Seller)
		field  string
	}{
		{"complete", func(s *Seller) {}, ""},
		{"SIRET without spaces", func(s *Seller) { s.SIRET = "12345678900012" }, ""},
		{"no name", func(s *Seller) { s.Name = "  " }, "seller.name"},
		{"no street", func(s *Seller) { s.Address.Line1 = "" }, "seller.address"},
		{"no city", func(s *Seller) { s.Address.City = "" }, "seller.address"},
		{"SIRET too short", func(s *Seller) { s.SIRET = "123 456 789" }, "seller.siret"},
		{"SIRET with a letter", func(s *Seller) { s.SIRET = "123 456 789 0001A" }, "seller.siret"},
		{"no VAT number", func(s *Seller) { s.VATNumber = "" }, "seller.vat_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSeller
			tt.change(&s)
			err := s.Check()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantFieldError(t, err, tt.field)
		})
	}
}

func TestDocumentNumbers(t *testing.T) {
	tests := []struct{ got, want string }{
		{InvoiceNumber(2026, 1), "F-2026-000001"},
		{InvoiceNumber(2027, 123456), "F-2027-123456"},
		{CreditNoteNumber(2026, 42), "A-2026-000042"},
		{CreditNoteNumber(2026, 1234567), "A-2026-1234567"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("number %q, want %q", tt.got, tt.want)
		}
	}
}

// FuzzCreditNotes: for any invoice and any refunds, a credit note equals
// the refund (or what is left, up to what is invoiced), never credits a
// rate beyond what is left of it, and Net + VAT = Gross at every rate.
func FuzzCreditNotes(f *testing.F) {
	f.Add(int64(1250), int64(2390), int64(690), int64(1), int64(999), int64(3333))
	f.Add(int64(1), int64(1), int64(1), int64(1), int64(1), int64(1))
	f.Add(int64(1_000_000_000), int64(999_999_999), int64(1_000_000_000), int64(7), int64(1<<40), int64(-3))
	f.Fuzz(func(t *testing.T, p1, p2, fee, r1, r2, r3 int64) {
		o := Order{Number: "C-2026-000125", Currency: "EUR",
			ShippingRules: ShippingRules{Method: "Colissimo", VATRate: 1000},
			ShippingFee:   absMod(fee, MaxUnitPrice+1),
			Lines: []Line{
				{SKU: "A", Name: "A", UnitPrice: absMod(p1, MaxUnitPrice+1), Quantity: 3, VATRate: 2000},
				{SKU: "B", Name: "B", UnitPrice: absMod(p2, MaxUnitPrice+1), Quantity: 1, VATRate: 550},
			}}
		o.Totals = Reprice(o)
		if o.Totals.Total <= 0 {
			return
		}
		invs := []IssuedInvoice{issuedAs(1, "F-2026-000001", o)}
		var credited []VATLine
		for _, r := range []int64{r1, r2, r3} {
			amount := absMod(r, o.Totals.Total+1)
			left := VATGross(CreditableVAT(invs, credited))
			d, err := DraftCreditNote(o, testSeller, amount, invs, credited, CreditBound{UpToInvoiced: true})
			switch {
			case amount == 0:
				wantFieldError(t, err, "amount")
				continue
			case left == 0:
				if !errors.Is(err, ErrNothingToCredit) {
					t.Fatalf("nothing left, refund %d: %v", amount, err)
				}
				continue
			case err != nil:
				t.Fatal(err)
			}
			if d.Total != min(amount, left) || VATGross(d.VAT) != d.Total || d.Net+d.VATTotal != d.Total {
				t.Fatalf("refund %d with %d left: credit note %+v", amount, left, d)
			}
			for _, v := range d.VAT {
				if v.Net < 0 || v.VAT < 0 || v.Net+v.VAT != v.Gross {
					t.Fatalf("refund %d: %+v", amount, v)
				}
			}
			credited = SumVAT(credited, d.VAT)
			for _, v := range o.Totals.VAT {
				if grossAt(credited, v.Rate) > v.Gross {
					t.Fatalf("rate %d: %d credited, %d invoiced", v.Rate, grossAt(credited, v.Rate), v.Gross)
				}
			}
		}
	})
}

func grossAt(vs []VATLine, rate int64) int64 {
	for _, v := range vs {
		if v.Rate == rate {
			return v.Gross
		}
	}
	return 0
}

func repeat(v int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// An order first invoiced after items came back, or after a commercial
// gesture, is billed what the customer keeps and pays for: its lines, then
// the returned items and the gesture taken off, so the invoice is no more
// than the books bill.
func TestAFirstInvoiceAfterAReturnOrAGestureBillsWhatTheCustomerKeeps(t *testing.T) {
	o := bookAndMugOrder(Discount{})
	back := ReturnCredit(o, []ReturnLine{{LineID: 2, Quantity: 1}}, nil, 0, 0).VAT
	for _, c := range []struct {
		name     string
		books    Books
		billed   int64
		describe string
	}{
		{"a gesture", Books{Gestures: 500, Billed: o.Totals.Total - 500}, o.Totals.Total - 500, "Geste commercial"},
		{"the mug back", Books{Returned: back, Billed: o.Totals.Total - VATGross(back)}, o.Totals.Total - VATGross(back), "Articles retournés"},
		{"both", Books{Returned: back, Gestures: 300, Billed: o.Totals.Total - VATGross(back) - 300}, o.Totals.Total - VATGross(back) - 300, "Geste commercial"},
	} {
		d, err := DraftInvoice(o, testSeller, c.books, "")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkDraft(t, d)
		if d.Supplementary || d.Total != c.billed {
			t.Errorf("%s: first invoice of %d (supplementary %v), want %d, what the books bill", c.name, d.Total, d.Supplementary, c.billed)
		}
		found := false
		for _, l := range d.Lines {
			found = found || (l.Description == c.describe && l.Total < 0)
		}
		if !found {
			t.Errorf("%s: no line %q takes it off: %+v", c.name, c.describe, d.Lines)
		}
	}
	// Everything came back: nothing to invoice.
	all := ReturnCredit(o, []ReturnLine{{LineID: 1, Quantity: 1}, {LineID: 2, Quantity: 1}}, nil, 690, 0).VAT
	if _, err := DraftInvoice(o, testSeller, Books{Returned: all}, ""); err == nil {
		t.Errorf("an order whose items all came back was invoiced")
	}
}
