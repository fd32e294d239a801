package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// Orders are the activities that read and change orders, their history and
// the agent tasks, all in PostgreSQL.
type Orders struct {
	Store *store.Store
	Shop  Shop // the seller on the invoice of a rise the customer's money covers
}

// Actor says who a procedure acts for, for the order's history.
type Actor struct {
	WorkflowID string `json:"workflow_id"`
	Agent      string `json:"agent"` // the agent who asked for the procedure
}

// HoldInput asks for the hold on an order for a procedure.
type HoldInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
}

// HoldResult is what taking the hold reports: nothing beyond the hold.
// Order was the whole order as held, which no procedure reads
// (modify-content reads the order again in its next step, under the
// hold): it made every procedure's history carry a copy of the order,
// encoded, encrypted and stored for nothing. It is no longer filled, and
// kept so that the histories that carry it still decode.
type HoldResult struct {
	Order order.Order `json:"order,omitzero"`
}

// TakeHold takes the order out of the automatic logistics flow for the
// procedure (the shop's "Mod ON -> OFF"). It is one conditional UPDATE, so
// two procedures, or a procedure and the warehouse, never both win; taking
// it again for the same procedure is a no-op.
func (a *Orders) TakeHold(ctx context.Context, in HoldInput) (HoldResult, error) {
	err := a.Store.TakeHoldNoted(ctx, in.OrderNumber, in.Actor.WorkflowID, store.Event{
		ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: "hold_taken", Key: in.Actor.WorkflowID + "/hold",
		Phrase: locale.Phr("history.hold_taken"),
	})
	if err != nil {
		return HoldResult{}, classify(err)
	}
	return HoldResult{}, nil
}

// ReleaseInput gives the order back to the logistics flow.
type ReleaseInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Outcome     string `json:"outcome"` // why the procedure ends, for the history
	// Why is Outcome as a phrase (history.outcome.*); zero from a
	// procedure older than the phrases, whose line is Outcome's French.
	Why locale.Phrase `json:"why,omitzero"`
}

// ReleaseHold gives the order back to the automatic logistics flow, with
// its line in the order's history, in one statement. It does nothing when
// the procedure does not hold the order (never took it, or a retry), so it
// is safe in every compensation path.
func (a *Orders) ReleaseHold(ctx context.Context, in ReleaseInput) error {
	return releaseHold(ctx, a.Store, in)
}

// releaseHold is ReleaseHold, for the steps that release the hold with
// what they do (an email written: ContentEmailInput.Release).
func releaseHold(ctx context.Context, st *store.Store, in ReleaseInput) error {
	ev := store.Event{
		ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: "hold_released", Key: in.Actor.WorkflowID + "/release", Phrase: locale.Phr("history.hold_released"),
	}
	switch {
	case !in.Why.IsZero():
		ev.Phrase = locale.Phr("history.hold_released_because", in.Why)
	case in.Outcome != "":
		ev.Phrase, ev.Message = locale.Phrase{}, "Commande rendue au flux logistique automatique (Mod OFF → ON) : "+in.Outcome
	}
	_, err := st.ReleaseHoldNoted(ctx, in.OrderNumber, in.Actor.WorkflowID, ev)
	return err
}

// ContentInput is the change an agent asked for, on a held order.
type ContentInput struct {
	OrderNumber string               `json:"order_number"`
	Actor       Actor                `json:"actor"`
	Change      order.ContentChange  `json:"change"`
	Channel     order.ContactChannel `json:"channel"`
}

// ContentOutput is the change as applied and what it means for the money.
type ContentOutput struct {
	Result     order.ContentResult `json:"result"`
	Settlement order.Settlement    `json:"settlement"`
	Currency   string              `json:"currency"`
	Method     order.PaymentMethod `json:"payment_method"`
	Billing    order.Address       `json:"billing"`
	Delivery   order.Address       `json:"delivery"`
	// NoCollection: no payment collection was ever started on the order
	// when it changed (HoldAndChangeContent looks), so none is to be told
	// of the change. A collection started later reads the order as
	// changed. False when nobody looked.
	NoCollection bool `json:"no_collection,omitempty"`
}

