package order

import (
	"fmt"
	"time"

	"github.com/orderdesk/orderdesk/locale"
)

// Returns: shipped items coming back, for a refund or an exchange. A
// consumer may withdraw from a distance sale within 14 days of delivery
// without giving a reason; the shop refunds within 14 days of being told,
// may wait until the goods are back (or proof they were sent), refunds the
// initial delivery cost on a full withdrawal, and may charge the return's
// cost when the customer was told so beforehand. The rules below hold
// those figures; what a return pays back is SettleReturn.

// ReturnReason is why the items come back.
type ReturnReason string

// The reasons of a return.
const (
	// ReturnWithdrawal is the right of withdrawal: no reason needed, inside
	// the window (ReturnRules.WithdrawalDays from delivery).
	ReturnWithdrawal ReturnReason = "withdrawal"
	ReturnDamaged    ReturnReason = "damaged"
	ReturnWrongItem  ReturnReason = "wrong_item"
	ReturnOther      ReturnReason = "other"
)

// ReturnReasons lists the reasons in the order a form offers them.
func ReturnReasons() []ReturnReason {
	return []ReturnReason{ReturnWithdrawal, ReturnDamaged, ReturnWrongItem, ReturnOther}
}

// Valid reports whether r is one of the reasons.
func (r ReturnReason) Valid() bool {
	switch r {
	case ReturnWithdrawal, ReturnDamaged, ReturnWrongItem, ReturnOther:
		return true
	}
	return false
}

// ReturnResolution is what the customer gets for the items: their money
// back, or other items in exchange.
type ReturnResolution string

// The resolutions of a return.
const (
	ReturnRefund   ReturnResolution = "refund"
	ReturnExchange ReturnResolution = "exchange"
)

// ReturnLine is a quantity of one line of the order coming back.
type ReturnLine struct {
	LineID   int64 `json:"line_id"`
	Quantity int64 `json:"quantity"`
}

// ReturnRequest is what an agent (or the shop's systems) asks for: the
// items coming back, why, and for what.
type ReturnRequest struct {
	Lines      []ReturnLine     `json:"lines"`
	Reason     ReturnReason     `json:"reason"`
	Resolution ReturnResolution `json:"resolution"`
	// Exchange is what the customer gets instead, for ReturnExchange:
	// new lines, priced like the order's (order.NewLine's fields).
	Exchange []Line `json:"exchange,omitempty"`
}

// ReturnRules are the shop's rules for returns.
type ReturnRules struct {
	// WithdrawalDays is how long after delivery a consumer may withdraw
	// without a reason (14 by law; a shop may give more).
	WithdrawalDays int `json:"withdrawal_days"`
	// TransitDays stands for the delivery date when the carrier gave none:
	// the last shipment's date plus this many days.
	TransitDays int `json:"transit_days"`
	// RefundDays is the latest the refund may come after the withdrawal
	// was received (14 by law).
	RefundDays int `json:"refund_days"`
	// ReturnCost is what a withdrawal's return costs the customer, kept
	// from the refund, when ChargeReturnCost: only if the customer was told
	// so before ordering (the shop's terms).
	ReturnCost       int64 `json:"return_cost_cents"`
	ChargeReturnCost bool  `json:"charge_return_cost"`
}

// DefaultReturnRules are the law's: 14 days to withdraw, 14 days to
// refund, the return's cost borne by the shop.
func DefaultReturnRules() ReturnRules {
	return ReturnRules{WithdrawalDays: 14, TransitDays: 3, RefundDays: 14}
}

// Returnable is how many items of a line can still come back: the shipped
// ones (or completed, for an item that is not physical) not already
// returned.
func Returnable(l Line, returned int64) int64 {
	return max(l.Delivered()-returned, 0)
}

