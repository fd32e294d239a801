package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// Orders are the activities that read and change orders, their history and
// the agent tasks, all in PostgreSQL.
type Orders struct {
	Store *store.Store
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

// HoldResult is the order as it was when the hold was taken.
type HoldResult struct {
	Order order.Order `json:"order"`
}

// TakeHold takes the order out of the automatic logistics flow for the
// procedure (the shop's "Mod ON -> OFF"). It is one conditional UPDATE, so
// two procedures, or a procedure and the warehouse, never both win; taking
// it again for the same procedure is a no-op.
func (a *Orders) TakeHold(ctx context.Context, in HoldInput) (HoldResult, error) {
	o, err := a.Store.TakeHold(ctx, in.OrderNumber, in.Actor.WorkflowID)
	if err != nil {
		return HoldResult{}, classify(err)
	}
	_, err = a.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: "hold_taken", Key: in.Actor.WorkflowID + "/hold",
		Message: "Commande retirée du flux logistique automatique (Mod ON → OFF)",
	})
	if err != nil {
		return HoldResult{}, classify(err)
	}
	return HoldResult{Order: o}, nil
}

// ReleaseInput gives the order back to the logistics flow.
type ReleaseInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Outcome     string `json:"outcome"` // why the procedure ends, for the history
}

// ReleaseHold gives the order back to the automatic logistics flow. It does
// nothing when the procedure does not hold the order (never took it, or a
// retry), so it is safe in every compensation path.
func (a *Orders) ReleaseHold(ctx context.Context, in ReleaseInput) error {
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if o.HoldBy != in.Actor.WorkflowID {
		return nil
	}
	if err := a.Store.ReleaseHold(ctx, in.OrderNumber, in.Actor.WorkflowID); err != nil {
		return err
	}
	msg := "Commande rendue au flux logistique automatique (Mod OFF → ON)"
	if in.Outcome != "" {
		msg += " : " + in.Outcome
	}
	_, err = a.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: "hold_released", Key: in.Actor.WorkflowID + "/release", Message: msg,
	})
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
}

// ApplyContentChange applies the change to the held order, in one
// transaction with its history row. A retry after the commit finds the
// history row by its key and returns the change as it was applied.
func (a *Orders) ApplyContentChange(ctx context.Context, in ContentInput) (ContentOutput, error) {
	key := in.Actor.WorkflowID + "/content"
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return ContentOutput{}, classify(err)
	}
	var res order.ContentResult
	if ev, err := a.Store.EventByKey(ctx, key); err == nil {
		if err := json.Unmarshal(ev.Data, &res); err != nil {
			return ContentOutput{}, fmt.Errorf("ApplyContentChange(%s): reading the change already applied: %w", in.OrderNumber, err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return ContentOutput{}, err
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
			Message: describeChange(res, o.Currency),
		})
		if err != nil {
			return ContentOutput{}, classify(err)
		}
	}
	paid, err := paidBefore(ctx, a.Store, o.ID, in.Actor.WorkflowID)
	if err != nil {
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

// paidBefore is the order's money position without the facts of the
// procedure's own settlement: a retry of a step that ran before that
// settlement moved money must see the figures it saw then, or it would
// settle the difference twice.
func paidBefore(ctx context.Context, st *store.Store, orderID int64, workflowID string) (order.Position, error) {
	// The settle-difference child's money facts are keyed under its id.
	return st.MoneyPositionWithout(ctx, orderID, workflowID+"/settle/")
}

// describeChange is the history line of a content change, in French: the
// products removed, edited and added (a kind of change that did not happen
// is left out), then the total and the shipping fee.
func describeChange(res order.ContentResult, currency string) string {
	m := func(c int64) string { return order.Money{Cents: c, Currency: currency}.French() }
	var s string
	if len(res.Removed) > 0 {
		s += "Produits retirés : " + order.Describe(res.Removed) + ". "
	}
	if len(res.Edited) > 0 {
		edits := make([]string, len(res.Edited))
		for i, d := range res.Edited {
			edits[i] = describeEdit(d, m)
		}
		s += "Produits modifiés : " + strings.Join(edits, ", ") + ". "
	}
	if len(res.Added) > 0 {
		s += "Produits ajoutés : " + order.Describe(res.Added) + ". "
	}
	s += fmt.Sprintf("Total %s → %s", m(res.Before.Total), m(res.After.Total))
	if res.Shipping.FreeShippingLost() {
		s += fmt.Sprintf(" (livraison gratuite perdue : +%s)", m(res.Shipping.After))
	} else if res.Shipping.Before != res.Shipping.After {
		s += fmt.Sprintf(" (frais de port %s → %s)", m(res.Shipping.Before), m(res.Shipping.After))
	}
	return s
}

// describeEdit is an edited line in a history line: its SKU before the
// edit, then what changed, "MUG-01 (prix unitaire 12,50 € → 15,00 €)".
func describeEdit(d order.LineDiff, m func(int64) string) string {
	var what []string
	if d.SKUChanged() {
		what = append(what, fmt.Sprintf("référence %s → %s", d.Before.SKU, d.After.SKU))
	}
	if d.NameChanged() {
		what = append(what, fmt.Sprintf("désignation « %s » → « %s »", d.Before.Name, d.After.Name))
	}
	if d.PriceChanged() {
		what = append(what, fmt.Sprintf("prix unitaire %s → %s", m(d.Before.UnitPrice), m(d.After.UnitPrice)))
	}
	if d.QuantityChanged() {
		what = append(what, fmt.Sprintf("quantité %d → %d", d.Before.Remaining(), d.After.Remaining()))
	}
	if d.VATChanged() {
		what = append(what, fmt.Sprintf("TVA %s → %s", vatRate(d.Before.VATRate), vatRate(d.After.VATRate)))
	}
	return d.Before.SKU + " (" + strings.Join(what, ", ") + ")"
}

// vatRate writes a VAT rate in basis points the French way: "5,5 %".
func vatRate(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if f := bp % 100; f != 0 {
		s += "," + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
	}
	return s + "\u00a0%"
}

// NoteInput is one line of history written by a procedure.
type NoteInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Key         string `json:"key"` // unique per step, so a retry writes it once
	Kind        string `json:"kind"`
	Message     string `json:"message"`
}

// RecordEvent writes one line of the order's history, once per key.
func (a *Orders) RecordEvent(ctx context.Context, in NoteInput) error {
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	_, err = a.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: in.Kind, Key: in.Key, Message: in.Message,
	})
	return classify(err)
}
