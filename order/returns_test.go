package order

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// shippedOrder is sampleOrder shipped whole, with 6,90 € of delivery paid.
func shippedOrder() Order {
	o := sampleOrder()
	o.Logistics = LogisticsShipped
	o.ShippingFee = 690
	for i := range o.Lines {
		o.Lines[i].QtyShipped = o.Lines[i].Quantity
	}
	o.Totals = Reprice(o)
	return o
}

func TestAReturnIsRefusedNamingTheFieldAtFault(t *testing.T) {
	o := shippedOrder()
	o.Lines[2].QtyShipped = 1 // 1 T-shirt of 3 shipped
	refund := func(lines ...ReturnLine) ReturnRequest {
		return ReturnRequest{Lines: lines, Reason: ReturnWithdrawal, Resolution: ReturnRefund}
	}
	for _, tt := range []struct {
		name     string
		req      ReturnRequest
		returned map[int64]int64
		field    string
	}{
		{"no item", refund(), nil, "lines"},
		{"a line of another order", refund(ReturnLine{LineID: 99, Quantity: 1}), nil, "lines[0].line_id"},
		{"the same line twice", refund(ReturnLine{LineID: 11, Quantity: 1}, ReturnLine{LineID: 11, Quantity: 1}), nil, "lines[1].line_id"},
		{"no quantity", refund(ReturnLine{LineID: 11, Quantity: 0}), nil, "lines[0].quantity"},
		{"more than shipped", refund(ReturnLine{LineID: 13, Quantity: 2}), nil, "lines[0].quantity"},
		{"more than shipped minus returned", refund(ReturnLine{LineID: 11, Quantity: 2}), map[int64]int64{11: 1}, "lines[0].quantity"},
		{"an unknown reason", ReturnRequest{Lines: []ReturnLine{{LineID: 11, Quantity: 1}}, Reason: "bored", Resolution: ReturnRefund}, nil, "reason"},
		{"an unknown resolution", ReturnRequest{Lines: []ReturnLine{{LineID: 11, Quantity: 1}}, Reason: ReturnDamaged, Resolution: "voucher"}, nil, "resolution"},
		{"an exchange for nothing", ReturnRequest{Lines: []ReturnLine{{LineID: 11, Quantity: 1}}, Reason: ReturnDamaged, Resolution: ReturnExchange}, nil, "exchange"},
		{"a refund with new items", ReturnRequest{Lines: []ReturnLine{{LineID: 11, Quantity: 1}}, Reason: ReturnDamaged, Resolution: ReturnRefund,
			Exchange: []Line{{SKU: "MUG-02", UnitPrice: 1500, Quantity: 1}}}, nil, "exchange"},
		{"an exchange item at an impossible price", ReturnRequest{Lines: []ReturnLine{{LineID: 11, Quantity: 1}}, Reason: ReturnDamaged, Resolution: ReturnExchange,
			Exchange: []Line{{SKU: "MUG-02", UnitPrice: MaxUnitPrice + 1, Quantity: 1}}}, nil, "exchange[0].unit_price"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateReturn(o, tt.req, tt.returned)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ValidateReturn = %v, want a refusal of %s", err, tt.field)
			}
			if fe.Field != tt.field {
				t.Errorf("refused %s (%v), want %s", fe.Field, err, tt.field)
			}
		})
	}
	if err := ValidateReturn(o, refund(ReturnLine{LineID: 13, Quantity: 1}, ReturnLine{LineID: 11, Quantity: 1}), map[int64]int64{11: 1}); err != nil {
		t.Errorf("the shipped T-shirt and the mug not yet returned: %v", err)
	}
}

func TestTheWithdrawalWindowEndsWithTheFourteenthDay(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	r := DefaultReturnRules()
	delivered := time.Date(2026, 11, 2, 16, 30, 0, 0, paris)
	end := r.WithdrawalDeadline(delivered, paris)
	if want := time.Date(2026, 11, 16, 23, 59, 59, 999999999, paris); !end.Equal(want) {
		t.Errorf("deadline %v, want %v (the end of the 14th day after delivery)", end, want)
	}
	if around := r.DeliveredAround(time.Date(2026, 11, 2, 10, 0, 0, 0, paris)); around.Day() != 5 {
		t.Errorf("no delivery date: counted from %v, want 3 days after the shipment", around)
	}
	if due := r.RefundDeadline(time.Date(2026, 11, 10, 9, 0, 0, 0, paris)); due.Day() != 24 {
		t.Errorf("refund due %v, want 14 days after the withdrawal was received", due)
	}
}

