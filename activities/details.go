package activities

import (
	"context"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/mail"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// DetailsInput is an edit of an order's details.
type DetailsInput struct {
	OrderNumber string               `json:"order_number"`
	Actor       Actor                `json:"actor"`
	Edit        order.DetailsEdit    `json:"edit"`
	Channel     order.ContactChannel `json:"channel,omitempty"`
}

// DetailsOutput is the edit as applied and, when it changed the total,
// what it means for the customer's money.
type DetailsOutput struct {
	Result     order.DetailsResult `json:"result"`
	Settlement order.Settlement    `json:"settlement"` // zero when the total did not move
	Currency   string              `json:"currency"`
	Method     order.PaymentMethod `json:"payment_method"`
	Billing    order.Address       `json:"billing"`
	Delivery   order.Address       `json:"delivery"`
	// NoCollection: see ContentOutput.NoCollection; looked for only when
	// the total moved.
	NoCollection bool `json:"no_collection,omitempty"`
}

// EditDetails applies the edit in one transaction with a history row per
// changed field (store.SaveDetails): validated again under the order's
// lock, so a shipment committed since the agent confirmed refuses a new
// delivery address. A retry finds the rows by their key and returns the
// edit as it was applied.
func (a *Orders) EditDetails(ctx context.Context, in DetailsInput) (DetailsOutput, error) {
	res, err := a.Store.SaveDetails(ctx, in.OrderNumber, in.Edit, in.Actor.WorkflowID+"/details", store.Event{
		ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID, ContactChannel: string(in.Channel),
	})
	if err != nil {
		return DetailsOutput{}, classify(err)
	}
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return DetailsOutput{}, classify(err)
	}
	out := DetailsOutput{Result: res, Currency: o.Currency, Method: o.PaymentMethod, Billing: o.Billing, Delivery: o.Delivery}
	if res.MoneyChanged() {
		paid, err := paidBefore(ctx, a.Store, o.ID, in.Actor.WorkflowID)
		if err != nil {
			return DetailsOutput{}, err
		}
		out.Settlement = order.SettleChange(o.PaymentMethod, paid, res.TotalsBefore.Total, res.TotalsAfter.Total)
		if out.NoCollection, err = noCollection(ctx, a.Store, in.OrderNumber); err != nil {
			return DetailsOutput{}, err
		}
		if err := a.squareBooks(ctx, in.OrderNumber, in.Actor, res.TotalsBefore.Total, res.TotalsAfter.Total); err != nil {
			return DetailsOutput{}, err
		}
	}
	return out, nil
}

// DetailsEmailInput is what the customer is told after their order's
// details changed.
type DetailsEmailInput struct {
	OrderNumber   string              `json:"order_number"`
	Actor         Actor               `json:"actor"`
	Key           string              `json:"key"` // outbox key: workflow id + step
	Result        order.DetailsResult `json:"result"`
	Outcome       string              `json:"outcome"`
	Refund        int64               `json:"refund_cents"`
	BalanceDue    int64               `json:"balance_due_cents"`
	ProviderRef   string              `json:"provider_ref,omitempty"`
	Reason        string              `json:"reason,omitempty"`
	Voucher       string              `json:"voucher,omitempty"`
	IBAN          string              `json:"iban,omitempty"` // masked
	ChequeAddress *order.Address      `json:"cheque_address,omitempty"`
	AgentNote     string              `json:"agent_note,omitempty"`
	// BySender leaves the sending to the outbox sender (OutboxSender).
	BySender bool `json:"by_sender,omitempty"`
}

// QueueDetailsEmail renders the details_changed email in the customer's
// language and writes it to the outbox, once per key. It goes to the
// order's email as it is now: a corrected address reaches the customer.
func (m *Emails) QueueDetailsEmail(ctx context.Context, in DetailsEmailInput) (EmailRef, error) {
	o, err := m.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return EmailRef{}, classify(err)
	}
	money := func(c int64) order.Money { return order.Money{Cents: c, Currency: o.Currency} }
	msg, err := mail.Render(mail.TemplateDetailsChanged, o.Customer.Locale, mail.DetailsChanged{
		CustomerName: o.Customer.Name, OrderNumber: o.Number, Changes: in.Result.Changes,
		Before: in.Result.Before, After: in.Result.After,
		MoneyChanged: in.Result.MoneyChanged(), NewTotal: money(in.Result.TotalsAfter.Total),
		Outcome: in.Outcome, Refund: money(in.Refund), ProviderRef: in.ProviderRef, Reason: in.Reason,
		BalanceDue: money(in.BalanceDue), PaymentMethod: o.PaymentMethod, IBAN: in.IBAN, Voucher: in.Voucher,
		ChequeAddress: in.ChequeAddress, AgentNote: in.AgentNote,
	})
	if err != nil {
		return EmailRef{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return m.enqueue(ctx, o, in.Actor, in.Key, in.BySender, msg)
}
