package activities

import (
	"context"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
)

// renderCancel renders the cancellation email in the customer's language.
func (m *Emails) renderCancel(ctx context.Context, in CancelEmailInput) (order.Order, mail.Message, error) {
	o, err := m.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return o, mail.Message{}, classify(err)
	}
	money := func(c int64) order.Money { return order.Money{Cents: c, Currency: o.Currency} }
	goodwill := ""
	if in.Result.Goodwill {
		goodwill = in.Result.Reason
	}
	msg, err := mail.Render(mail.TemplateCancelRefund, o.Customer.Locale, mail.CancelRefund{
		CustomerName: o.Customer.Name, OrderNumber: o.Number,
		Cancelled: in.Result.Cancelled, OrderCancelled: in.Result.OrderCancelled(),
		ShippingRefunded: money(in.Result.Shipping.Before - in.Result.Shipping.After),
		NewTotal:         money(in.Result.After.Total), Goodwill: goodwill,
		Outcome: in.Outcome, Refund: money(in.Refund), ProviderRef: in.ProviderRef, Reason: in.Reason,
		PaymentMethod: o.PaymentMethod, IBAN: in.IBAN, Voucher: in.Voucher, ChequeAddress: in.ChequeAddress,
		AgentNote: in.AgentNote,
	})
	if err != nil {
		return o, msg, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return o, msg, nil
}
