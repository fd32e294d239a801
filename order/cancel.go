package order

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
)

// CancelRequest is what an agent asks of the cancel-items procedure
// : cancel all or some quantities, and/or refund an amount.
type CancelRequest struct {
	// Cancel is the quantity to cancel per line, 0 to what can still be
	// cancelled (Line.Cancellable). Forms start from DefaultCancel: every
	// item selected ("Par défaut, tous les articles sont
	// sélectionnés").
	Cancel []LineQuantity `json:"cancel"`
	// Refund is the amount to give back, in cents; 0 refunds nothing.
	// Forms start from DefaultRefund ("Par défaut, le montant
	// maximal disponible est saisi"); never above what was paid net.
	Refund int64 `json:"refund_cents"`
	// RefundDefault refunds what the cancellation frees up (DefaultRefund)
	// instead of Refund: the agent typed no amount. PlanCancel turns it
	// into an amount; a procedure always runs with the amount.
	RefundDefault bool `json:"refund_default,omitempty"`
	// RefundShipping takes the shipping fee off the order too.
	RefundShipping bool `json:"refund_shipping"`
	// Reason says why the shop refunds without cancelling anything (a
	// commercial gesture); required then, told to the customer.
	Reason string `json:"reason,omitempty"`
	// Notify emails the customer (on by default, can be switched off).
	Notify bool `json:"notify"`
	// Gesture is the part of Refund beyond what the cancellation frees up:
	// a commercial gesture, which the customer does not owe back. Set by
	// PlanCancel.
	Gesture int64 `json:"gesture_cents,omitempty"`
}

// CancelResult is the order before and after a cancellation.
type CancelResult struct {
	Before Totals `json:"before"`
	After  Totals `json:"after"`
	// Lines are every line of the order, with QtyCancelled raised.
	Lines []Line `json:"lines"`
	// Cancelled lists what was cancelled: each line with Quantity set to
	// the quantity cancelled (and no cancelled, shipped or completed
	// quantity), so Total is what the cancelled items were worth.
	Cancelled []Line         `json:"cancelled"`
	Shipping  ShippingChange `json:"shipping"`
	// Status is the order's status afterwards: cancelled when nothing is
	// left in it, shipped when all that is left has shipped.
	Status Status `json:"status"`
	// Refund is the amount to refund (the request's); Goodwill is true when
	// it is refunded without cancelling anything, for Reason.
	Refund   int64  `json:"refund_cents"`
	Goodwill bool   `json:"goodwill"`
	Reason   string `json:"reason,omitempty"`
}

// OrderCancelled reports whether the cancellation left nothing in the order.
func (r CancelResult) OrderCancelled() bool { return r.Status == StatusCancelled }

// DefaultCancel selects every item that can still be cancelled, the
// starting point of the cancel form.
func DefaultCancel(o Order) []LineQuantity {
	var out []LineQuantity
	for _, l := range o.Lines {
		if q := l.Cancellable(); q > 0 {
			out = append(out, LineQuantity{LineID: l.ID, Quantity: q})
		}
	}
	return out
}

// DefaultRefund is the most that can be refunded for the request's
// cancelled items (and the shipping fee when RefundShipping): what the
// cancellation takes off the order's total, times the share of that total
// the customer's money covers (paid net, gestures counted as paid), rounded
// down; never above what is refundable, never negative. On an order paid in
// full it is exactly what the total goes down by. The request's quantities
// are not validated here: Validate does that.
func DefaultRefund(o Order, r CancelRequest, paid Position) int64 {
	if paid.Refundable <= 0 {
		return 0
	}
	res := applyCancel(o, r)
	drop := res.Before.Total - res.After.Total
	if drop <= 0 || res.Before.Total <= 0 {
		return 0
	}
	covered := min(paid.Covered, res.Before.Total)
	// drop × covered / total on 128 bits: drop <= total, so the quotient fits.
	hi, lo := bits.Mul64(uint64(drop), uint64(covered))
	q, _ := bits.Div64(hi, lo, uint64(res.Before.Total))
	return min(int64(q), paid.Refundable)
}

