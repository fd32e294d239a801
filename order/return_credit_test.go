package order

import (
	"errors"
	"testing"
)

// bookAndMugOrder is a shipped order of a cookbook at 23,90 € (VAT 5,5 %) and a
// mug at 12,50 € (VAT 20 %), with 6,90 € of delivery at 20 %.
func bookAndMugOrder(d Discount) Order {
	o := Order{
		ID: 7, Number: "C-2026-000777", Currency: "EUR", Status: StatusPaid, Logistics: LogisticsShipped,
		ShippingRules: ShippingRules{Method: "Colissimo domicile", Fee: 690, VATRate: 2000},
		ShippingFee:   690,
		Discount:      d,
		Lines: []Line{
			{ID: 1, SKU: "BOOK-01", Name: "Livre de cuisine", UnitPrice: 2390, Quantity: 1, VATRate: 550, Physical: true, QtyShipped: 1},
			{ID: 2, SKU: "MUG-01", Name: "Mug émaillé", UnitPrice: 1250, Quantity: 1, VATRate: 2000, Physical: true, QtyShipped: 1},
		},
	}
	o.Totals = Reprice(o)
	return o
}

var bookBack = []ReturnLine{{LineID: 1, Quantity: 1}}

// settleForCredit is what SettleReturn says a return of accepted pays back, for a
// customer who paid the order in full.
func settleForCredit(o Order, reason ReturnReason, accepted []ReturnLine, returned map[int64]int64, rules ReturnRules) ReturnSettlement {
	req := ReturnRequest{Lines: accepted, Reason: reason, Resolution: ReturnRefund}
	return SettleReturn(o, req, accepted, returned, rules, PaidInFull(o.Totals.Total))
}

// checkReturnCredit asserts the invariants of a return's credit: each rate's
// net + VAT = gross with the net the gross over (1 + rate) rounded, rates
// sorted, distinct and none empty, the grosses adding up to the total.
func checkReturnCredit(t testing.TB, c Totals) {
	t.Helper()
	var sum int64
	for i, v := range c.VAT {
		if v.Net+v.VAT != v.Gross {
			t.Errorf("rate %d: net %d + VAT %d != gross %d", v.Rate, v.Net, v.VAT, v.Gross)
		}
		if v.Gross == 0 {
			t.Errorf("rate %d: an empty line %+v", v.Rate, v)
		}
		if diff := v.Net*(10000+v.Rate) - v.Gross*10000; 2*diff > 10000+v.Rate || -2*diff > 10000+v.Rate {
			t.Errorf("rate %d: net %d is not gross %d / (1 + rate) rounded", v.Rate, v.Net, v.Gross)
		}
		if i > 0 && c.VAT[i-1].Rate >= v.Rate {
			t.Errorf("VAT lines not sorted by distinct rate: %+v", c.VAT)
		}
		sum += v.Gross
	}
	if sum != c.Total {
		t.Errorf("grosses add up to %d, total is %d (%+v)", sum, c.Total, c)
	}
	if c.Total != c.Merchandise-c.Discount+c.Shipping {
		t.Errorf("total %d != merchandise %d - discount %d + shipping %d", c.Total, c.Merchandise, c.Discount, c.Shipping)
	}
	if c.Total < 0 {
		t.Errorf("a return credits %d, below zero", c.Total)
	}
}

func TestTheBookReturnedAloneIsCreditedAtItsRate(t *testing.T) {
	o := bookAndMugOrder(Discount{})
	s := settleForCredit(o, ReturnDamaged, bookBack, nil, DefaultReturnRules())
	c := ReturnCredit(o, bookBack, nil, s.Delivery, s.Cost)
	checkReturnCredit(t, c)
	if len(c.VAT) != 1 || c.VAT[0].Rate != 550 {
		t.Fatalf("the book alone came back: VAT %+v, want one line at 5,5 %%", c.VAT)
	}
	if c.Total != 2390 || c.Total != s.Items {
		t.Errorf("credited %d, the book cost 23,90 € and the settlement refunds %d", c.Total, s.Items)
	}
	// 23,90 € TTC at 5,5 %: 22,65 € HT and 1,25 € of VAT.
	if v := c.VAT[0]; v.Net != 2265 || v.VAT != 125 {
		t.Errorf("book at 5,5 %%: %+v, want 22,65 € net and 1,25 € VAT", v)
	}
	// The same order, split the old way (in proportion to the invoice),
	// would have credited the mug's 20 % too: the point of ReturnCredit.
	if old := SplitVAT(2390, o.Totals.VAT); len(old) < 2 {
		t.Fatalf("the proportional split %+v no longer spans the invoice's rates: this test proves nothing", old)
	}
}