// HoldAndChangeContent is TakeHold then ApplyContentChange, one step: a
// refused hold changes nothing, and a retry finds the hold its own and the
// change applied. It also says whether the order ever had a payment
// collection to tell of the change.
func (a *Orders) HoldAndChangeContent(ctx context.Context, in ContentInput) (ContentOutput, error) {
	if _, err := a.TakeHold(ctx, HoldInput{OrderNumber: in.OrderNumber, Actor: in.Actor}); err != nil {
		return ContentOutput{}, err
	}
	out, err := a.ApplyContentChange(ctx, in)
	if err != nil {
		return out, err
	}
	if out.NoCollection, err = noCollection(ctx, a.Store, in.OrderNumber); err != nil {
		return ContentOutput{}, err
	}
	return out, nil
}

// noCollection reports whether no payment collection was ever started on
// the order (ContentOutput.NoCollection): a procedure that changed the
// order has none to tell.
func noCollection(ctx context.Context, st *store.Store, number string) (bool, error) {
	collections, err := st.CollectionWorkflows(ctx, number)
	if err != nil {
		return false, classify(err)
	}
	return len(collections) == 0, nil
}

// ApplyContentChange applies the change to the held order, in one
// transaction with its history row. A retry after the commit finds the
// history row by its key and returns the change as it was applied.
func (a *Orders) ApplyContentChange(ctx context.Context, in ContentInput) (ContentOutput, error) {
	key := in.Actor.WorkflowID + "/content"
	o, ev, applied, err := a.Store.GetOrderAndEvent(ctx, in.OrderNumber, key)
	if err != nil {
		return ContentOutput{}, classify(err)
	}
	var res order.ContentResult
	if applied {
		if err := json.Unmarshal(ev.Data, &res); err != nil {
			return ContentOutput{}, fmt.Errorf("ApplyContentChange(%s): reading the change already applied: %w", in.OrderNumber, err)
		}
	} else {
		if o.HoldBy != in.Actor.WorkflowID {
			return ContentOutput{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("order %s is not held by this procedure (held by %q)", in.OrderNumber, o.HoldBy), ErrTypeNotHeld, nil)
		}
		if res, err = order.ApplyContentChange(o, in.Change); err != nil {
			return ContentOutput{}, classify(err)
		}
		_, err = a.Store.SaveContentChange(ctx, in.OrderNumber, in.Actor.WorkflowID, res, store.Event{
			OrderID: o.ID, ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
			Kind: "content_changed", Key: key, ContactChannel: string(in.Channel),
			Phrase: describeChange(res, o.Currency),
		})
		if err != nil {
			return ContentOutput{}, classify(err)
		}
	}
	paid, err := paidBefore(ctx, a.Store, o.ID, in.Actor.WorkflowID)
	if err != nil {
		return ContentOutput{}, err
	}
	if err := a.squareBooks(ctx, in.OrderNumber, in.Actor, res.Before.Total, res.After.Total); err != nil {
		return ContentOutput{}, err
	}
	return ContentOutput{
		Result:     res,
		Settlement: order.SettleChange(o.PaymentMethod, paid, res.Before.Total, res.After.Total),
		Currency:   o.Currency,
		Method:     o.PaymentMethod,
		Billing:    o.Billing,
		Delivery:   o.Delivery,
	}, nil
}

// squareBooks squares the books of the order whose total changed from
// before to after (Collect.squareSettled), keyed by the procedure: a rise
// the customer's money covers is invoiced, a drop with nothing to refund
// is credited. A total that did not change needs nothing.
func (a *Orders) squareBooks(ctx context.Context, number string, actor Actor, before, after int64) error {
	if after == before {
		return nil
	}
	return (&Collect{Store: a.Store, Shop: a.Shop}).squareSettled(ctx, actor, actor.WorkflowID, number)
}

