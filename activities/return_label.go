package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"

	"github.com/orderdesk/orderdesk/carrier"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// returnLabel is the prepaid label the return's email gives.
//
// The instructions: the label kept on the return, or else, with a
// carrier, the carrier's, asked with the return's number as the key (a
// retry, or a crash after the carrier answered, gets the same label), kept
// on the return with a line of history before the email is written. A
// carrier that fails for a while (an outage, a timeout) fails the step,
// which is retried. A carrier that refuses for good (our API key, the
// request) does not hold the customer's instructions back: they go
// without a label, and the history says why, for an operator to fix the
// carrier's configuration.
//
// A reminder gives the label kept, and never asks the carrier.
func (r *Returns) returnLabel(ctx context.Context, o order.Order, in ReturnEmailInput, items []order.Line) (store.ReturnLabel, error) {
	kept, ok, err := r.Store.GetReturnLabel(ctx, in.Number)
	if err != nil {
		return store.ReturnLabel{}, classify(err)
	}
	if in.Reminder || (!ok && r.Carrier == nil) {
		return kept, nil
	}
	if !ok {
		req := carrier.LabelRequest{Key: in.Number, Reference: o.Number, From: o.Delivery, To: r.Shop.Seller.Address}
		if req.From.Name == "" {
			req.From.Name = o.Customer.Name
		}
		if !req.To.IsZero() {
			req.To.Name = r.Shop.Name()
		}
		for _, l := range items {
			req.Items += l.Quantity
		}
		l, err := r.Carrier.ReturnLabel(ctx, req)
		if refusedForGood(err) {
			activity.GetLogger(ctx).Warn("the carrier refuses to make the return label; the instructions go without one", "return", in.Number, "err", err)
			return store.ReturnLabel{}, r.labelEvent(ctx, o, in, "return_label_refused",
				locale.Phr("history.return.label_refused", textArg(in.Number), textArg(err.Error())))
		}
		if err != nil {
			return store.ReturnLabel{}, err // temporary: the step is retried, with the same key
		}
		if kept, err = r.Store.SetReturnLabel(ctx, in.Number, store.ReturnLabel{URL: l.URL, Tracking: l.Tracking, Carrier: l.Carrier}); err != nil {
			return store.ReturnLabel{}, classify(err)
		}
	}
	// Written once (keyed), also when a retry finds the label kept.
	return kept, r.labelEvent(ctx, o, in, "return_label",
		locale.Phr("history.return.label", textArg(in.Number), textArg(kept.Carrier), textArg(kept.Tracking)))
}

// labelEvent writes the history line of the return's label, once per
// procedure.
func (r *Returns) labelEvent(ctx context.Context, o order.Order, in ReturnEmailInput, kind string, ph locale.Phrase) error {
	_, err := r.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: kind, Key: in.Actor.WorkflowID + "/label", Phrase: ph,
	})
	return classify(err)
}

// refusedForGood reports a carrier's refusal that no retry can change: our
// API key, or the request itself (a sender without an address).
func refusedForGood(err error) bool {
	var fe *order.FieldError
	return errors.Is(err, carrier.ErrAuth) || errors.Is(err, carrier.ErrInvalid) || errors.As(err, &fe)
}