func TestAPercentageDiscountGoesBackWithTheBooksRate(t *testing.T) {
	o := bookAndMugOrder(Discount{Kind: DiscountPercent, Percent: 1000, Code: "DIX"}) // 10 %
	s := settleForCredit(o, ReturnWithdrawal, bookBack, nil, DefaultReturnRules())
	c := ReturnCredit(o, bookBack, nil, s.Delivery, s.Cost)
	checkReturnCredit(t, c)
	// 23,90 € less 10 % = 21,51 €, all at 5,5 %.
	if len(c.VAT) != 1 || c.VAT[0].Rate != 550 || c.VAT[0].Gross != 2151 {
		t.Errorf("the book less 10 %%: VAT %+v, want 21,51 € at 5,5 %% only", c.VAT)
	}
	if c.Total != s.Items || c.Merchandise != 2390 || c.Discount != 239 {
		t.Errorf("credit %+v, settlement items %d: want 23,90 € less 2,39 € of discount", c, s.Items)
	}
}

func TestAFixedDiscountMovesOntoTheItemsKept(t *testing.T) {
	o := bookAndMugOrder(Discount{Kind: DiscountFixed, Amount: 1000, Code: "DIXEUROS"})
	// Invoiced: the 10 € shared 6,57 € on the book and 3,43 € on the mug
	// (Price's largest remainder), so 17,33 € at 5,5 % and 9,07 € at 20 %.
	inv := map[int64]int64{}
	for _, v := range o.Totals.VAT {
		inv[v.Rate] = v.Gross
	}
	if inv[550] != 1733 || inv[2000] != 907+690 {
		t.Fatalf("the order's VAT %+v is not the one this test reasons on", o.Totals.VAT)
	}
	s := settleForCredit(o, ReturnDamaged, bookBack, nil, DefaultReturnRules())
	c := ReturnCredit(o, bookBack, nil, s.Delivery, s.Cost)
	checkReturnCredit(t, c)
	// The customer keeps the mug, which now bears the whole 10 € (2,50 €
	// left): the book's 17,33 € go back at 5,5 %, and the mug's 6,57 € of
	// price lost to the discount at 20 %. Together the book's 23,90 €.
	if c.Total != 2390 || c.Total != s.Items {
		t.Errorf("credited %d, settlement items %d, want 23,90 €", c.Total, s.Items)
	}
	want := map[int64]int64{550: 1733, 2000: 657}
	if len(c.VAT) != 2 {
		t.Fatalf("VAT %+v, want 5,5 %% and 20 %%", c.VAT)
	}
	for _, v := range c.VAT {
		if v.Gross != want[v.Rate] {
			t.Errorf("rate %d credited %d, want %d", v.Rate, v.Gross, want[v.Rate])
		}
	}
	// What is left invoiced at each rate is what the mug alone costs now.
	kept := bookAndMugOrder(o.Discount)
	kept.Lines[0].QtyCancelled = 1
	for _, v := range Reprice(kept).VAT {
		if left := inv[v.Rate] - grossAt(c.VAT, v.Rate); left != v.Gross {
			t.Errorf("rate %d: %d left invoiced, the order without the book is %d", v.Rate, left, v.Gross)
		}
	}
	if left := inv[550] - grossAt(c.VAT, 550); left != 0 {
		t.Errorf("%d left invoiced at 5,5 %% once the book is back", left)
	}
}

