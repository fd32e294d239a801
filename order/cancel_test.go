package order

import (
	"reflect"
	"testing"
)

func TestLineQuantities(t *testing.T) {
	tests := []struct {
		l                                 Line
		remaining, delivered, cancellable int64
		total                             int64
	}{
		{Line{UnitPrice: 100, Quantity: 3}, 3, 0, 3, 300},
		{Line{UnitPrice: 100, Quantity: 3, QtyCancelled: 1}, 2, 0, 2, 200},
		{Line{UnitPrice: 100, Quantity: 3, QtyCancelled: 1, QtyShipped: 1}, 2, 1, 1, 200},
		{Line{UnitPrice: 100, Quantity: 2, QtyCompleted: 2}, 2, 2, 0, 200},
		{Line{UnitPrice: 100, Quantity: 3, QtyCancelled: 3}, 0, 0, 0, 0},
		{Line{UnitPrice: 100, Quantity: 1, QtyCancelled: 5}, 0, 0, 0, 0}, // inconsistent row: never negative
	}
	for _, tt := range tests {
		if r, d, c, tot := tt.l.Remaining(), tt.l.Delivered(), tt.l.Cancellable(), tt.l.Total(); r != tt.remaining || d != tt.delivered || c != tt.cancellable || tot != tt.total {
			t.Errorf("%+v: remaining %d delivered %d cancellable %d total %d; want %d %d %d %d", tt.l, r, d, c, tot, tt.remaining, tt.delivered, tt.cancellable, tt.total)
		}
	}
}

func TestDefaultCancel(t *testing.T) {
	o := sampleOrder()
	o.Lines[0].QtyShipped = 2   // mugs shipped: nothing to cancel
	o.Lines[2].QtyCancelled = 1 // one T-shirt already cancelled
	want := []LineQuantity{{12, 1}, {13, 2}}
	if got := DefaultCancel(o); !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultCancel = %v, want %v", got, want)
	}
}

// paidWithShipping is the sample order below free shipping: 2 mugs and the
// book (48,90 €) plus 6,90 € of shipping, 55,80 € paid.
func paidWithShipping() Order {
	o := sampleOrder()
	o.Lines = o.Lines[:2]
	o.ShippingFee = 690
	o.Totals = Reprice(o)
	return o
}

func TestDefaultRefund(t *testing.T) {
	tests := []struct {
		name    string
		o       Order
		r       CancelRequest
		paidNet int64
		want    int64
	}{
		{"everything, paid in full", sampleOrder(), CancelRequest{Cancel: DefaultCancel(sampleOrder())}, 10860, 10860},
		{"one T-shirt", sampleOrder(), CancelRequest{Cancel: []LineQuantity{{13, 1}}}, 10860, 1990},
		{"everything but the shipping", paidWithShipping(), CancelRequest{Cancel: DefaultCancel(paidWithShipping())}, 5580, 4890},
		{"everything and the shipping", paidWithShipping(), CancelRequest{Cancel: DefaultCancel(paidWithShipping()), RefundShipping: true}, 5580, 5580},
		{"the shipping alone", paidWithShipping(), CancelRequest{RefundShipping: true}, 5580, 690},
		// 20 € refunded earlier (paid net 35,80 of 55,80): the book's share is 23,90 × 35,80 / 55,80 = 15,33.
		{"after a goodwill refund: the items' share of what was paid", paidWithShipping(), CancelRequest{Cancel: []LineQuantity{{12, 1}}}, 3580, 1533},
		{"everything after a goodwill refund: all that is left", paidWithShipping(), CancelRequest{Cancel: DefaultCancel(paidWithShipping()), RefundShipping: true}, 3580, 3580},
		{"unpaid order", sampleOrder(), CancelRequest{Cancel: DefaultCancel(sampleOrder())}, 0, 0},
		{"over-refunded order", sampleOrder(), CancelRequest{Cancel: DefaultCancel(sampleOrder())}, -100, 0},
		{"nothing cancelled", sampleOrder(), CancelRequest{}, 10860, 0},
		{"fixed discount kept while it fits", func() Order {
			o := sampleOrder()
			o.Discount = Discount{Kind: DiscountFixed, Amount: 1000}
			return o
		}(), CancelRequest{Cancel: []LineQuantity{{13, 3}}}, 9860, 5970},
		{"percent discount follows", func() Order {
			o := sampleOrder()
			o.Discount = Discount{Kind: DiscountPercent, Percent: 1000}
			return o
		}(), CancelRequest{Cancel: []LineQuantity{{13, 3}}}, 9774, 5373}, // 59,70 less its 10 %
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DefaultRefund(tt.o, tt.r, PaidOnly(tt.paidNet))
			if got != tt.want {
				t.Fatalf("DefaultRefund = %d, want %d", got, tt.want)
			}
			if got > 0 {
				r := tt.r
				r.Refund = got
				if len(r.Cancel) == 0 {
					r.Reason = "geste commercial"
				}
				if err := r.Validate(tt.o, tt.paidNet); err != nil {
					t.Errorf("Validate refuses the default refund: %v", err)
				}
			}
		})
	}
}

