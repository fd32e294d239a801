package order

import (
	"fmt"
	"strings"
)

// EntryKind names one kind of money fact in an order's ledger. The ledger
// is append-only: what happened to a refund is told by the entries about
// it, in order, never by rewriting an earlier one.
type EntryKind string

// The money facts of an order.
const (
	// EntryPayment: money received from the customer (cheque, transfer,
	// card, terminal...). Amount is what was received.
	EntryPayment EntryKind = "payment_received"
	// EntryRefundReserved: a refund is decided and its amount set aside
	// before any money moves; from then on it counts as given back until
	// the entries about it say it failed.
	EntryRefundReserved EntryKind = "refund_reserved"
	// EntryRefundSent: the refund was handed to the provider (or to an
	// agent, by hand). From here on nobody may assume that no money moved:
	// it is confirmed or failed only on the provider's (or the agent's)
	// word, asked by the refund's idempotency key.
	EntryRefundSent EntryKind = "refund_sent"
	// EntryRefundConfirmed: the money left. Final: nothing after it changes
	// the refund.
	EntryRefundConfirmed EntryKind = "refund_confirmed"
	// EntryRefundFailed: no money left (declined, impossible, never sent).
	// Final, and the amount is refundable again.
	EntryRefundFailed EntryKind = "refund_failed"
	// EntryRefundUnknown: the provider's answer is lost and asking again
	// did not tell; the money counts as gone until it says otherwise.
	EntryRefundUnknown EntryKind = "refund_unknown"
	// EntryChequeRequested and EntryChequeMailed follow a refund cheque;
	// its money is the refund's (reserved with it, confirmed when mailed).
	EntryChequeRequested EntryKind = "refund_cheque_requested"
	EntryChequeMailed    EntryKind = "refund_cheque_mailed"
	// EntryReplacementCheque: the customer will send a cheque of a new
	// amount in place of the first (which must not be sent). No money moved.
	EntryReplacementCheque EntryKind = "replacement_cheque_expected"
	// EntryOverpayment and EntryBalanceDue record what a procedure found
	// and decided to settle; the amounts themselves always follow from the
	// payments, the refunds and the total.
	EntryOverpayment EntryKind = "overpayment"
	EntryBalanceDue  EntryKind = "balance_due"
	// EntryCreditNote: a credit note was issued for a refund after the
	// invoice. Paperwork: no money moves with it.
	EntryCreditNote EntryKind = "credit_note"
	// EntryGesture: part of a settlement's refund is a commercial gesture
	// (money given back beyond what a cancellation freed up): the customer
	// does not owe it back when the order's total changes later. Ref is the
	// settlement's prefix ("<workflow id>/"): the gesture holds while a
	// refund under it is not failed, up to what those refunds give back.
	EntryGesture EntryKind = "gesture"
	// EntryReturned: items of the order came back (a return, inspected):
	// Amount is what they are worth to the customer, as the return's
	// settlement says (order.SettleReturn's Credit). It covers that much of
	// the order's total as a payment would, so what the customer paid for
	// them is owed back and nothing of them is owed any more.
	EntryReturned EntryKind = "goods_returned"
)

// Entry is one money fact of an order.
type Entry struct {
	Kind   EntryKind `json:"kind"`
	Amount int64     `json:"amount_cents"`
	// Ref is the idempotency key of the refund (or payment) the entry is
	// about: the entries of one refund share it.
	Ref string `json:"ref"`
}

// RefundState is where one refund stands, from its entries.
type RefundState string

// The states of a refund.
const (
	RefundReserved  RefundState = "reserved"  // decided, not handed to anyone yet
	RefundSent      RefundState = "sent"      // handed over; its outcome is not known yet
	RefundUnknown   RefundState = "unknown"   // the answer is lost; counts as gone
	RefundConfirmed RefundState = "confirmed" // the money left
	RefundFailed    RefundState = "failed"    // no money left
)

// Final reports whether nothing can change the refund any more.
func (s RefundState) Final() bool { return s == RefundConfirmed || s == RefundFailed }

// Position is what an order's ledger says of its money, against its total.
// Every figure an agent, a form, the CLI, the API or a procedure uses comes
// from here.
type Position struct {
	Received int64 `json:"received_cents"` // every payment received
	Refunded int64 `json:"refunded_cents"` // refunds confirmed
	// InFlight is refunds decided but not confirmed: reserved, sent, or
	// whose outcome is unknown. They count as given back: a refund whose
	// answer was lost must never be paid a second time.
	InFlight int64 `json:"in_flight_cents"`
	// PaidNet is what the customer paid net of every refund made or under
	// way: Received - Refunded - InFlight.
	PaidNet int64 `json:"paid_net_cents"`
	Total   int64 `json:"total_cents"` // the order's total
	// Due is what the customer still owes: the total beyond PaidNet.
	Due int64 `json:"due_cents"`
	// Overpayment is what the customer's money covers beyond the total,
	// never more than Refundable: what the shop owes back.
	Overpayment int64 `json:"overpayment_cents"`
	// Refundable is the most a new refund may give back: PaidNet, never
	// below zero.
	Refundable int64 `json:"refundable_cents"`
	// Gestures is what was given back as commercial gestures: not owed
	// back. Covered is what the customer's money (and the items they sent
	// back) covers of the total: PaidNet + Gestures + Returned; Due and
	// Overpayment compare it with the total.
	Gestures int64 `json:"gestures_cents"`
	// Returned is what the items that came back are worth (EntryReturned).
	Returned int64 `json:"returned_cents"`
	Covered  int64 `json:"covered_cents"`
	// Refunds is the state of each refund, by its key.
	Refunds map[string]RefundState `json:"refunds,omitempty"`
}