func TestAFullWithdrawalCreditsTheDeliveryLessTheReturnCost(t *testing.T) {
	o := bookAndMugOrder(Discount{})
	both := []ReturnLine{{LineID: 1, Quantity: 1}, {LineID: 2, Quantity: 1}}
	rules := DefaultReturnRules()
	rules.ChargeReturnCost, rules.ReturnCost = true, 590
	s := settleForCredit(o, ReturnWithdrawal, both, nil, rules)
	if s.Delivery != 690 || s.Cost != 590 {
		t.Fatalf("settlement %+v: want the 6,90 € delivery back and 5,90 € kept", s)
	}
	c := ReturnCredit(o, both, nil, s.Delivery, s.Cost)
	checkReturnCredit(t, c)
	if c.Total != s.Items+s.Delivery-s.Cost || c.Total != 2390+1250+100 {
		t.Errorf("credited %d, want items 36,40 € + 6,90 € - 5,90 €", c.Total)
	}
	if g := grossAt(c.VAT, 2000); g != 1250+690-590 {
		t.Errorf("20 %%: %d, want the mug, the delivery less the return cost (13,50 €)", g)
	}
	if g := grossAt(c.VAT, 550); g != 2390 {
		t.Errorf("5,5 %%: %d, want the book's 23,90 €", g)
	}
	if c.Shipping != 100 {
		t.Errorf("shipping part %d, want 6,90 € - 5,90 €", c.Shipping)
	}
}

func TestTheReturnCostIsAChargeAtTheShippingRate(t *testing.T) {
	o := bookAndMugOrder(Discount{})
	c := ReturnCredit(o, bookBack, nil, 0, 590)
	checkReturnCredit(t, c)
	if grossAt(c.VAT, 550) != 2390 || grossAt(c.VAT, 2000) != -590 || c.Total != 1800 {
		t.Errorf("book back, 5,90 € kept: %+v, want 23,90 € at 5,5 %% and -5,90 € at 20 %%", c)
	}
	// A cost above what comes back never makes the credit negative.
	c = ReturnCredit(o, bookBack, nil, 0, 5000)
	checkReturnCredit(t, c)
	if c.Total != 0 || grossAt(c.VAT, 550) != 2390 || grossAt(c.VAT, 2000) != -2390 {
		t.Errorf("cost 50 € for a 23,90 € book: %+v, want a total of 0", c)
	}
	// Nothing accepted, nothing credited.
	if c := ReturnCredit(o, nil, nil, 0, 590); c.Total != 0 || len(c.VAT) != 0 {
		t.Errorf("nothing accepted: %+v, want nothing", c)
	}
}

func TestAReturnAfterAnEarlierOneCreditsOnlyWhatCameBackNow(t *testing.T) {
	o := bookAndMugOrder(Discount{Kind: DiscountFixed, Amount: 1000})
	// The book came back earlier; now the mug does: the mug bore the whole
	// discount since, so 2,50 € go back, at 20 %.
	mug := []ReturnLine{{LineID: 2, Quantity: 1}}
	earlier := map[int64]int64{1: 1}
	s := settleForCredit(o, ReturnDamaged, mug, earlier, DefaultReturnRules())
	c := ReturnCredit(o, mug, earlier, s.Delivery, s.Cost)
	checkReturnCredit(t, c)
	if c.Total != s.Items || c.Total != 250 || len(c.VAT) != 1 || c.VAT[0].Rate != 2000 {
		t.Errorf("the mug after the book: %+v, settlement items %d; want 2,50 € at 20 %% only", c, s.Items)
	}
	// More than can still come back is capped as the settlement caps it.
	again := ReturnCredit(o, []ReturnLine{{LineID: 1, Quantity: 1}}, earlier, 0, 0)
	if again.Total != 0 || len(again.VAT) != 0 {
		t.Errorf("the book a second time: %+v, want nothing", again)
	}
}