// ValidateReturn refuses a return that cannot be: no items, an unknown
// reason or resolution, a line not in the order or given twice, a quantity
// that is not positive or more than the line's shipped items minus those
// already returned (returned, by line id), an exchange without its new
// items or new items without an exchange. The error is a *FieldError
// naming the field of the request: lines, lines[i].line_id,
// lines[i].quantity, reason, resolution or exchange.
func ValidateReturn(o Order, req ReturnRequest, returned map[int64]int64) error {
	if !req.Reason.Valid() {
		return Refuse("reason", "refusal.return_reason_unknown", locale.Text(string(req.Reason)))
	}
	switch req.Resolution {
	case ReturnRefund:
		if len(req.Exchange) > 0 {
			return Refuse("exchange", "refusal.return_exchange_without_exchange")
		}
	case ReturnExchange:
		if len(req.Exchange) == 0 {
			return Refuse("exchange", "refusal.return_exchange_empty")
		}
		for i, l := range req.Exchange {
			field := fmt.Sprintf("exchange[%d]", i)
			if l.Quantity <= 0 || l.Quantity > MaxQuantity {
				return Refuse(field+".quantity", "refusal.return_quantity_not_positive", qty(l.Quantity))
			}
			if l.UnitPrice < 0 || l.UnitPrice > MaxUnitPrice {
				return Refuse(field+".unit_price", "refusal.return_exchange_price", locale.Amount(l.UnitPrice, o.Currency))
			}
		}
	default:
		return Refuse("resolution", "refusal.return_resolution_unknown", locale.Text(string(req.Resolution)))
	}
	if len(req.Lines) == 0 {
		return Refuse("lines", "refusal.return_no_lines")
	}
	seen := map[int64]bool{}
	for i, rl := range req.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		l, ok := o.Line(rl.LineID)
		if !ok {
			return Refuse(field+".line_id", "refusal.return_line_unknown", locale.Count(int(rl.LineID)), locale.Text(o.Number))
		}
		if seen[rl.LineID] {
			return Refuse(field+".line_id", "refusal.return_line_twice", locale.Text(l.SKU))
		}
		seen[rl.LineID] = true
		if rl.Quantity <= 0 {
			return Refuse(field+".quantity", "refusal.return_quantity_not_positive", qty(rl.Quantity))
		}
		if can := Returnable(l, returned[l.ID]); rl.Quantity > can {
			return Refuse(field+".quantity", "refusal.return_quantity_above_shipped",
				qty(rl.Quantity), locale.Text(l.SKU), qty(l.Delivered()), qty(returned[l.ID]))
		}
	}
	return nil
}

// Line is the order's line with id.
func (o Order) Line(id int64) (Line, bool) {
	for _, l := range o.Lines {
		if l.ID == id {
			return l, true
		}
	}
	return Line{}, false
}

// WithdrawalDeadline is the last moment a consumer may withdraw: the end
// of the WithdrawalDays-th day after the day of delivery, in loc (the
// shop's time zone).
func (r ReturnRules) WithdrawalDeadline(delivered time.Time, loc *time.Location) time.Time {
	d := delivered.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	return day.AddDate(0, 0, r.WithdrawalDays+1).Add(-time.Nanosecond)
}

// DeliveredAround is the delivery date to count from when the carrier gave
// none: the last shipment's date plus TransitDays.
func (r ReturnRules) DeliveredAround(lastShipment time.Time) time.Time {
	return lastShipment.AddDate(0, 0, r.TransitDays)
}

// RefundDeadline is the latest the refund may be made: RefundDays after
// the withdrawal was received.
func (r ReturnRules) RefundDeadline(told time.Time) time.Time {
	return told.AddDate(0, 0, r.RefundDays)
}

// ReturnSettlement is what a return pays back, or asks for, once its
// items are inspected. Amounts tax-inclusive, in cents.
type ReturnSettlement struct {
	Items    int64 `json:"items_cents"`    // the accepted items, at the price paid
	Delivery int64 `json:"delivery_cents"` // the initial delivery cost, refunded on a full withdrawal
	Cost     int64 `json:"cost_cents"`     // the return's cost kept, when the rules say so
	// Exchange is what the new items of an exchange add to the order's
	// total, priced like the order's (its discount).
	Exchange int64 `json:"exchange_cents"`
	// Credit is what the items coming back are worth to the customer:
	// Items + Delivery - Cost. The ledger records it (EntryReturned) as
	// covering that much of the order's total.
	Credit int64 `json:"credit_cents"`
	// CreditVAT is Credit split by VAT rate (ReturnCredit), as the order
	// stood when the return settled: what its credit note says.
	CreditVAT []VATLine `json:"credit_vat,omitempty"`
	// Refund is what goes back to the customer: what their money covers
	// beyond the order's total once the items are back (never more than
	// they paid net). BalanceDue is what the exchange's new items add to
	// what they owe. One of them is 0.
	Refund     int64 `json:"refund_cents"`
	BalanceDue int64 `json:"balance_due_cents"`
	// Total is the order's total the return settled against, the
	// exchange's new items included.
	Total int64 `json:"total_cents,omitempty"`
	// FullWithdrawal: every item of the order comes back under the right
	// of withdrawal, so the delivery cost is refunded too.
	FullWithdrawal bool `json:"full_withdrawal"`
}

