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
	// Changes are the fields changed, as the history lists them. The email
	// names each field in its reader's language, and writes the values
	// that language writes its own way (the shipping fee, the discount,
	// the payment method's label) from Before and After; the others (a
	// name, an address) as they were typed.
	Changes []order.DetailChange
	// Before and After are the order's details before and after the edit
	// (order.DetailsResult).
	Before, After order.Details
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

func (d DetailsChanged) check() error {
	if d.OrderNumber == "" {
		return order.Refuse("OrderNumber", "refusal.email_order_number_missing")
	}
	if len(d.Changes) == 0 {
		return order.Refuse("Changes", "refusal.email_no_change")
	}
	for _, c := range d.Changes {
		if !d.showsChange(c.Field) {
			return order.Refuse("After", "refusal.email_details_unsaid", locale.Text(c.Field))
		}
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

// showsChange reports whether Before and After say how a field whose
// value the email writes from them changed.
func (d DetailsChanged) showsChange(field string) bool {
	switch field {
	case "shipping_fee":
		return d.Before.ShippingFee != d.After.ShippingFee
	case "discount":
		return d.Before.Discount != d.After.Discount
	case "payment_label":
		return d.Before.PaymentLabel != d.After.PaymentLabel
	}
	return true
}