// FuzzReturnCredit: for any order, discount, delivery rate, items returned
// before and accepted now, and return cost, the credit adds up exactly to
// what SettleReturn says the items, delivery and cost are worth, and
// every rate's line holds.
func FuzzReturnCredit(f *testing.F) {
	f.Add(int64(2390), int64(1), uint8(2), int64(1250), int64(2), uint8(5), int64(1990), int64(3), uint8(5),
		uint8(0), int64(0), int64(0), int64(690), uint8(5), int64(0x0102), int64(0), int64(0), false)
	f.Add(int64(2390), int64(1), uint8(2), int64(1250), int64(2), uint8(5), int64(1990), int64(3), uint8(5),
		uint8(2), int64(0), int64(1000), int64(690), uint8(5), int64(0x030201), int64(0), int64(590), true)
	f.Add(int64(999), int64(7), uint8(1), int64(1), int64(1), uint8(3), int64(5), int64(5), uint8(4),
		uint8(1), int64(1000), int64(0), int64(490), uint8(2), int64(0x050107), int64(0x0203), int64(50_000), true)
	f.Add(int64(1_000_000_000), int64(10_000), uint8(5), int64(999_999_999), int64(9_999), uint8(2), int64(1), int64(1), uint8(1),
		uint8(2), int64(1<<62), int64(3333), int64(1_000_000_000), uint8(1), int64(-1), int64(-1), int64(1<<40), true)
	f.Fuzz(func(t *testing.T, p1, q1 int64, r1 uint8, p2, q2 int64, r2 uint8, p3, q3 int64, r3 uint8,
		kind uint8, amount, percent, fee int64, shipRate uint8, accept, before, cost int64, withdrawal bool) {
		lines := []Line{fuzzLine(1, p1, q1, r1), fuzzLine(2, p2, q2, r2), fuzzLine(3, p3, q3, r3)}
		for i := range lines {
			lines[i].QtyShipped = lines[i].Quantity
		}
		fee = absMod(fee, MaxUnitPrice+1)
		o := Order{Number: "C-2026-000999", Currency: "EUR", Lines: lines, Discount: fuzzDiscount(kind, amount, percent),
			ShippingRules: ShippingRules{Method: "Colissimo", Fee: fee, VATRate: fuzzRates[int(shipRate)%len(fuzzRates)]},
			ShippingFee:   fee}
		o.Totals = Reprice(o)
		// One byte per line of accept and before: the quantity accepted now
		// and returned earlier (folded into what the line holds, or beyond).
		var accepted []ReturnLine
		returned := map[int64]int64{}
		for i, l := range lines {
			a := absMod(accept>>(8*i)&0xff, 256)
			b := absMod(before>>(8*i)&0xff, 256)
			returned[l.ID] = b % (l.Quantity + 2)
			if a > 0 {
				accepted = append(accepted, ReturnLine{LineID: l.ID, Quantity: a % (l.Quantity + 2)})
			}
		}
		reason := ReturnDamaged
		if withdrawal {
			reason = ReturnWithdrawal
		}
		rules := DefaultReturnRules()
		rules.ChargeReturnCost, rules.ReturnCost = cost != 0, absMod(cost, MaxUnitPrice+1)
		s := settleForCredit(o, reason, accepted, returned, rules)
		c := ReturnCredit(o, accepted, returned, s.Delivery, s.Cost)
		checkReturnCredit(t, c)
		if c.Total != s.Items+s.Delivery-s.Cost {
			t.Fatalf("credit %d, settlement items %d + delivery %d - cost %d (%+v, accepted %v, returned %v)",
				c.Total, s.Items, s.Delivery, s.Cost, c, accepted, returned)
		}
		if c.Merchandise-c.Discount != s.Items || c.Shipping != s.Delivery-s.Cost {
			t.Fatalf("credit %+v does not split as the settlement %+v", c, s)
		}
		// Without a discount a rate no item accepted carries, other than
		// the shipping rate, is never credited.
		if o.Discount.Kind == DiscountNone {
			rates := map[int64]bool{o.ShippingRules.VATRate: true}
			for _, a := range accepted {
				if l, ok := o.Line(a.LineID); ok {
					rates[l.VATRate] = true
				}
			}
			for _, v := range c.VAT {
				if !rates[v.Rate] {
					t.Fatalf("rate %d credited %d though nothing at that rate came back: %+v", v.Rate, v.Gross, c.VAT)
				}
			}
		}
	})
}

