package order

import (
	"errors"
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
		s := SettleReturn(o, withdrawal, all, nil, rules)
		if !s.FullWithdrawal || s.Items != 10860 || s.Delivery != 690 || s.Refund != 11550 || s.BalanceDue != 0 {
			t.Errorf("full withdrawal: %+v, want 108,60 € + 6,90 € = 115,50 €", s)
		}
	})
	t.Run("the return's cost is kept when the terms say so", func(t *testing.T) {
		charged := rules
		charged.ChargeReturnCost, charged.ReturnCost = true, 590
		s := SettleReturn(o, withdrawal, all, nil, charged)
		if s.Cost != 590 || s.Refund != 11550-590 {
			t.Errorf("return cost charged: %+v", s)
		}
		damaged := withdrawal
		damaged.Reason = ReturnDamaged
		if s := SettleReturn(o, damaged, all, nil, charged); s.Cost != 0 || s.Delivery != 0 || s.Refund != 10860 {
			t.Errorf("a damaged item costs the customer nothing to send back, and is not a withdrawal: %+v", s)
		}
	})
	t.Run("accepted in part", func(t *testing.T) {
		s := SettleReturn(o, withdrawal, []ReturnLine{{LineID: 13, Quantity: 2}}, nil, rules)
		if s.FullWithdrawal || s.Delivery != 0 || s.Refund != 3980 {
			t.Errorf("2 T-shirts of 3 accepted: %+v, want 39,80 €", s)
		}
	})
	t.Run("the last items of an order returned in two goes", func(t *testing.T) {
		s := SettleReturn(o, withdrawal, []ReturnLine{{LineID: 13, Quantity: 3}}, map[int64]int64{11: 2, 12: 1}, rules)
		if !s.FullWithdrawal || s.Refund != 5970+690 {
			t.Errorf("the rest of the order comes back: %+v, want 59,70 € + 6,90 €", s)
		}
	})
	t.Run("refused", func(t *testing.T) {
		if s := SettleReturn(o, withdrawal, nil, nil, rules); s.Refund != 0 || s.BalanceDue != 0 || s.FullWithdrawal {
			t.Errorf("nothing accepted pays nothing back: %+v", s)
		}
	})
	t.Run("a percentage discount goes back in proportion", func(t *testing.T) {
		d := o
		d.Discount = Discount{Kind: DiscountPercent, Percent: 1000} // 10 %
		if s := SettleReturn(d, withdrawal, []ReturnLine{{LineID: 11, Quantity: 2}}, nil, rules); s.Items != 2250 {
			t.Errorf("2 mugs at 12,50 € less 10 %%: %+v, want 22,50 €", s)
		}
	})
	t.Run("an exchange for dearer and for cheaper items", func(t *testing.T) {
		ex := ReturnRequest{Lines: []ReturnLine{{LineID: 11, Quantity: 1}}, Reason: ReturnWrongItem, Resolution: ReturnExchange,
			Exchange: []Line{{SKU: "MUG-XL", UnitPrice: 1590, Quantity: 1}}}
		if s := SettleReturn(o, ex, ex.Lines, nil, rules); s.Refund != 0 || s.BalanceDue != 340 {
			t.Errorf("a 15,90 € mug for a 12,50 € one: %+v, want 3,40 € due", s)
		}
		ex.Exchange[0].UnitPrice = 990
		if s := SettleReturn(o, ex, ex.Lines, nil, rules); s.Refund != 260 || s.BalanceDue != 0 {
			t.Errorf("a 9,90 € mug for a 12,50 € one: %+v, want 2,60 € back", s)
		}
	})
	if got := ReturnNumber(2026, 42); got != "R-2026-000042" {
		t.Errorf("ReturnNumber = %s", got)
	}
}
