package mail

import (
	"fmt"
	"strings"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// What happened with the money: the values of ContentModified.Outcome and
// CancelRefund.Outcome. Both emails tell it with the same paragraph
// (templates/_settlement.*), so a customer reads the same words whichever
// procedure paid them back.
const (
	// OutcomeRefunded: the difference was refunded on the means of payment
	// (Refund, optionally ProviderRef and PaymentMethod).
	OutcomeRefunded = "refunded"
	// OutcomeRefundImpossible: the provider could not refund (e.g. an expired
	// card); the shop will contact the customer about how to pay them back
	// (Refund, optionally Reason).
	OutcomeRefundImpossible = "refund_impossible"
	// OutcomeBankTransfer: paid back by bank transfer to the customer's
	// account (Refund, IBAN: shown masked, FR76 **** **** 1234).
	OutcomeBankTransfer = "bank_transfer"
	// OutcomeStoreCredit: paid back with a voucher for the shop (Refund,
	// Voucher: the code).
	OutcomeStoreCredit = "store_credit"
	// OutcomeChequeRefund: a refund cheque of Refund goes to the address
	// agreed with the customer (ChequeAddress when given, ChequeDays the
	// expected delay when known). When PaymentMethod is cheque the email
	// says it is because the customer had already sent their cheque
	// otherwise it is the payback the customer chose.
	OutcomeChequeRefund = "cheque_refund"
	// OutcomeChequeReplaced: the customer pays by cheque and had not sent it
	// yet; the first cheque is cancelled and must not be sent, a cheque of
	// NewTotal replaces it.
	OutcomeChequeReplaced = "cheque_replaced"
	// OutcomeChequeCancelled: the customer pays by cheque, had not sent it,
	// and the whole order is cancelled: the cheque must not be sent.
	OutcomeChequeCancelled = "cheque_cancelled"
	// OutcomeBalanceDue: the new total is above what was paid (free shipping
	// lost, products added); the customer owes BalanceDue, payable at
	// PaymentLink when given. Content changes only.
	OutcomeBalanceDue = "balance_due"
	// OutcomeRefundRejected: the refund of Refund was not approved (a
	// supervisor refused it); the shop will come back to the customer.
	OutcomeRefundRejected = "refund_rejected"
	// OutcomeNone: nothing to pay or give back.
	OutcomeNone = "none"
)

// settlement is the money part both emails share, for check.
type settlement struct {
	Outcome     string
	Refund      order.Money
	NewTotal    order.Money
	BalanceDue  order.Money
	IBAN        string
	Voucher     string
	PaymentLink string
}

// check refuses a settlement the paragraph cannot tell truthfully: an
// amount missing, an IBAN or a voucher code missing, a payment link that
// is not a web address.
func (s settlement) check(allowed ...string) error {
	ok := false
	for _, a := range allowed {
		if s.Outcome == a {
			ok = true
		}
	}
	if !ok {
		return order.Refuse("Outcome", "refusal.email_outcome_unknown", locale.Text(string(s.Outcome)), locale.Text(strings.Join(allowed, ", ")))
	}
	positive := func(field string, m order.Money) error {
		if m.Cents <= 0 {
			return order.Refuse(field, "refusal.email_outcome_amount", locale.Text(string(s.Outcome)), locale.Amount(m.Cents, m.Currency))
		}
		return nil
	}
	switch s.Outcome {
	case OutcomeRefunded, OutcomeRefundImpossible, OutcomeChequeRefund, OutcomeRefundRejected:
		return positive("Refund", s.Refund)
	case OutcomeBankTransfer:
		if strings.TrimSpace(s.IBAN) == "" {
			return order.Refuse("IBAN", "refusal.email_transfer_account", locale.Text(string(s.Outcome)))
		}
		return positive("Refund", s.Refund)
	case OutcomeStoreCredit:
		if strings.TrimSpace(s.Voucher) == "" {
			return order.Refuse("Voucher", "refusal.email_voucher_code", locale.Text(string(s.Outcome)))
		}
		return positive("Refund", s.Refund)
	case OutcomeChequeReplaced:
		return positive("NewTotal", s.NewTotal)
	case OutcomeBalanceDue:
		if l := s.PaymentLink; l != "" && !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "http://") {
			return order.Refuse("PaymentLink", "refusal.email_payment_link", locale.Text(l))
		}
		return positive("BalanceDue", s.BalanceDue)
	}
	return nil
}

// checkLines refuses a list of lines the email could not show.
func checkLines(field string, lines []order.Line) error {
	for i, l := range lines {
		if l.Quantity <= 0 || l.Name == "" {
			return order.Refuse(fmt.Sprintf("%s[%d]", field, i), "refusal.email_line_invalid", locale.Count(int(l.Quantity)), locale.Text(l.Name))
		}
	}
	return nil
}

// MaskIBAN shows an account the way a customer recognises it without
// exposing it: "FR76 **** **** 1234" (order.MaskIBAN).
func MaskIBAN(iban string) string { return order.MaskIBAN(iban) }