func TestWhatAReturnPaysBack(t *testing.T) {
	o := shippedOrder() // 108,60 € of items + 6,90 € delivery
	all := []ReturnLine{{LineID: 11, Quantity: 2}, {LineID: 12, Quantity: 1}, {LineID: 13, Quantity: 3}}
	withdrawal := ReturnRequest{Lines: all, Reason: ReturnWithdrawal, Resolution: ReturnRefund}
	rules := DefaultReturnRules()

	t.Run("a full withdrawal gets the delivery back", func(t *testing.T) {
		s := SettleReturn(o, withdrawal, all, nil, rules, PaidInFull(o.Totals.Total))
		if !s.FullWithdrawal || s.Items != 10860 || s.Delivery != 690 || s.Refund != 11550 || s.BalanceDue != 0 {
			t.Errorf("full withdrawal: %+v, want 108,60 € + 6,90 € = 115,50 €", s)
		}
	})
	t.Run("the return's cost is kept when the terms say so", func(t *testing.T) {
		charged := rules
		charged.ChargeReturnCost, charged.ReturnCost = true, 590
		s := SettleReturn(o, withdrawal, all, nil, charged, PaidInFull(o.Totals.Total))
		if s.Cost != 590 || s.Refund != 11550-590 {
			t.Errorf("return cost charged: %+v", s)
		}
		damaged := withdrawal
		damaged.Reason = ReturnDamaged
		if s := SettleReturn(o, damaged, all, nil, charged, PaidInFull(o.Totals.Total)); s.Cost != 0 || s.Delivery != 0 || s.Refund != 10860 {
			t.Errorf("a damaged item costs the customer nothing to send back, and is not a withdrawal: %+v", s)
		}
	})
	t.Run("accepted in part", func(t *testing.T) {
		s := SettleReturn(o, withdrawal, []ReturnLine{{LineID: 13, Quantity: 2}}, nil, rules, PaidInFull(o.Totals.Total))
		if s.FullWithdrawal || s.Delivery != 0 || s.Refund != 3980 {
			t.Errorf("2 T-shirts of 3 accepted: %+v, want 39,80 €", s)
		}
	})
	t.Run("the last items of an order returned in two goes", func(t *testing.T) {
		s := SettleReturn(o, withdrawal, []ReturnLine{{LineID: 13, Quantity: 3}}, map[int64]int64{11: 2, 12: 1}, rules, PaidInFull(o.Totals.Total))
		if !s.FullWithdrawal || s.Refund != 5970+690 {
			t.Errorf("the rest of the order comes back: %+v, want 59,70 € + 6,90 €", s)
		}
	})
	t.Run("refused", func(t *testing.T) {
		if s := SettleReturn(o, withdrawal, nil, nil, rules, PaidInFull(o.Totals.Total)); s.Refund != 0 || s.BalanceDue != 0 || s.FullWithdrawal {
			t.Errorf("nothing accepted pays nothing back: %+v", s)
		}
	})
	t.Run("a percentage discount goes back in proportion", func(t *testing.T) {
		d := o
		d.Discount = Discount{Kind: DiscountPercent, Percent: 1000} // 10 %
		if s := SettleReturn(d, withdrawal, []ReturnLine{{LineID: 11, Quantity: 2}}, nil, rules, PaidInFull(d.Totals.Total)); s.Items != 2250 {
			t.Errorf("2 mugs at 12,50 € less 10 %%: %+v, want 22,50 €", s)
		}
	})
	t.Run("an exchange for dearer and for cheaper items", func(t *testing.T) {
		ex := ReturnRequest{Lines: []ReturnLine{{LineID: 11, Quantity: 1}}, Reason: ReturnWrongItem, Resolution: ReturnExchange,
			Exchange: []Line{{SKU: "MUG-XL", UnitPrice: 1590, Quantity: 1}}}
		if s := SettleReturn(o, ex, ex.Lines, nil, rules, PaidInFull(o.Totals.Total)); s.Refund != 0 || s.BalanceDue != 340 {
			t.Errorf("a 15,90 € mug for a 12,50 € one: %+v, want 3,40 € due", s)
		}
		ex.Exchange[0].UnitPrice = 990
		if s := SettleReturn(o, ex, ex.Lines, nil, rules, PaidInFull(o.Totals.Total)); s.Refund != 260 || s.BalanceDue != 0 {
			t.Errorf("a 9,90 € mug for a 12,50 € one: %+v, want 2,60 € back", s)
		}
	})
	t.Run("items not paid for yet are simply no longer owed", func(t *testing.T) {
		// 115,50 € ordered, 50 € paid so far: the customer sends the
		// T-shirts back (59,70 €). They owed 65,50 €; now 5,80 €: nothing
		// goes back, and the rest is still due, not asked again.
		paid := PositionOf([]Entry{{Kind: EntryPayment, Amount: 5000, Ref: "p"}}, o.Totals.Total)
		r := ReturnRequest{Lines: []ReturnLine{{LineID: 13, Quantity: 3}}, Reason: ReturnDamaged, Resolution: ReturnRefund}
		s := SettleReturn(o, r, r.Lines, nil, rules, paid)
		if s.Credit != 5970 || s.Refund != 0 || s.BalanceDue != 0 {
			t.Errorf("a return on an order half paid: %+v, want a credit of 59,70 € and nothing back", s)
		}
		after := PositionOf([]Entry{{Kind: EntryPayment, Amount: 5000, Ref: "p"}, {Kind: EntryReturned, Amount: s.Credit, Ref: "R"}}, o.Totals.Total)
		if after.Due != 580 || after.Overpayment != 0 {
			t.Errorf("after the return the customer owes %d, overpaid %d; want 5,80 € due", after.Due, after.Overpayment)
		}
		// Paid 80 € of it: 14,20 € goes back, no more than they paid.
		paid = PositionOf([]Entry{{Kind: EntryPayment, Amount: 8000, Ref: "p"}}, o.Totals.Total)
		if s := SettleReturn(o, r, r.Lines, nil, rules, paid); s.Refund != 8000+5970-11550 {
			t.Errorf("80 € paid of 115,50 €, 59,70 € back: refund %d, want 24,20 €", s.Refund)
		}
	})
	t.Run("never more back than was paid net", func(t *testing.T) {
		// Paid in full, then 100 € given back as a gesture-free refund
		// (a lower total, say): the full withdrawal of what is left gives
		// back what the customer still has in, no more.
		paid := PositionOf([]Entry{
			{Kind: EntryPayment, Amount: 11550, Ref: "p"},
			{Kind: EntryRefundReserved, Amount: 10000, Ref: "r"}, {Kind: EntryRefundConfirmed, Ref: "r"},
		}, o.Totals.Total)
		s := SettleReturn(o, withdrawal, all, nil, rules, paid)
		if s.Refund != 1550 {
			t.Errorf("refund %d, want the 15,50 € still paid net", s.Refund)
		}
	})
	if got := ReturnNumber(2026, 42); got != "R-2026-000042" {
		t.Errorf("ReturnNumber = %s", got)
	}
}