// PositionOf derives an order's money position from its ledger entries,
// oldest first, and its total. It is the one definition of paid net,
// refundable, due and overpayment.
func PositionOf(entries []Entry, total int64) Position {
	p := Position{Total: total, Refunds: map[string]RefundState{}}
	amounts := map[string]int64{}
	gestures := map[string]int64{}
	for _, e := range entries {
		switch e.Kind {
		case EntryGesture:
			gestures[e.Ref] += e.Amount
		case EntryReturned:
			p.Returned += e.Amount
		case EntryPayment:
			p.Received += e.Amount
		case EntryRefundReserved:
			if _, ok := p.Refunds[e.Ref]; !ok {
				p.Refunds[e.Ref], amounts[e.Ref] = RefundReserved, e.Amount
			}
		case EntryRefundSent, EntryChequeRequested:
			p.Refunds[e.Ref] = next(p.Refunds[e.Ref], RefundSent)
		case EntryRefundUnknown:
			p.Refunds[e.Ref] = next(p.Refunds[e.Ref], RefundUnknown)
		case EntryRefundConfirmed, EntryChequeMailed:
			p.Refunds[e.Ref] = next(p.Refunds[e.Ref], RefundConfirmed)
		case EntryRefundFailed:
			p.Refunds[e.Ref] = next(p.Refunds[e.Ref], RefundFailed)
		}
	}
	for ref, st := range p.Refunds {
		switch st {
		case RefundConfirmed:
			p.Refunded += amounts[ref]
		case RefundFailed:
		default:
			p.InFlight += amounts[ref]
		}
	}
	p.PaidNet = p.Received - p.Refunded - p.InFlight
	p.Refundable = max(p.PaidNet, 0)
	for prefix, g := range gestures {
		var given int64 // what the settlement's refunds give back
		for ref, st := range p.Refunds {
			if st != RefundFailed && strings.HasPrefix(ref, prefix) {
				given += amounts[ref]
			}
		}
		p.Gestures += min(g, given)
	}
	p.Covered = max(p.PaidNet, 0) + p.Gestures + p.Returned
	p.Due = max(total-p.Covered, 0)
	// What the shop owes back is never more than the customer paid net: a
	// gesture on an order then cancelled in full was a gift, not a debt.
	p.Overpayment = min(max(p.Covered-max(total, 0), 0), p.Refundable)
	return p
}

// Billed is what an order's invoices, net of its credit notes, bill once
// its money is settled: its total less what came back in its returns and
// the commercial gestures given. The credit note of a refund or a return
// never takes the invoices below it (CreditBound), so what the customer
// keeps and pays for stays invoiced.
func (p Position) Billed() int64 {
	return max(p.Total-p.Returned-p.Gestures, 0)
}

// BilledPaid is Billed, no more than what the customer paid net: what
// stays invoiced when the shop gives up what it was not paid (a
// collection's unpaid invoice cancelled).
func (p Position) BilledPaid() int64 {
	return max(min(p.Billed(), p.PaidNet), 0)
}

// PaidOnly is the position of an order whose customer paid paidNet net of
// refunds, none of them a gesture, against no total: what a caller that
// knows only paid net settles against (Settle).
func PaidOnly(paidNet int64) Position {
	return Position{PaidNet: paidNet, Refundable: max(paidNet, 0), Covered: max(paidNet, 0)}
}

// Settle is what a new total means for the customer's money: a refund of
// what their money covers beyond it (never more than is refundable), or a
// balance due.
func (p Position) Settle(newTotal int64) Settlement {
	owed := max(newTotal, 0)
	s := Settlement{PaidNet: p.PaidNet, NewTotal: newTotal}
	switch {
	case p.Covered > owed:
		s.Refund = min(p.Covered-owed, p.Refundable)
	case p.Covered < owed:
		s.BalanceDue = owed - p.Covered
	}
	return s
}

// next is a refund's state after a new fact: a final state never changes.
func next(cur, to RefundState) RefundState {
	if cur.Final() {
		return cur
	}
	return to
}

// CheckRefundMove refuses a fact about a refund that its state does not
// allow: a confirmed refund never becomes failed (nor the reverse), and a
// refund that was handed over is failed only on the word of whoever it was
// handed to, never by a procedure that stopped.
func CheckRefundMove(cur, to RefundState) error {
	switch {
	case cur == to:
		return nil
	case cur.Final():
		return fmt.Errorf("a %s refund cannot become %s: %w", cur, to, ErrRefundFinal)
	}
	return nil
}

// ErrRefundFinal is a fact refused because the refund is confirmed or
// failed already.
var ErrRefundFinal = fmt.Errorf("the refund's outcome is final")

// SettlementKind says which kind of settlement a change calls for.
type SettlementKind string

// The kinds of settlement.
const (
	SettleNothing     SettlementKind = "none"
	SettleRefund      SettlementKind = "refund"      // the total went down below what was paid: give back the difference
	SettleOverpayment SettlementKind = "overpayment" // the customer paid more than the total: give back the excess
	// SettleReplacementCheque: an order to be paid by cheque, whose cheque
	// is not recorded yet, got cheaper: the customer sends a cheque of the
	// new total instead (or, if the first is already in the post, gets the
	// difference back by cheque).
	SettleReplacementCheque SettlementKind = "replacement_cheque"
	SettleBalanceDue        SettlementKind = "balance_due" // the total went up after payment: the customer owes more
)