func TestCancelRequestValidate(t *testing.T) {
	o := sampleOrder()
	o.Lines[0].QtyShipped = 1
	o.Lines[2].QtyCancelled = 1
	tests := []struct {
		name      string
		r         CancelRequest
		paidNet   int64
		field     string
		fragments []string
	}{
		{"cancel all, refund the default", CancelRequest{Cancel: DefaultCancel(o), Refund: 7000}, 10860, "", nil},
		{"cancel without refund (unpaid)", CancelRequest{Cancel: []LineQuantity{{12, 1}}}, 0, "", nil},
		{"goodwill refund with a reason", CancelRequest{Refund: 500, Reason: "colis arrivé en retard"}, 10860, "", nil},
		{"quantity 0 lines may be named", CancelRequest{Cancel: []LineQuantity{{11, 0}, {12, 1}}}, 10860, "", nil},
		{"refund everything paid", CancelRequest{Cancel: []LineQuantity{{12, 1}}, Refund: 10860}, 10860, "", nil},
		{"shipping only", CancelRequest{RefundShipping: true}, 0, "cancel", []string{"Nothing to do"}},

		{"unknown line", CancelRequest{Cancel: []LineQuantity{{99, 1}}}, 10860, "cancel[0]", []string{"Line 99", "not in order"}},
		{"named twice", CancelRequest{Cancel: []LineQuantity{{12, 1}, {12, 1}}}, 10860, "cancel[1]", []string{"twice"}},
		{"negative quantity", CancelRequest{Cancel: []LineQuantity{{12, -1}}}, 10860, "cancel[0]", []string{"below 0"}},
		{"more than ordered", CancelRequest{Cancel: []LineQuantity{{12, 2}}}, 10860, "cancel[0]", []string{"above the 1 that can still be cancelled"}},
		{"shipped items", CancelRequest{Cancel: []LineQuantity{{11, 2}}}, 10860, "cancel[0]", []string{"above the 1", "shipped 1"}},
		{"already cancelled", CancelRequest{Cancel: []LineQuantity{{13, 3}}}, 10860, "cancel[0]", []string{"above the 2", "already cancelled 1"}},
		{"nothing to do", CancelRequest{Cancel: []LineQuantity{{12, 0}}}, 10860, "cancel", []string{"Nothing to do"}},
		{"empty request", CancelRequest{}, 10860, "cancel", []string{"Nothing to do"}},
		{"negative refund", CancelRequest{Cancel: []LineQuantity{{12, 1}}, Refund: -1}, 10860, "refund", []string{"above 0"}},
		{"refund above paid net", CancelRequest{Cancel: []LineQuantity{{12, 1}}, Refund: 10861}, 10860, "refund", []string{"€108.61", "€108.60 paid net"}},
		{"refund on an unpaid order", CancelRequest{Cancel: []LineQuantity{{12, 1}}, Refund: 100}, 0, "refund", []string{"has not been paid"}},
		{"goodwill without a reason", CancelRequest{Refund: 500, Reason: "  "}, 10860, "reason", []string{"without cancelling"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate(o, tt.paidNet)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantFieldError(t, err, tt.field, tt.fragments...)
		})
	}
	t.Run("shipping refund with no fee to refund does nothing", func(t *testing.T) {
		wantFieldError(t, CancelRequest{RefundShipping: true}.Validate(sampleOrder(), 10860), "cancel", "Nothing to do")
		if err := (CancelRequest{RefundShipping: true}).Validate(paidWithShipping(), 5580); err != nil {
			t.Errorf("waiving the shipping fee: %v", err)
		}
	})
}