// SettleReturn is the one definition of what a return pays back. The
// items are worth the price paid for them (what the order's merchandise,
// after its discount, loses without them, as a cancellation frees it up;
// a percentage discount goes back in proportion, a fixed one stays on the
// items kept), plus the initial delivery cost when the whole order comes
// back under the right of withdrawal (returned: items of each line already
// returned before this one), minus the return's cost when the rules charge
// it (a withdrawal only, never below zero): that is the return's Credit.
// Against paid, the order's ledger position, the credit covers part of the
// order's total as a payment would, and the exchange's new items raise the
// total: the customer gets back what their money then covers beyond the
// total (never more than they paid net: items they had not paid for yet
// are simply no longer owed), or owes what the exchange adds.
func SettleReturn(o Order, req ReturnRequest, accepted []ReturnLine, returned map[int64]int64, rules ReturnRules, paid Position) ReturnSettlement {
	var s ReturnSettlement
	back := map[int64]int64{}
	for _, a := range accepted {
		if l, ok := o.Line(a.LineID); ok && a.Quantity > 0 {
			back[l.ID] += min(a.Quantity, Returnable(l, returned[l.ID]))
		}
	}
	s.Items = paidFor(o, returned, nil) - paidFor(o, returned, back)
	if req.Reason == ReturnWithdrawal && len(accepted) > 0 {
		s.FullWithdrawal = true
		for _, l := range o.Lines {
			if l.Remaining() > 0 && returned[l.ID]+back[l.ID] < l.Remaining() {
				s.FullWithdrawal = false
			}
		}
		if s.FullWithdrawal {
			s.Delivery = o.ShippingFee
		}
		if rules.ChargeReturnCost {
			s.Cost = min(rules.ReturnCost, s.Items+s.Delivery)
		}
	}
	if req.Resolution == ReturnExchange && len(accepted) > 0 {
		_, after := o.WithExchange(req.Exchange)
		s.Exchange = max(after.Total-Reprice(o).Total, 0)
	}
	s.Credit = s.Items + s.Delivery - s.Cost
	if s.Credit > 0 {
		s.CreditVAT = ReturnCredit(o, accepted, returned, s.Delivery, s.Cost).VAT
	}
	after := paid
	after.Covered += s.Credit
	s.Total = paid.Total + s.Exchange
	settled := after.Settle(s.Total)
	s.Refund = settled.Refund
	s.BalanceDue = max(settled.BalanceDue-paid.Due, 0)
	return s
}

// WithExchange is the order with the new items of an exchange added as
// lines to ship (ids 0 until stored), and its totals then: the order's
// discount and delivery cost, unchanged, apply to them.
func (o Order) WithExchange(items []Line) (Order, Totals) {
	lines := make([]Line, 0, len(o.Lines)+len(items))
	lines = append(lines, o.Lines...)
	for _, l := range items {
		l.ID, l.QtyShipped, l.QtyCompleted, l.QtyCancelled = 0, 0, 0, 0
		lines = append(lines, l)
	}
	o.Lines = lines
	t := Reprice(o)
	o.Totals = t
	return o, t
}

// PaidInFull is the position of an order whose customer paid its total
// and got nothing back.
func PaidInFull(total int64) Position {
	return PositionOf([]Entry{{Kind: EntryPayment, Amount: total, Ref: "paid"}}, total)
}

// paidFor is the merchandise kept once the items returned (and those of
// more) are gone, after the order's discount.
func paidFor(o Order, returned, more map[int64]int64) int64 {
	lines := make([]Line, len(o.Lines))
	for i, l := range o.Lines {
		l.QtyCancelled += returned[l.ID] + more[l.ID]
		lines[i] = l
	}
	m := MerchandiseTotal(lines)
	return m - DiscountAmount(o.Discount, m)
}

// ReturnNumber is a return's number: R-2026-000042.
func ReturnNumber(year int, seq int64) string {
	return fmt.Sprintf("R-%d-%06d", year, seq)
}