// paidBefore is the order's money position without the facts of the
// procedure's own settlement: a retry of a step that ran before that
// settlement moved money must see the figures it saw then, or it would
// settle the difference twice.
func paidBefore(ctx context.Context, st *store.Store, orderID int64, workflowID string) (order.Position, error) {
	// The settle-difference child's money facts are keyed under its id.
	return st.MoneyPositionWithout(ctx, orderID, workflowID+"/settle/")
}

// describeChange is the history line of a content change: the products
// removed, edited and added (a kind of change that did not happen is left
// out), then the total and the shipping fee.
func describeChange(res order.ContentResult, currency string) locale.Phrase {
	var changes []locale.Phrase
	if len(res.Removed) > 0 {
		changes = append(changes, locale.Phr("history.content.removed", textArg(order.Describe(res.Removed))))
	}
	if len(res.Edited) > 0 {
		edits := make([]locale.Phrase, len(res.Edited))
		for i, d := range res.Edited {
			edits[i] = describeEdit(d, currency)
		}
		changes = append(changes, locale.Phr("history.content.edited", locale.Join(", ", edits...)))
	}
	if len(res.Added) > 0 {
		changes = append(changes, locale.Phr("history.content.added", textArg(order.Describe(res.Added))))
	}
	return locale.Phr("history.content_changed", locale.Join("", changes...),
		amountArg(res.Before.Total, currency), amountArg(res.After.Total, currency), shippingChange(res.Shipping, currency))
}

// shippingChange is what a change did to the shipping fee, if anything:
// « (livraison gratuite perdue : +6,90 €) », « (frais de port 4,90 € →
// 6,90 €) ».
func shippingChange(sc order.ShippingChange, currency string) locale.List {
	switch {
	case sc.FreeShippingLost():
		return locale.Join("", locale.Phr("history.shipping.free_lost", amountArg(sc.After, currency)))
	case sc.Before != sc.After:
		return locale.Join("", locale.Phr("history.shipping.changed", amountArg(sc.Before, currency), amountArg(sc.After, currency)))
	}
	return locale.Join("")
}

// describeEdit is an edited line in a history line: its SKU before the
// edit, then what changed, "MUG-01 (prix unitaire 12,50 € → 15,00 €)".
func describeEdit(d order.LineDiff, currency string) locale.Phrase {
	var what []locale.Phrase
	if d.SKUChanged() {
		what = append(what, locale.Phr("history.edit.sku", textArg(d.Before.SKU), textArg(d.After.SKU)))
	}
	if d.NameChanged() {
		what = append(what, locale.Phr("history.edit.name", textArg(d.Before.Name), textArg(d.After.Name)))
	}
	if d.PriceChanged() {
		what = append(what, locale.Phr("history.edit.price", amountArg(d.Before.UnitPrice, currency), amountArg(d.After.UnitPrice, currency)))
	}
	if d.QuantityChanged() {
		what = append(what, locale.Phr("history.edit.quantity", locale.Count(int(d.Before.Remaining())), locale.Count(int(d.After.Remaining()))))
	}
	if d.VATChanged() {
		what = append(what, locale.Phr("history.edit.vat", locale.Percent(d.Before.VATRate), locale.Percent(d.After.VATRate)))
	}
	return locale.Phr("history.content.edit", textArg(d.Before.SKU), locale.Join(", ", what...))
}

// NoteInput is one line of history written by a procedure.
type NoteInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Key         string `json:"key"` // unique per step, so a retry writes it once
	Kind        string `json:"kind"`
	Message     string `json:"message"`
	// Phrase is the line as a phrase of the catalog; zero from a
	// procedure older than the phrases: the line is Message alone.
	Phrase locale.Phrase `json:"phrase,omitzero"`
}

// RecordEvent writes one line of the order's history, once per key.
func (a *Orders) RecordEvent(ctx context.Context, in NoteInput) error {
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	err = a.Store.AppendEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: in.Kind, Key: in.Key, Message: in.Message, Phrase: in.Phrase,
	})
	return classify(err)
}
