package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// CancelItemsInput is a cancellation of items and/or a refund.
type CancelItemsInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Request     order.CancelRequest `json:"request"`
}

// CancelItemsOutput is the cancellation as applied, and the order's money facts
// the settlement needs.
type CancelItemsOutput struct {
	Result   order.CancelResult  `json:"result"`
	PaidNet  int64               `json:"paid_net_cents"`
	Currency string              `json:"currency"`
	Method   order.PaymentMethod `json:"payment_method"`
	Billing  order.Address       `json:"billing"`
	Delivery order.Address       `json:"delivery"`
	// NoCollection: see ContentOutput.NoCollection.
	NoCollection bool `json:"no_collection,omitempty"`
}

// ApplyCancel cancels the items and writes the new totals and status with
// the history row, in one transaction. The refund is checked against what
// was paid here too: the settlement reserves it under the row lock. A retry
// finds the history row and returns the cancellation as it was applied.
func (a *Orders) ApplyCancel(ctx context.Context, in CancelItemsInput) (CancelItemsOutput, error) {
	key := in.Actor.WorkflowID + "/cancel"
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return CancelItemsOutput{}, classify(err)
	}
	out := CancelItemsOutput{Currency: o.Currency, Method: o.PaymentMethod, Billing: o.Billing, Delivery: o.Delivery}
	if ev, err := a.Store.EventByKey(ctx, key); err == nil {
		if err := json.Unmarshal(ev.Data, &out.Result); err != nil {
			return CancelItemsOutput{}, fmt.Errorf("ApplyCancel(%s): reading the cancellation already applied: %w", in.OrderNumber, err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return CancelItemsOutput{}, err
	} else {
		paid, err := a.Store.MoneyPosition(ctx, o.ID)
		if err != nil {
			return CancelItemsOutput{}, err
		}
		plan, err := order.PlanCancel(o, in.Request, paid)
		if err != nil {
			return CancelItemsOutput{}, classify(err)
		}
		out.Result = plan.Result
		if in.Request.Notify {
			// The email is checked now: once money moves, it must go.
			if err := CheckCancelEmail(o, out.Result); err != nil {
				return CancelItemsOutput{}, classify(err)
			}
		}
		if _, err := a.Store.SaveCancel(ctx, in.OrderNumber, out.Result, store.Event{
			ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
			Kind: "items_cancelled", Key: key, Phrase: describeCancel(out.Result, o.Currency),
		}); err != nil {
			return CancelItemsOutput{}, classify(err)
		}
	}
	if err := a.squareBooks(ctx, in.OrderNumber, in.Actor, out.Result.Before.Total, out.Result.After.Total); err != nil {
		return CancelItemsOutput{}, err
	}
	before, err := paidBefore(ctx, a.Store, o.ID, in.Actor.WorkflowID)
	if err != nil {
		return CancelItemsOutput{}, err
	}
	out.PaidNet = before.PaidNet
	if out.NoCollection, err = noCollection(ctx, a.Store, in.OrderNumber); err != nil {
		return CancelItemsOutput{}, err
	}
	return out, nil
}

// describeCancel is the history line of a cancellation: the items
// cancelled and the totals (or a refund without cancelling, or a refund),
// then what it did to the shipping fee, what is to refund and whether the
// whole order is cancelled.
func describeCancel(r order.CancelResult, currency string) locale.Phrase {
	var what locale.Phrase
	switch {
	case len(r.Cancelled) > 0:
		what = locale.Phr("history.cancel.items", textArg(order.Describe(r.Cancelled)), amountArg(r.Before.Total, currency), amountArg(r.After.Total, currency))
	case r.Goodwill:
		what = locale.Phr("history.cancel.goodwill", textArg(r.Reason))
	default:
		what = locale.Phr("history.cancel.refund")
	}
	var more []locale.Phrase
	if r.Shipping.Changed() {
		more = append(more, locale.Phr("history.shipping.changed", amountArg(r.Shipping.Before, currency), amountArg(r.Shipping.After, currency)))
	}
	if r.Refund > 0 {
		more = append(more, locale.Phr("history.cancel.to_refund", amountArg(r.Refund, currency)))
	}
	if r.OrderCancelled() {
		more = append(more, locale.Phr("history.cancel.order_cancelled"))
	}
	return locale.Phr("history.items_cancelled", what, locale.Join("", more...))
}