func TestApplyCancel(t *testing.T) {
	mug, book, tee := sampleOrder().Lines[0], sampleOrder().Lines[1], sampleOrder().Lines[2]
	cancelled := func(l Line, q int64) Line { l.QtyCancelled += q; return l }
	taken := func(l Line, q int64) Line { l.Quantity = q; return l }
	tests := []struct {
		name     string
		o        Order
		r        CancelRequest
		lines    []Line
		gone     []Line
		status   Status
		total    int64
		shipping ShippingChange
		goodwill bool
	}{
		{"some items", sampleOrder(), CancelRequest{Cancel: []LineQuantity{{13, 2}, {11, 0}}, Refund: 3980},
			[]Line{mug, book, cancelled(tee, 2)}, []Line{taken(tee, 2)}, StatusPaid, 10860 - 3980, ShippingChange{}, false},
		{"everything: the order is cancelled", sampleOrder(), CancelRequest{Cancel: DefaultCancel(sampleOrder()), Refund: 10860},
			[]Line{cancelled(mug, 2), cancelled(book, 1), cancelled(tee, 3)}, []Line{mug, book, tee}, StatusCancelled, 0, ShippingChange{}, false},
		{"everything but the shipping fee stays", paidWithShipping(), CancelRequest{Cancel: DefaultCancel(paidWithShipping())},
			[]Line{cancelled(mug, 2), cancelled(book, 1)}, []Line{mug, book}, StatusCancelled, 690, ShippingChange{690, 690}, false},
		{"everything and the shipping", paidWithShipping(), CancelRequest{Cancel: DefaultCancel(paidWithShipping()), RefundShipping: true, Refund: 5580},
			[]Line{cancelled(mug, 2), cancelled(book, 1)}, []Line{mug, book}, StatusCancelled, 0, ShippingChange{690, 0}, false},
		{"goodwill: nothing cancelled, totals unchanged", sampleOrder(), CancelRequest{Refund: 500, Reason: "retard"},
			[]Line{mug, book, tee}, nil, StatusPaid, 10860, ShippingChange{}, true},
		{"rest of a partly shipped order: shipped", func() Order {
			o := sampleOrder()
			o.Status = StatusPartiallyShipped
			o.Lines[0].QtyShipped, o.Lines[1].QtyShipped = 2, 1
			return o
		}(), CancelRequest{Cancel: []LineQuantity{{13, 3}}},
			nil, []Line{tee}, StatusShipped, 4890, ShippingChange{}, false},
		{"unpaid order cancelled", func() Order { o := sampleOrder(); o.Status = StatusAwaitingPayment; return o }(),
			CancelRequest{Cancel: DefaultCancel(sampleOrder())}, nil, []Line{mug, book, tee}, StatusCancelled, 0, ShippingChange{}, false},
		{"unpaid order cancelled: it owes no delivery", func() Order { o := paidWithShipping(); o.Status = StatusAwaitingPayment; return o }(),
			CancelRequest{Cancel: DefaultCancel(paidWithShipping())}, nil, []Line{mug, book}, StatusCancelled, 0, ShippingChange{690, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := Reprice(tt.o)
			res, err := ApplyCancel(tt.o, tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if tt.lines != nil && !reflect.DeepEqual(res.Lines, tt.lines) {
				t.Errorf("Lines =\n %+v\nwant\n %+v", res.Lines, tt.lines)
			}
			if !reflect.DeepEqual(res.Cancelled, tt.gone) {
				t.Errorf("Cancelled = %+v, want %+v", res.Cancelled, tt.gone)
			}
			if res.Status != tt.status || res.OrderCancelled() != (tt.status == StatusCancelled) {
				t.Errorf("Status = %s, want %s", res.Status, tt.status)
			}
			if res.After.Total != tt.total || !reflect.DeepEqual(res.Before, before) {
				t.Errorf("total %d, want %d (before %+v)", res.After.Total, tt.total, res.Before)
			}
			if res.Shipping != tt.shipping || res.Goodwill != tt.goodwill || res.Refund != tt.r.Refund {
				t.Errorf("shipping %+v goodwill %v refund %d", res.Shipping, res.Goodwill, res.Refund)
			}
			if got := res.After.Merchandise + MerchandiseTotal(res.Cancelled); got != res.Before.Merchandise {
				t.Errorf("kept %d + cancelled %d != before %d", res.After.Merchandise, MerchandiseTotal(res.Cancelled), res.Before.Merchandise)
			}
			checkVAT(t, res.After)
			// The store reloads the order and reprices it: the same totals.
			again := tt.o
			again.Lines, again.ShippingFee = res.Lines, res.Shipping.After
			if got := Reprice(again); !reflect.DeepEqual(got, res.After) {
				t.Errorf("Reprice of the cancelled order = %+v, want %+v", got, res.After)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		res, err := ApplyCancel(sampleOrder(), CancelRequest{Cancel: []LineQuantity{{13, 4}}})
		wantFieldError(t, err, "cancel[0]", "above the 3")
		if !reflect.DeepEqual(res, CancelResult{}) {
			t.Errorf("refused cancellation returned %+v", res)
		}
	})
	t.Run("the plan validates the refund", func(t *testing.T) {
		_, err := PlanCancel(sampleOrder(), CancelRequest{Cancel: []LineQuantity{{13, 1}}, Refund: 20000}, PaidOnly(10860))
		wantFieldError(t, err, "refund", "more than")
		p, err := PlanCancel(sampleOrder(), CancelRequest{Cancel: []LineQuantity{{13, 1}}, Refund: 1990}, PaidOnly(10860))
		if err != nil || p.Result.After.Total != 8870 || p.NewTotal != 8870 {
			t.Errorf("PlanCancel = %+v, %v", p.Result.After, err)
		}
	})
}

// TestPlanCancel: the refund follows the items cancelled unless the agent
// typed one; what is shown (new total, refund, what is left due) is what
// the procedure is asked to do.
func TestPlanCancel(t *testing.T) {
	// 2 mugs (25,00), the book (23,90) and 6,90 € of shipping: 55,80 € paid.
	o := paidWithShipping()
	tests := []struct {
		name                               string
		r                                  CancelRequest
		paidNet                            int64
		refund, def, newTotal, due, maxRef int64
	}{
		{"everything by default", CancelRequest{Cancel: DefaultCancel(o), RefundShipping: true, RefundDefault: true}, 5580, 5580, 5580, 0, 0, 5580},
		// The book left ticked alone: its 23,90 €, not the 55,80 € of "everything".
		{"the default follows the lines ticked", CancelRequest{Cancel: []LineQuantity{{12, 1}}, RefundShipping: true, RefundDefault: true, Refund: 5580}, 5580, 3080, 3080, 2500, 0, 5580},
		{"only the mugs, shipping kept", CancelRequest{Cancel: []LineQuantity{{11, 2}}, RefundDefault: true}, 5580, 2500, 2500, 3080, 0, 5580},
		// An amount typed by the agent stands, up to what was paid net;
		// beyond what the cancellation frees up it is a gesture, which the
		// customer does not owe back.
		{"an amount typed above what is freed", CancelRequest{Cancel: []LineQuantity{{11, 2}}, Refund: 5580}, 5580, 5580, 2500, 3080, 0, 5580},
		{"an amount typed below", CancelRequest{Cancel: []LineQuantity{{11, 2}}, Refund: 1000}, 5580, 1000, 2500, 3080, 0, 5580},
		// A gesture leaves the total as it is, and nothing becomes due.
		{"a goodwill refund", CancelRequest{Refund: 500, Reason: "retard"}, 5580, 500, 0, 5580, 0, 5580},
		{"after an earlier refund: capped by what is left", CancelRequest{Cancel: DefaultCancel(o), RefundShipping: true, RefundDefault: true}, 1000, 1000, 1000, 0, 0, 1000},
		{"unpaid: nothing to refund, the rest due", CancelRequest{Cancel: []LineQuantity{{11, 2}}, RefundDefault: true}, 0, 0, 0, 3080, 3080, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanCancel(o, tt.r, PaidOnly(tt.paidNet))
			if err != nil {
				t.Fatal(err)
			}
			if p.Refund != tt.refund || p.DefaultRefund != tt.def || p.NewTotal != tt.newTotal || p.BalanceDue != tt.due || p.MaxRefund != tt.maxRef {
				t.Errorf("refund %d default %d new total %d due %d max %d; want %d %d %d %d %d",
					p.Refund, p.DefaultRefund, p.NewTotal, p.BalanceDue, p.MaxRefund, tt.refund, tt.def, tt.newTotal, tt.due, tt.maxRef)
			}
			if p.Gesture != max(p.Refund-p.DefaultRefund, 0) || p.Request.Gesture != p.Gesture {
				t.Errorf("gesture %d (request %d), want what the refund gives beyond what is freed, %d", p.Gesture, p.Request.Gesture, max(p.Refund-p.DefaultRefund, 0))
			}
			if p.Request.Refund != p.Refund || p.Request.RefundDefault || p.Result.Refund != p.Refund || p.Result.After.Total != p.NewTotal {
				t.Errorf("the request run (%+v) or the result (refund %d, total %d) differ from the figures shown", p.Request, p.Result.Refund, p.Result.After.Total)
			}
		})
	}
	for _, tt := range []struct {
		name    string
		r       CancelRequest
		paidNet int64
		field   string
		frag    string
	}{
		{"typed above what was paid", CancelRequest{Cancel: []LineQuantity{{11, 1}}, Refund: 5581}, 5580, "refund", "more than the €55.80 paid net"},
		{"nothing ticked, no amount typed", CancelRequest{RefundDefault: true, Refund: 5580, Reason: "geste"}, 5580, "cancel", "Nothing to do"},
		{"more than can be cancelled", CancelRequest{Cancel: []LineQuantity{{11, 4}}, RefundDefault: true}, 5580, "cancel[0]", "Quantity 4 for MUG-01 is above the 2 that can still be cancelled"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PlanCancel(o, tt.r, PaidOnly(tt.paidNet))
			wantFieldError(t, err, tt.field, tt.frag)
		})
	}
}

// After a 10 € gesture on a 55,80 € order, cancelling every item gives back
// all that is left (the 45,80 € paid net), not a share of it: the gesture
// was not owed, and nothing is left due or owed back.
func TestPlanCancelAfterAGesture(t *testing.T) {
	o := paidWithShipping()
	paid := Position{Received: 5580, Refunded: 1000, PaidNet: 4580, Refundable: 4580, Gestures: 1000, Covered: 5580, Total: 5580}
	p, err := PlanCancel(o, CancelRequest{Cancel: DefaultCancel(o), RefundDefault: true}, paid)
	if err != nil {
		t.Fatal(err)
	}
	if p.Refund != 4580 || p.Gesture != 0 || p.BalanceDue != 0 {
		t.Errorf("refund %d, gesture %d, due %d; want 4580, 0, 0", p.Refund, p.Gesture, p.BalanceDue)
	}
}
