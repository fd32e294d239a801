package activities

import (
	"context"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// FulfilInput marks items of an order shipped or completed.
type FulfilInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Request     order.FulfilRequest `json:"request"`
}

// FulfilOutput is the fulfilment as recorded.
type FulfilOutput struct {
	Result order.FulfilResult `json:"result"`
}

// RecordFulfil records the shipment (and the completed items) with the
// lines' quantities, the order's status and its history row, in one
// transaction keyed by the procedure: a retry finds the first write and
// returns it, so the parcel is recorded once.
func (a *Orders) RecordFulfil(ctx context.Context, in FulfilInput) (FulfilOutput, error) {
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return FulfilOutput{}, classify(err)
	}
	// The message is written before the result is known; it names what
	// was asked, which is what is applied (or the step fails).
	preview, err := order.ApplyFulfil(o, in.Request)
	line := locale.Phr("history.items_shipped_asked")
	if err == nil {
		line = describeFulfil(preview)
	}
	res, err := a.Store.SaveFulfil(ctx, in.OrderNumber, in.Request, store.Event{
		ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: "items_shipped", Key: in.Actor.WorkflowID + "/fulfil", Phrase: line,
	})
	if err != nil {
		return FulfilOutput{}, classify(err)
	}
	return FulfilOutput{Result: res}, nil
}

// describeFulfil is the history line of a fulfilment: what shipped (by
// which carrier, with which tracking), what was completed, what is left to
// ship and the order's new status, joined by « ; ».
func describeFulfil(r order.FulfilResult) locale.Phrase {
	var parts []locale.Phrase
	if len(r.Shipped) > 0 {
		if r.Tracking != "" {
			parts = append(parts, locale.Phr("history.fulfil.shipped_tracked", textArg(r.Carrier), textArg(r.Tracking), textArg(order.Describe(r.Shipped))))
		} else {
			parts = append(parts, locale.Phr("history.fulfil.shipped", textArg(r.Carrier), textArg(order.Describe(r.Shipped))))
		}
	}
	if len(r.Completed) > 0 {
		parts = append(parts, locale.Phr("history.fulfil.completed", textArg(order.Describe(r.Completed))))
	}
	if len(r.LeftToShip) > 0 {
		parts = append(parts, locale.Phr("history.fulfil.left_to_ship", textArg(order.Describe(r.LeftToShip))))
	}
	if r.Status != r.Before {
		parts = append(parts, locale.Phr("history.fulfil.status", statusArg(r.Before), statusArg(r.Status)))
	}
	return locale.Phr("history.items_shipped", locale.Join(" ; ", parts...))
}

// ShippedEmailInput is what the customer is told once items shipped.
type ShippedEmailInput struct {
	OrderNumber string             `json:"order_number"`
	Actor       Actor              `json:"actor"`
	Key         string             `json:"key"` // outbox key: workflow id + step
	Result      order.FulfilResult `json:"result"`
	// BySender leaves the sending to the outbox sender (OutboxSender).
	BySender bool `json:"by_sender,omitempty"`
}

// QueueShippedEmail renders the "shipped" email in the customer's
// language and writes it to the outbox, once per key.
func (m *Emails) QueueShippedEmail(ctx context.Context, in ShippedEmailInput) (EmailRef, error) {
	o, err := m.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return EmailRef{}, classify(err)
	}
	msg, err := mail.Render(mail.TemplateShipped, o.Customer.Locale, mail.Shipped{
		CustomerName: o.Customer.Name, OrderNumber: o.Number,
		Shipped: in.Result.Shipped, Completed: in.Result.Completed, LeftToShip: in.Result.LeftToShip,
		Carrier: in.Result.Carrier, Tracking: in.Result.Tracking,
		TrackingURL: order.TrackingURL(in.Result.Carrier, in.Result.Tracking),
	})
	if err != nil {
		return EmailRef{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return m.enqueue(ctx, o, in.Actor, in.Key, in.BySender, msg)
}