// Validate checks the request against the order and what the customer
// paid net of earlier refunds. Every error is a *FieldError: a line not in
// the order or named twice ("cancel[1]"), a quantity outside 0 to what can
// still be cancelled, a negative refund, a refund on an unpaid order or
// above what was paid net ("refund"), a refund without cancellation and
// without a reason ("reason"), or a request that does nothing ("cancel").
func (r CancelRequest) Validate(o Order, paidNet int64) error {
	if err := r.checkLines(o); err != nil {
		return err
	}
	switch {
	case r.Refund < 0:
		return Refuse("refund", "refusal.refund_not_positive", locale.Amount(r.Refund, o.Currency))
	case r.Refund > 0 && paidNet <= 0:
		return Refuse("refund", "refusal.nothing_paid", locale.Text(o.Number))
	case r.Refund > paidNet:
		return Refuse("refund", "refusal.refund_above_paid", locale.Amount(r.Refund, o.Currency), locale.Amount(paidNet, o.Currency))
	}
	return nil
}

// checkLines validates what Validate checks without the money paid.
func (r CancelRequest) checkLines(o Order) error {
	byID := make(map[int64]Line, len(o.Lines))
	for _, l := range o.Lines {
		byID[l.ID] = l
	}
	seen := make(map[int64]bool, len(r.Cancel))
	var cancelled int64
	for i, q := range r.Cancel {
		field := fmt.Sprintf("cancel[%d]", i)
		l, ok := byID[q.LineID]
		if !ok {
			return Refuse(field, "refusal.line_not_in_order", lineArg(q.LineID), locale.Text(o.Number))
		}
		if seen[q.LineID] {
			return Refuse(field, "refusal.line_named_twice", lineArg(q.LineID), locale.Text(l.SKU))
		}
		seen[q.LineID] = true
		if q.Quantity < 0 {
			return Refuse(field, "refusal.quantity_negative", qty(q.Quantity), locale.Text(l.SKU))
		}
		if q.Quantity > l.Cancellable() {
			return Refuse(field, "refusal.cancel_above_cancellable", qty(q.Quantity), locale.Text(l.SKU),
				qty(l.Cancellable()), qty(l.Quantity), qty(l.Delivered()), qty(l.QtyCancelled))
		}
		cancelled += q.Quantity
	}
	shipping := r.RefundShipping && o.ShippingFee > 0
	switch {
	case cancelled == 0 && r.Refund == 0 && !shipping:
		return Refuse("cancel", "refusal.cancel_nothing")
	case cancelled == 0 && r.Refund > 0 && strings.TrimSpace(r.Reason) == "":
		return Refuse("reason", "refusal.refund_only_reason")
	}
	return nil
}

// ApplyCancel returns the order's lines and totals after the cancellation:
// each line's QtyCancelled raised by its quantity, totals recomputed on the
// remaining quantities (the discount follows them; the shipping fee goes
// when RefundShipping, and otherwise stays), and the status moved to
// cancelled when nothing is left. It checks the lines and that the request
// does something; the refund against what was paid is Validate's job,
// which the caller runs first. The order itself is not modified.
func ApplyCancel(o Order, r CancelRequest) (CancelResult, error) {
	if err := r.checkLines(o); err != nil {
		return CancelResult{}, err
	}
	return applyCancel(o, r), nil
}

