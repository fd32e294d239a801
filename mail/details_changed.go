package mail

import (
	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// TemplateDetailsChanged is the email of edit details:
// the details of the customer's order were corrected (address, contact,
// shipping fee, discount), and, when the total moved, what happens with
// the money.
const TemplateDetailsChanged = "details_changed"

// DetailsChanged is the data of the "details_changed" email.
type DetailsChanged struct {
	CustomerName string
	OrderNumber  string
	// Changes are the fields changed, before and after, as the history
	// writes them (French values; the field names are said in the email's
	// language by the template).
	Changes []order.DetailChange
	// MoneyChanged is true when the shipping fee or the discount moved the
	// total: the email then gives the new total and the settlement.
	MoneyChanged bool
	NewTotal     order.Money // the order's total after the edit; its currency is the email's

	Outcome       string      // one of the Outcome constants
	Refund        order.Money // amount given back (zero if none)
	ProviderRef   string
	Reason        string
	BalanceDue    order.Money
	PaymentLink   string
	PaymentMethod order.PaymentMethod
	IBAN          string
	Voucher       string
	ChequeAddress *order.Address
	ChequeDays    int
	AgentNote     string
}

// Label is a changed field's name in the email's language.
func (d DetailsChanged) Label(field, locale string) string { return order.DetailLabel(field, locale) }

func (d DetailsChanged) check() error {
	if d.OrderNumber == "" {
		return order.Refuse("OrderNumber", "refusal.email_order_number_missing")
	}
	if len(d.Changes) == 0 {
		return order.Refuse("Changes", "refusal.email_no_change")
	}
	if !d.MoneyChanged {
		if d.Outcome != OutcomeNone && d.Outcome != "" {
			return order.Refuse("Outcome", "refusal.email_outcome_without_change", locale.Text(string(d.Outcome)))
		}
		return nil
	}
	return settlement{
		Outcome: d.Outcome, Refund: d.Refund, NewTotal: d.NewTotal, BalanceDue: d.BalanceDue,
		IBAN: d.IBAN, Voucher: d.Voucher, PaymentLink: d.PaymentLink,
	}.check(OutcomeRefunded, OutcomeRefundImpossible, OutcomeBankTransfer, OutcomeStoreCredit, OutcomeChequeRefund,
		OutcomeChequeReplaced, OutcomeBalanceDue, OutcomeRefundRejected, OutcomeNone)
}
