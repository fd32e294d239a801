package workflows

// EditDetails is edit details (« Modifier les
// informations de livraison »): correct the customer's name, email or
// phone, the billing or delivery address, the names shown for the payment
// and shipping methods, the shipping fee or the order discount.
//
// Steps:
//  1. apply the edit in one transaction, with a history row per changed
//     field (before → after, the agent, the contact channel). The order is
//     locked and the edit checked again: a delivery address is refused once
//     anything is shipped or while the warehouse prints or prepares the
//     parcel, even if that happened after the agent confirmed;
//  2. when the shipping fee or the discount changed the total, settle the
//     difference in the child settle-difference (a refund of what was
//     overpaid, or a balance due), which may WAIT FOR AN AGENT (refund by
//     hand, payback, the cheque question, a supervisor's approval);
//  3. the customer email details_changed, when asked (by default only when
//     the money changed: a corrected typo is not worth an email, a refund
//     or a balance is), through the outbox.
//
// Compensation: none is needed. The edit is one transaction and takes no
// hold: the warehouse flow is never interrupted. Cancelling the procedure
// cancels the settlement child, which closes its tasks and fails a reserved
// refund that moved no money; the edited details stay as the agent set
// them, and are in the history.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
)

// EditDetailsInput is what an agent asks of the edit-details procedure.
type EditDetailsInput struct {
	OrderNumber string               `json:"order_number"`
	RequestID   string               `json:"request_id"`
	Agent       string               `json:"agent"`
	Role        string               `json:"role,omitempty"`
	Channel     order.ContactChannel `json:"channel,omitempty"` // how the customer asked, if they did
	Edit        order.DetailsEdit    `json:"edit"`
	// Notify sends the customer the details_changed email.
	Notify bool `json:"notify,omitempty"`
	Settings
}

// EditDetailsResult is how the procedure ended.
type EditDetailsResult struct {
	Result     order.DetailsResult `json:"result"`
	Refund     int64               `json:"refund_cents"`      // what was to be refunded
	BalanceDue int64               `json:"balance_due_cents"` // what the customer now owes
	Outcome    string              `json:"outcome"`           // activities.Outcome*
	Settlement SettleResult        `json:"settlement"`
	EmailID    int64               `json:"email_id,omitempty"`
}

// EditDetails runs the procedure; see the top of this file.
func EditDetails(ctx workflow.Context, in EditDetailsInput) (res EditDetailsResult, err error) {
	ctx = beginLeanSettings(ctx, in.Settings)
	p := newProcedure(ctx, ProcEditDetails, in.OrderNumber, in.Agent, in.Reminder, in.Escalation)
	p.bySender = leanSince(ctx, LeanOutbox)
	if err := p.register(ctx); err != nil {
		return res, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	var orders *activities.Orders
	defer func() { p.state.Done = true }()

	// 1. Apply the edit.
	step := p.state.begin("details", text(LabelEditDetails))
	p.details(ctx, "Modification des informations")
	var edited activities.DetailsOutput
	if err := db(ctx, orders.EditDetails, activities.DetailsInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Edit: in.Edit, Channel: in.Channel,
	}).Get(ctx, &edited); err != nil {
		return res, p.fail(ctx, step, err)
	}
	res.Result = edited.Result
	if edited.Result.MoneyChanged() {
		p.state.end(step, StepDone, text(DetailDetailsNewTotal, wordsArg("fields", edited.Result.Fields("fr"), edited.Result.Fields("en")),
			moneyArg("total", edited.Result.TotalsAfter.Total, edited.Currency)))
	} else {
		p.state.end(step, StepDone, text(DetailDetailsChanged, wordsArg("fields", edited.Result.Fields("fr"), edited.Result.Fields("en"))))
	}

	// 2. Settle the difference, when the total moved.
	if edited.Result.MoneyChanged() {
		res.Refund, res.BalanceDue = edited.Settlement.Refund, edited.Settlement.BalanceDue
		step = p.state.begin("settle", text(LabelSettleDifference))
		due := settlementOf(edited.Settlement, edited.Method, edited.Result.TotalsBefore.Total, edited.Result.TotalsAfter.Total)
		settled, err := p.settle(ctx, SettleInput{
			OrderNumber: in.OrderNumber, Agent: in.Agent, Method: edited.Method, Currency: edited.Currency,
			Billing: edited.Billing, Delivery: edited.Delivery,
			Refund: due.Refund, BalanceDue: due.Owed(), ChequeDifference: due.ChequeDifference, Kind: due.Kind,
			NoCollection: edited.NoCollection, Settings: in.Settings,
		})
		if err != nil {
			return res, p.fail(ctx, step, err)
		}
		res.Settlement, res.Outcome = settled, settled.Outcome
		p.state.end(step, StepDone, outcomeText(settled, edited.Currency))
		p.tellCollection(ctx, settled, due.ChequeDifference, edited.NoCollection)
	} else {
		res.Outcome = activities.OutcomeNone
	}

	// 3. Tell the customer.
	if !in.Notify || res.Outcome == activities.OutcomeRefundRejected {
		p.details(ctx, "Terminée")
		return res, nil
	}
	email := activities.DetailsEmailInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email",
		Result: edited.Result, Outcome: res.Settlement.Outcome, Refund: res.Settlement.Amount,
		ProviderRef: res.Settlement.ProviderRef, Reason: res.Settlement.Reason, BalanceDue: res.Settlement.BalanceDue,
		Voucher: res.Settlement.Voucher, IBAN: res.Settlement.IBAN, ChequeAddress: res.Settlement.ChequeAddress,
		BySender: p.bySender,
	}
	if email.Outcome == "" {
		email.Outcome = activities.OutcomeNone
	}
	var emails *activities.Emails
	res.EmailID, err = p.email(ctx, false, nil, emails.QueueDetailsEmail, email, nil)
	if err == nil {
		p.details(ctx, "Terminée")
	}
	return res, err
}
