package mail

import (
	"fmt"

	"github.com/orderdesk/orderdesk/order"
)

// TemplateContentModified is the email of modify content: products
// were removed, added or changed in the customer's order, here is the new
// total and what happens with the money.
const TemplateContentModified = "content_modified"

// ContentModified is the data of the "content_modified" email.
type ContentModified struct {
	CustomerName string
	OrderNumber  string
	Removed      []order.Line         // each with the quantity taken out
	Added        []order.Line         // products added
	Edited       []order.LineDiff     // lines changed: SKU, name, price, quantity
	NewTotal     order.Money          // the order's total after the change; its currency is the email's
	Shipping     order.ShippingChange // the fee before and after: free shipping lost is called out
	Outcome      string               // one of the Outcome constants
	Refund       order.Money          // amount given back, or owed back (zero if none)
	ProviderRef  string               // the provider's refund or transfer reference (optional)
	Reason       string               // why the refund failed, for OutcomeRefundImpossible (optional)
	BalanceDue   order.Money          // for OutcomeBalanceDue
	PaymentLink  string               // for OutcomeBalanceDue: where to pay it (optional)
	// PaymentMethod is how the customer paid (optional): named in a refund,
	// and a cheque refund to a cheque payer says they had sent their cheque.
	PaymentMethod order.PaymentMethod
	IBAN          string         // for OutcomeBankTransfer: shown masked
	Voucher       string         // for OutcomeStoreCredit: the voucher code
	ChequeAddress *order.Address // for OutcomeChequeRefund: where the cheque goes (optional)
	ChequeDays    int            // for OutcomeChequeRefund: working days until it arrives (0: not said)
	AgentNote     string         // an optional personal paragraph from the agent
}

// Money is an amount in cents in the currency of the new total: templates
// use it for the removed lines and the shipping fee, which carry no currency.
func (c ContentModified) Money(cents int64) order.Money {
	return order.Money{Cents: cents, Currency: c.NewTotal.Currency}
}

// LineAmount is what a line is worth: for a removed line, its quantity
// taken out times its unit price.
func (c ContentModified) LineAmount(l order.Line) order.Money { return c.Money(l.Total()) }

func (c ContentModified) check() error {
	if c.OrderNumber == "" {
		return order.Refuse("OrderNumber", "refusal.email_order_number_missing")
	}
	if len(c.Removed) == 0 && len(c.Added) == 0 && len(c.Edited) == 0 {
		return order.Refuse("Removed", "refusal.email_no_product_changed")
	}
	if err := checkLines("Removed", c.Removed); err != nil {
		return err
	}
	if err := checkLines("Added", c.Added); err != nil {
		return err
	}
	for i, d := range c.Edited {
		if d.After.Name == "" || d.After.Remaining() <= 0 {
			return order.Refuse(fmt.Sprintf("Edited[%d]", i), "refusal.email_edited_line")
		}
	}
	return settlement{
		Outcome: c.Outcome, Refund: c.Refund, NewTotal: c.NewTotal, BalanceDue: c.BalanceDue,
		IBAN: c.IBAN, Voucher: c.Voucher, PaymentLink: c.PaymentLink,
	}.check(OutcomeRefunded, OutcomeRefundImpossible, OutcomeBankTransfer, OutcomeStoreCredit, OutcomeChequeRefund,
		OutcomeChequeReplaced, OutcomeBalanceDue, OutcomeRefundRejected, OutcomeNone)
}

// OnlyRemoved reports whether the change only took products out,
// which the email says in one sentence.
func (c ContentModified) OnlyRemoved() bool { return len(c.Added) == 0 && len(c.Edited) == 0 }
