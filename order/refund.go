package order

import "fmt"

// Settlement is what a change of total means for the customer's money,
// given what they paid net of earlier refunds.
type Settlement struct {
	PaidNet    int64 `json:"paid_net_cents"` // paid minus refunded (and pending refunds)
	NewTotal   int64 `json:"new_total_cents"`
	Refund     int64 `json:"refund_cents"`      // to give back, never more than PaidNet
	BalanceDue int64 `json:"balance_due_cents"` // still owed by the customer
}

// Settle compares what was paid net of refunds with the new total. Neither
// amount counts below zero, so the refund and the balance are never negative
// and the refund is never more than was paid net.
func Settle(paidNet, newTotal int64) Settlement {
	s := Settlement{PaidNet: paidNet, NewTotal: newTotal}
	paid, owed := max(paidNet, 0), max(newTotal, 0)
	switch {
	case paid > owed:
		s.Refund = paid - owed
	case paid < owed:
		s.BalanceDue = owed - paid
	}
	return s
}

// CheckRefund refuses a refund that is not positive or that exceeds what
// was paid net of earlier refunds.
func CheckRefund(amount, paidNet int64) error {
	if amount <= 0 {
		return Fieldf("amount", "a refund must be above 0, got %s", EUR(amount))
	}
	if amount > paidNet {
		return Fieldf("amount", "refund of %s is more than the %s paid net of earlier refunds", EUR(amount), EUR(max(paidNet, 0)))
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
