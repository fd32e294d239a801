package workflows

// CancelRefund is cancel/refund: cancel all or some quantities of an
// order's items, and/or refund an amount (by default the most that can be
// refunded, never more than was paid net of refunds), or refund without
// cancelling anything (a commercial gesture, with its reason).
//
// Steps:
//  1. cancel the items and recompute the order's totals and status, in one
//     transaction that checks again what can still be cancelled;
//  2. refund the amount in the child settle-difference, which may WAIT FOR
//     AN AGENT (refund by hand, payback, a supervisor's approval);
//  3. the customer email, unless switched off; when asked, WAIT
//     FOR THE AGENT to review it first.
//
// Compensation: nothing to undo before step 2 moves money; cancelling the
// procedure cancels the settlement child, which closes its tasks and fails
// a reserved refund that moved no money. Cancelled items stay cancelled:
// the customer was told.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
)

// CancelRefundInput is what an agent asks of the cancel-refund procedure.
type CancelRefundInput struct {
	OrderNumber string              `json:"order_number"`
	RequestID   string              `json:"request_id"`
	Agent       string              `json:"agent"`
	Role        string              `json:"role,omitempty"`
	Request     order.CancelRequest `json:"request"`
	ReviewEmail bool                `json:"review_email,omitempty"`
	Settings
}

// CancelRefundResult is how the procedure ended.
type CancelRefundResult struct {
	Cancel     order.CancelResult `json:"cancel"`
	Settlement SettleResult       `json:"settlement"`
	Outcome    string             `json:"outcome"`
	EmailID    int64              `json:"email_id,omitempty"`
}

// CancelRefund runs the procedure; see the top of this file.
func CancelRefund(ctx workflow.Context, in CancelRefundInput) (res CancelRefundResult, err error) {
	ctx = beginLeanSettings(ctx, in.Settings)
	p := newProcedure(ctx, ProcCancelRefund, in.OrderNumber, in.Agent, in.Reminder, in.Escalation)
	p.bySender = leanSince(ctx, LeanOutbox)
	if err := p.register(ctx); err != nil {
		return res, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	var orders *activities.Orders
	var emails *activities.Emails
	defer func() { p.state.Done = true }()

	// 1. Cancel the items.
	step := p.state.begin("cancel", text(LabelCancelItems))
	var cancelled activities.CancelItemsOutput
	if err := db(ctx, orders.ApplyCancel, activities.CancelItemsInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Request: in.Request,
	}).Get(ctx, &cancelled); err != nil {
		return res, p.fail(ctx, step, err)
	}
	res.Cancel = cancelled.Result
	if len(cancelled.Result.Cancelled) == 0 {
		p.state.end(step, StepSkipped, text(DetailNoItemCancelled))
	} else {
		p.state.end(step, StepDone, text(DetailItemsCancelled, textArg("items", order.Describe(cancelled.Result.Cancelled)), moneyArg("total", cancelled.Result.After.Total, cancelled.Currency)))
	}

	// 2. Refund.
	step = p.state.begin("settle", text(LabelRefundCustomer))
	settled, err := p.settle(ctx, SettleInput{
		OrderNumber: in.OrderNumber, Agent: in.Agent, Method: cancelled.Method, Currency: cancelled.Currency,
		Billing: cancelled.Billing, Delivery: cancelled.Delivery, Refund: in.Request.Refund, Gesture: in.Request.Gesture,
		NoCollection: cancelled.NoCollection, Settings: in.Settings,
	})
	if err != nil {
		return res, p.fail(ctx, step, err)
	}
	res.Settlement, res.Outcome = settled, settled.Outcome
	p.state.end(step, StepDone, outcomeText(settled, cancelled.Currency))
	p.tellCollection(ctx, settled, 0, cancelled.NoCollection)

	// 3. Tell the customer.
	if !in.Request.Notify || settled.Outcome == activities.OutcomeRefundRejected {
		return res, nil
	}
	email := activities.CancelEmailInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email",
		Result: cancelled.Result, Outcome: settled.Outcome, Refund: settled.Amount, ProviderRef: settled.ProviderRef,
		Reason: settled.Reason, Voucher: settled.Voucher, IBAN: settled.IBAN, ChequeAddress: settled.ChequeAddress,
		BySender: p.bySender,
	}
	res.EmailID, err = p.email(ctx, in.ReviewEmail, emails.PreviewCancelEmail, emails.QueueCancelEmail, email,
		func(note string) any { email.AgentNote = note; return email })
	return res, err
}
