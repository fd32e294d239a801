package activities

import (
	"context"
	"errors"

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
	msg, err := mail.Render(mail.TemplateCancelRefund, o.Customer.Locale, cancelEmail(o, in))
	if err != nil {
		return o, msg, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return o, msg, nil
}

// cancelEmail is the data of the cancellation email: what the cancellation
// did and how the money was settled. An order cancelled before, with
// nothing cancelled now, gets an email about the refund on it.
func cancelEmail(o order.Order, in CancelEmailInput) mail.CancelRefund {
	money := func(c int64) order.Money { return order.Money{Cents: c, Currency: o.Currency} }
	res := in.Result
	goodwill := ""
	if res.Goodwill {
		goodwill = res.Reason
	}
	now := len(res.Cancelled) > 0
	return mail.CancelRefund{
		CustomerName: o.Customer.Name, OrderNumber: o.Number,
		Cancelled: res.Cancelled, OrderCancelled: res.OrderCancelled() && now, AlreadyCancelled: res.OrderCancelled() && !now,
		ShippingRefunded: money(res.Shipping.Before - res.Shipping.After),
		NewTotal:         money(res.After.Total), Goodwill: goodwill,
		Outcome: in.Outcome, Refund: money(in.Refund), ProviderRef: in.ProviderRef, Reason: in.Reason,
		PaymentMethod: o.PaymentMethod, IBAN: in.IBAN, Voucher: in.Voucher, ChequeAddress: in.ChequeAddress,
		AgentNote: in.AgentNote,
	}
}

// CheckCancelEmail refuses a cancellation whose email to the customer
// could not be written, before anything is written or any money moves:
// the email's own check of what the cancellation did, with the refund
// asked for (the settlement has not happened yet). The refusal is the
// email's own, said by its code, about the notify field: next to the
// switch that sends the email, it says why the email cannot go, and so to
// switch it off or change the request.
func CheckCancelEmail(o order.Order, res order.CancelResult) error {
	err := cancelEmail(o, CancelEmailInput{Result: res, Refund: res.Refund}).CheckContent()
	var fe *order.FieldError
	if errors.As(err, &fe) {
		return &order.FieldError{Field: "notify", Code: fe.Code, Args: fe.Args, Message: fe.Message}
	}
	return err
}