func TestDraftCreditNoteVATCreditsTheGivenRates(t *testing.T) {
	o := bookAndMugOrder(Discount{})
	invs := []IssuedInvoice{issuedAs(1, "F-2026-000001", o)}
	book := ReturnCredit(o, bookBack, nil, 0, 0).VAT

	d, err := DraftCreditNoteVAT(o, testSeller, book, invs, nil, CreditBound{UpToInvoiced: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.Total != 2390 || len(d.VAT) != 1 || d.VAT[0].Rate != 550 || d.Net+d.VATTotal != d.Total || d.InvoiceNumber != "F-2026-000001" {
		t.Errorf("the book's credit note: %+v, want 23,90 € at 5,5 %% on F-2026-000001", d)
	}

	// Most of the order already credited: what is left at the book's
	// rate, no more, and nothing at the mugs' rate, though 10 € are left
	// invoiced in all.
	credited := SplitVAT(o.Totals.Total-1000, o.Totals.VAT)
	leftAtBook := VATGross(SubtractVAT(o.Totals.VAT, credited)[:1])
	d, err = DraftCreditNoteVAT(o, testSeller, book, invs, credited, CreditBound{UpToInvoiced: true})
	if err != nil {
		t.Fatal(err)
	}
	if leftAtBook >= 1000 || d.Total != leftAtBook || len(d.VAT) != 1 || d.VAT[0].Rate != 550 || d.Net+d.VATTotal != d.Total {
		t.Errorf("10 € left invoiced, %d at 5,5 %%: %+v, want a note of what is left at 5,5 %%", leftAtBook, d)
	}
	_, err = DraftCreditNoteVAT(o, testSeller, book, invs, credited, CreditBound{})
	wantFieldError(t, err, "vat", "23.90", "10.00")

	// Nothing left at the book's rate: nothing to credit, though the mugs'
	// rate is invoiced in full.
	bookCredited := SplitVAT(2390, book)
	if _, err := DraftCreditNoteVAT(o, testSeller, book, invs, bookCredited, CreditBound{UpToInvoiced: true}); !errors.Is(err, ErrNothingToCredit) {
		t.Errorf("the book credited already: %v, want ErrNothingToCredit", err)
	}
	_, err = DraftCreditNoteVAT(o, testSeller, book, invs, bookCredited, CreditBound{})
	wantFieldError(t, err, "vat", "23.90")

	// The book was never paid (a balance asked for it is still due): the
	// invoices keep covering what the customer paid, so the note credits
	// only what they hold beyond it.
	d, err = DraftCreditNoteVAT(o, testSeller, book, invs, nil, CreditBound{UpToInvoiced: true, Billed: o.Totals.Total - 500})
	if err != nil {
		t.Fatal(err)
	}
	if d.Total != 500 || len(d.VAT) != 1 || d.VAT[0].Rate != 550 {
		t.Errorf("5 € of the order unpaid: %+v, want a note of 5 € at 5,5 %%", d)
	}
	if _, err := DraftCreditNoteVAT(o, testSeller, book, invs, nil, CreditBound{UpToInvoiced: true, Billed: o.Totals.Total}); !errors.Is(err, ErrNothingToCredit) {
		t.Errorf("the order paid in full and invoiced once: %v, want ErrNothingToCredit", err)
	}

	all := SplitVAT(o.Totals.Total, o.Totals.VAT)
	if _, err := DraftCreditNoteVAT(o, testSeller, book, invs, all, CreditBound{UpToInvoiced: true}); !errors.Is(err, ErrNothingToCredit) {
		t.Errorf("everything credited already: %v, want ErrNothingToCredit", err)
	}
	_, err = DraftCreditNoteVAT(o, testSeller, nil, invs, nil, CreditBound{UpToInvoiced: true})
	wantFieldError(t, err, "vat")
	_, err = DraftCreditNoteVAT(o, testSeller, book, nil, nil, CreditBound{UpToInvoiced: true})
	wantFieldError(t, err, "invoice", o.Number)
}
