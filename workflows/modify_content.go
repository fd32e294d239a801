package workflows

// ModifyContent is the modify-content procedure (and the shop's product edits): change what an
// order contains before the warehouse prints it, and settle the difference
// with the customer.
//
// Steps:
//  1. take the hold: the order leaves the automatic logistics flow
//     (« Mod ON → OFF »); refused when the order is no longer awaiting
//     printing or another procedure holds it, and then nothing changes;
//  2. apply the change: remove products, lower or raise quantities, add
//     products, change a SKU, name or price; recalculate the shipping fee
//     from the order's own rules when asked (free shipping can be lost);
//     the contact channel and the agent go in the history;
//  3. settle the difference in the child settle-difference, which may WAIT
//     FOR AN AGENT (refund by hand, payback, the cheque question, a
//     supervisor's approval);
//  4. the customer email: when asked, WAIT FOR THE AGENT to review it (send
//     as is, with a personal paragraph, or not at all); written to the
//     outbox, then sent;
//  5. release the hold (in the email's step, when it is the last).
//
// From LeanFewerSteps on, steps 1 and 2 are one local activity
// (activities.Orders.HoldAndChangeContent).
//
// Compensation: the hold is released whatever happens (failure or
// cancellation), on a disconnected context. Cancelling the procedure
// cancels the settlement child, which closes its tasks and fails a
// reserved refund that moved no money.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
)

// ModifyContentInput is what an agent asks of the modify-content procedure.
type ModifyContentInput struct {
	OrderNumber string               `json:"order_number"`
	RequestID   string               `json:"request_id"`
	Agent       string               `json:"agent"`
	Role        string               `json:"role,omitempty"`
	Channel     order.ContactChannel `json:"channel"`
	Change      order.ContentChange  `json:"change"`
	// SkipEmail switches the customer email off (it can be).
	SkipEmail bool `json:"skip_email,omitempty"`
	// ReviewEmail makes the procedure wait for the agent to review the
	// email before it goes (the shop's last window); the UI asks for it.
	ReviewEmail bool `json:"review_email,omitempty"`
	Settings
}

// ModifyContentResult is how the procedure ended.
type ModifyContentResult struct {
	Before     order.Totals `json:"before"`
	After      order.Totals `json:"after"`
	Removed    []order.Line `json:"removed"`
	Refund     int64        `json:"refund_cents"`      // what was to be refunded
	BalanceDue int64        `json:"balance_due_cents"` // what the customer now owes
	Outcome    string       `json:"outcome"`           // activities.Outcome*
	Settlement SettleResult `json:"settlement"`
	EmailID    int64        `json:"email_id,omitempty"`
}

// ModifyContent runs the procedure; see the top of this file.
func ModifyContent(ctx workflow.Context, in ModifyContentInput) (res ModifyContentResult, err error) {
	ctx = beginLeanSettings(ctx, in.Settings)
	p := newProcedure(ctx, ProcModifyContent, in.OrderNumber, in.Agent, in.Reminder, in.Escalation)
	p.bySender = leanSince(ctx, LeanOutbox)
	if err := p.register(ctx); err != nil {
		return res, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	var orders *activities.Orders

	// 1. Take the hold, and 2. apply the change: one step from
	// LeanFewerSteps on, two before.
	step := p.state.begin("hold", text(LabelHold))
	p.details(ctx, "Prise de la commande")
	change := activities.ContentInput{OrderNumber: in.OrderNumber, Actor: p.actor, Change: in.Change, Channel: in.Channel}
	var changed activities.ContentOutput
	if leanSince(ctx, LeanFewerSteps) {
		cerr := db(ctx, orders.HoldAndChangeContent, change).Get(ctx, &changed)
		if holdRefused(cerr) {
			return res, p.fail(ctx, step, cerr)
		}
		p.state.end(step, StepDone, Text{})
		defer func() { p.release(ctx, err) }()
		step = p.state.begin("change", text(LabelChangeContent))
		if cerr != nil {
			return res, p.fail(ctx, step, cerr)
		}
	} else {
		var held activities.HoldResult
		if err := db(ctx, orders.TakeHold, activities.HoldInput{OrderNumber: in.OrderNumber, Actor: p.actor}).Get(ctx, &held); err != nil {
			return res, p.fail(ctx, step, err)
		}
		p.state.end(step, StepDone, Text{})
		defer func() { p.release(ctx, err) }()
		step = p.state.begin("change", text(LabelChangeContent))
		if err := db(ctx, orders.ApplyContentChange, change).Get(ctx, &changed); err != nil {
			return res, p.fail(ctx, step, err)
		}
	}
	p.state.end(step, StepDone, text(DetailNewTotal, moneyArg("total", changed.Result.After.Total, changed.Currency)))
	res = ModifyContentResult{
		Before: changed.Result.Before, After: changed.Result.After, Removed: changed.Result.Removed,
		Refund: changed.Settlement.Refund, BalanceDue: changed.Settlement.BalanceDue,
	}

	// 3. Settle the difference.
	step = p.state.begin("settle", text(LabelSettleDifference))
	due := settlementOf(changed.Settlement, changed.Method, changed.Result.Before.Total, changed.Result.After.Total)
	settled, err := p.settle(ctx, SettleInput{
		OrderNumber: in.OrderNumber, Agent: in.Agent, Method: changed.Method, Currency: changed.Currency,
		Billing: changed.Billing, Delivery: changed.Delivery,
		Refund: due.Refund, BalanceDue: due.Owed(), ChequeDifference: due.ChequeDifference, Kind: due.Kind,
		NoCollection: changed.NoCollection, Settings: in.Settings,
	})
	if err != nil {
		return res, p.fail(ctx, step, err)
	}
	res.Settlement, res.Outcome = settled, settled.Outcome
	p.state.end(step, StepDone, outcomeText(settled, changed.Currency))
	p.tellCollection(ctx, settled, due.ChequeDifference, changed.NoCollection)

	// 4. Tell the customer.
	if in.SkipEmail || settled.Outcome == activities.OutcomeRefundRejected {
		return res, nil
	}
	email := activities.ContentEmailInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email",
		Removed: changed.Result.Removed, Added: changed.Result.Added, Edited: changed.Result.Edited,
		Shipping: changed.Result.Shipping, NewTotal: res.After.Total,
		Outcome: settled.Outcome, Refund: settled.Amount, ProviderRef: settled.ProviderRef, Reason: settled.Reason,
		BalanceDue: settled.BalanceDue, Voucher: settled.Voucher, IBAN: settled.IBAN, ChequeAddress: settled.ChequeAddress,
		BySender: p.bySender, Release: p.releaseWithEmail(ctx),
	}
	var emails *activities.Emails
	res.EmailID, err = p.email(ctx, in.ReviewEmail, emails.PreviewContentEmail, emails.QueueContentEmail, email,
		func(note string) any { email.AgentNote = note; return email })
	return res, err
}