// An exchange settled adds its new items to the order: the return's
// credit is split by VAT rate on the order as it stood when it settled,
// without them (with a fixed discount, the new mug would take a share of
// it and move the credit's VAT).
func TestAnExchangesCreditIsSplitOnTheOrderAsItSettled(t *testing.T) {
	mug := Line{ID: 11, SKU: "MUG-01", UnitPrice: 1250, Quantity: 1, VATRate: 2000, QtyShipped: 1, Physical: true}
	book := Line{ID: 12, SKU: "LIV-07", UnitPrice: 2390, Quantity: 1, VATRate: 550, QtyShipped: 1, Physical: true}
	o := Order{Discount: Discount{Kind: DiscountFixed, Amount: 1000}, Lines: []Line{mug, book}}
	o.Totals = Reprice(o)
	back := []ReturnLine{{LineID: 11, Quantity: 1}}
	req := ReturnRequest{Lines: back, Reason: ReturnWrongItem, Resolution: ReturnExchange,
		Exchange: []Line{{SKU: "MUG-01", UnitPrice: 1250, Quantity: 1, VATRate: 2000, Physical: true}}}
	s := SettleReturn(o, req, back, nil, DefaultReturnRules(), PaidInFull(o.Totals.Total))
	want := ReturnCredit(o, back, nil, 0, 0)
	if s.Credit != 1250 || !reflect.DeepEqual(s.CreditVAT, want.VAT) {
		t.Errorf("credit %d split %+v, want the mug's 12,50 € split as settled %+v", s.Credit, s.CreditVAT, want.VAT)
	}
	after, _ := o.WithExchange(req.Exchange)
	if with := ReturnCredit(after, back, nil, 0, 0); reflect.DeepEqual(with.VAT, s.CreditVAT) {
		t.Errorf("with the new mug the split is the same (%+v): this test proves nothing", with.VAT)
	}
}