func applyCancel(o Order, r CancelRequest) CancelResult {
	want := make(map[int64]int64, len(r.Cancel))
	for _, q := range r.Cancel {
		want[q.LineID] += max(q.Quantity, 0)
	}
	res := CancelResult{Before: Reprice(o), Refund: r.Refund, Reason: strings.TrimSpace(r.Reason)}
	res.Lines = make([]Line, 0, len(o.Lines))
	left, delivered, shipped := false, true, false
	for _, l := range o.Lines {
		shipped = shipped || l.QtyShipped > 0
		if q := min(want[l.ID], l.Cancellable()); q > 0 {
			gone := l
			gone.Quantity, gone.QtyCancelled, gone.QtyShipped, gone.QtyCompleted = q, 0, 0, 0
			res.Cancelled = append(res.Cancelled, gone)
			l.QtyCancelled += q
		}
		if l.Remaining() > 0 {
			left = true
		}
		if l.Remaining() > l.Delivered() {
			delivered = false
		}
		res.Lines = append(res.Lines, l)
	}
	fee := o.ShippingFee
	unpaid := o.Status == StatusNew || o.Status == StatusAwaitingPayment
	if r.RefundShipping || !left && !shipped && unpaid {
		// Asked; or an order not paid yet is cancelled before anything
		// shipped: it owes no delivery.
		fee = 0
	}
	res.Shipping = ShippingChange{Before: o.ShippingFee, After: fee}
	res.After = Price(res.Lines, o.Discount, fee, o.ShippingRules.VATRate)
	res.Goodwill = len(res.Cancelled) == 0 && r.Refund > 0
	res.Status = o.Status
	switch {
	case !left && o.Status.CanMoveTo(StatusCancelled):
		res.Status = StatusCancelled
	case left && delivered && o.Status == StatusPartiallyShipped:
		res.Status = StatusShipped
	}
	return res
}

// CancelPlan is a cancellation worked out against the order and what the
// customer paid net of refunds: the figures the web form's confirmation,
// the CLI's preview, the starter and the procedure show and use, all from
// PlanCancel.
type CancelPlan struct {
	// Request is the request as it runs: Refund is the amount refunded,
	// RefundDefault is false.
	Request CancelRequest `json:"request"`
	// Result is the order before and after; Result.Refund is Refund.
	Result CancelResult `json:"result"`
	// PaidNet is what the customer paid, net of earlier refunds.
	PaidNet int64 `json:"paid_net_cents"`
	// DefaultRefund is what the cancelled items (and the shipping fee when
	// it goes) free up, capped by what was paid net: the refund when the
	// agent types no amount.
	DefaultRefund int64 `json:"default_refund_cents"`
	// MaxRefund is the most an agent may refund: what was paid net.
	MaxRefund int64 `json:"max_refund_cents"`
	// Refund is what will be refunded; Gesture the part of it beyond what
	// the cancellation frees up: a commercial gesture, not owed back.
	Refund  int64 `json:"refund_cents"`
	Gesture int64 `json:"gesture_cents,omitempty"`
	// NewTotal is the order's total afterwards.
	NewTotal int64 `json:"new_total_cents"`
	// BalanceDue is what the customer still owes afterwards: the new total
	// less what they paid net of this refund (an agent refunding more than
	// the cancellation frees up leaves some due).
	BalanceDue int64 `json:"balance_due_cents"`
}

// PlanCancel works out a cancellation: the request checked against the
// order and what was paid net (Validate's refusals, each a *FieldError
// naming its field), the refund set (the amount typed, or DefaultRefund
// for the items it cancels when RefundDefault), and the order afterwards.
// Every way of cancelling goes through it, so what the agent is shown is
// what is done.
func PlanCancel(o Order, r CancelRequest, paid Position) (CancelPlan, error) {
	paidNet := paid.PaidNet
	def := DefaultRefund(o, r, paid)
	if r.RefundDefault {
		r.Refund, r.RefundDefault = def, false
	}
	if err := r.Validate(o, paidNet); err != nil {
		return CancelPlan{}, err
	}
	res := applyCancel(o, r)
	// What is refunded beyond what the cancellation frees up is a gesture:
	// the customer does not owe it back.
	r.Gesture = max(r.Refund-def, 0)
	return CancelPlan{
		Request: r, Result: res, PaidNet: paidNet, DefaultRefund: def, MaxRefund: max(paidNet, 0),
		Refund: r.Refund, Gesture: r.Gesture, NewTotal: res.After.Total,
		BalanceDue: max(res.After.Total-(paid.Covered-r.Refund+r.Gesture), 0),
	}, nil
}
