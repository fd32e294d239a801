package mail

import (
	"strings"

	"github.com/orderdesk/orderdesk/order"
)

// TemplateCancelRefund is the email of cancel/refund: items of the
// customer's order were cancelled and/or an amount refunded, and how.
const TemplateCancelRefund = "cancel_refund"

// CancelRefund is the data of the "cancel_refund" email.
type CancelRefund struct {
	CustomerName string
	OrderNumber  string
	// Cancelled are the items cancelled, each with the quantity cancelled
	// (order.CancelResult.Cancelled). Empty for a refund without
	// cancellation, which then needs Goodwill.
	Cancelled []order.Line
	// OrderCancelled is true when this cancellation left nothing in the
	// order: the email says the order is cancelled, with its items.
	OrderCancelled bool
	// AlreadyCancelled is true when the order was cancelled before and
	// nothing is cancelled now: the email is about a refund on it.
	AlreadyCancelled bool
	// ShippingRefunded is the shipping fee taken off the order (zero if none).
	ShippingRefunded order.Money
	// NewTotal is the order's total afterwards; its currency is the email's.
	NewTotal order.Money
	// Goodwill is why the shop refunds without cancelling anything, told
	// to the customer (order.CancelRequest.Reason).
	Goodwill string

	Outcome       string      // one of the Outcome constants, except OutcomeBalanceDue
	Refund        order.Money // the amount refunded
	ProviderRef   string      // the provider's refund or transfer reference (optional)
	Reason        string      // why the refund failed, for OutcomeRefundImpossible (optional)
	PaymentMethod order.PaymentMethod
	IBAN          string         // for OutcomeBankTransfer: shown masked
	Voucher       string         // for OutcomeStoreCredit
	ChequeAddress *order.Address // for OutcomeChequeRefund (optional)
	ChequeDays    int            // for OutcomeChequeRefund (0: not said)
	AgentNote     string         // an optional personal paragraph from the agent
}

// Money is an amount in cents in the currency of the new total.
func (c CancelRefund) Money(cents int64) order.Money {
	return order.Money{Cents: cents, Currency: c.NewTotal.Currency}
}

// LineAmount is what a cancelled line was worth.
func (c CancelRefund) LineAmount(l order.Line) order.Money { return c.Money(l.Total()) }

// ShippingOnly reports whether the email is only about the shipping fee
// taken off the order: nothing cancelled and nothing refunded.
func (c CancelRefund) ShippingOnly() bool {
	return len(c.Cancelled) == 0 && !c.AlreadyCancelled && strings.TrimSpace(c.Goodwill) == "" &&
		c.Refund.Cents <= 0 && c.ShippingRefunded.Cents > 0
}

func (c CancelRefund) check() error {
	if err := c.CheckContent(); err != nil {
		return err
	}
	return settlement{Outcome: c.Outcome, Refund: c.Refund, NewTotal: c.NewTotal, IBAN: c.IBAN, Voucher: c.Voucher}.
		check(OutcomeRefunded, OutcomeRefundImpossible, OutcomeBankTransfer, OutcomeStoreCredit, OutcomeChequeRefund,
			OutcomeChequeReplaced, OutcomeChequeCancelled, OutcomeRefundRejected, OutcomeNone)
}

// CheckContent refuses what the email could not say truthfully about the
// cancellation itself, whatever becomes of the money: it can be asked
// before any money moves, with the refund asked for in Refund.
func (c CancelRefund) CheckContent() error {
	if c.OrderNumber == "" {
		return order.Refuse("OrderNumber", "refusal.email_order_number_missing")
	}
	if err := checkLines("Cancelled", c.Cancelled); err != nil {
		return err
	}
	if len(c.Cancelled) > 0 {
		if c.AlreadyCancelled {
			return order.Refuse("AlreadyCancelled", "refusal.email_cancelled_now")
		}
		return nil
	}
	switch {
	case c.OrderCancelled:
		return order.Refuse("Cancelled", "refusal.email_cancelled_no_item")
	case c.Refund.Cents <= 0 && c.ShippingRefunded.Cents <= 0:
		return order.Refuse("Refund", "refusal.email_cancel_says_nothing")
	case c.Refund.Cents > 0 && !c.AlreadyCancelled && strings.TrimSpace(c.Goodwill) == "":
		return order.Refuse("Goodwill", "refusal.email_goodwill_reason")
	}
	return nil
}
