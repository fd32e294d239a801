package order

import (
	"fmt"

	"github.com/orderdesk/orderdesk/locale"
)

// Settlement is what a change of total means for the customer's money,
// given what they paid net of earlier refunds.
type Settlement struct {
	PaidNet    int64 `json:"paid_net_cents"` // paid minus refunded (and pending refunds)
	NewTotal   int64 `json:"new_total_cents"`
	Refund     int64 `json:"refund_cents"`      // to give back, never more than PaidNet
	BalanceDue int64 `json:"balance_due_cents"` // still owed by the customer
	// ChequeDifference is, for an order to be paid by cheque whose cheque is
	// not recorded yet and whose total went down, what that cheque (if the
	// customer sent it already) pays too much: the old total minus the new.
	ChequeDifference int64 `json:"cheque_difference_cents,omitempty"`
	// Kind says how the change is settled (SettleChange); empty from Settle.
	Kind SettlementKind `json:"kind,omitempty"`
}

// SettleChange is what a change of an order's total from before to after
// means for the customer's money, given how they pay and what they paid
// net of refunds: money received beyond the new total goes back
// (SettleRefund); an order by cheque not paid yet that got cheaper gets a
// replacement cheque, or the difference back if the first is in the post
// (SettleReplacementCheque); a total above what was paid leaves a balance
// due (SettleBalanceDue) — on an order not paid at all (nothing covered),
// the new total is simply what its payment collection awaits, and nothing
// is settled.
func SettleChange(method PaymentMethod, paid Position, before, after int64) Settlement {
	s := paid.Settle(after)
	paidNet := paid.PaidNet
	switch {
	case s.Refund > 0:
		s.Kind = SettleRefund
	case paidNet <= 0 && paid.Gestures == 0 && method == PayCheque && before > after:
		s.Kind, s.ChequeDifference = SettleReplacementCheque, before-after
	case (paidNet > 0 || paid.Covered > 0) && s.BalanceDue > 0:
		// Paid, even if all of it went back as what the customer does
		// not owe back (a gesture, items returned): the rise is owed.
		s.Kind = SettleBalanceDue
	default:
		s.Kind = SettleNothing
	}
	return s
}

// Owed is the balance the settlement asks of the customer: none on an
// order not paid at all, whose collection awaits its total.
func (s Settlement) Owed() int64 {
	if s.Kind == SettleBalanceDue {
		return s.BalanceDue
	}
	return 0
}

// Settle compares what was paid net of refunds with the new total. Neither
// amount counts below zero, so the refund and the balance are never negative
// and the refund is never more than was paid net.
func Settle(paidNet, newTotal int64) Settlement {
	return PaidOnly(paidNet).Settle(newTotal)
}

// CheckRefund refuses a refund that is not positive or that exceeds what
// was paid net of earlier refunds.
func CheckRefund(amount, paidNet int64) error {
	if amount <= 0 {
		return Refuse("amount", "refusal.refund_not_positive", locale.Amount(amount, "EUR"))
	}
	if amount > paidNet {
		return Refuse("amount", "refusal.refund_above_paid", locale.Amount(amount, "EUR"), locale.Amount(max(paidNet, 0), "EUR"))
	}
	return nil
}

// ErrRefundTooLarge is returned by the store when a refund would exceed what was paid.
var ErrRefundTooLarge = fmt.Errorf("refund exceeds what was paid net of earlier refunds")

// Summary says what the settlement means for the customer's money, for an
// agent, in French unless locale is "en": "À rembourser au client : 52,80 €",
// "Reste à payer par le client : 6,90 €" or "Aucune différence à régler".
func (s Settlement) Summary(currency, locale string) string {
	m := func(c int64) string { return Money{Cents: c, Currency: currency}.Format(locale) }
	switch {
	case s.Refund > 0 && locale == "en":
		return "To refund to the customer: " + m(s.Refund)
	case s.Refund > 0:
		return "À rembourser au client\u00a0: " + m(s.Refund)
	case s.BalanceDue > 0 && locale == "en":
		return "Still to be paid by the customer: " + m(s.BalanceDue)
	case s.BalanceDue > 0:
		return "Reste à payer par le client\u00a0: " + m(s.BalanceDue)
	case locale == "en":
		return "Nothing to settle"
	default:
		return "Aucune différence à régler"
	}
}
