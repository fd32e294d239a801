package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
			Kind: "items_cancelled", Key: key, Message: describeCancel(out.Result, o.Currency),
		}); err != nil {
			return CancelItemsOutput{}, classify(err)
		}
	}
	before, err := paidBefore(ctx, a.Store, o.ID, in.Actor.WorkflowID)
	if err != nil {
		return CancelItemsOutput{}, err
	}
	out.PaidNet = before.PaidNet
	return out, nil
}

// describeCancel is the history line of a cancellation, in French.
func describeCancel(r order.CancelResult, currency string) string {
	m := func(c int64) string { return order.Money{Cents: c, Currency: currency}.French() }
	var s string
	switch {
	case len(r.Cancelled) > 0:
		s = fmt.Sprintf("Articles annulés : %s. Total %s → %s", order.Describe(r.Cancelled), m(r.Before.Total), m(r.After.Total))
	case r.Goodwill:
		s = fmt.Sprintf("Remboursement sans annulation (geste commercial) : %s", r.Reason)
	default:
		s = "Remboursement"
	}
	if r.Shipping.Changed() {
		s += fmt.Sprintf(" (frais de port %s → %s)", m(r.Shipping.Before), m(r.Shipping.After))
	}
	if r.Refund > 0 {
		s += fmt.Sprintf(" ; à rembourser : %s", m(r.Refund))
	}
	if r.OrderCancelled() {
		s += " ; commande annulée"
	}
	return s
}
