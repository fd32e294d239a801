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
//  5. release the hold.
//
// Compensation: the hold is released whatever happens (failure or
// cancellation), on a disconnected context. Cancelling the procedure
// cancels the settlement child, which closes its tasks and fails a
// reserved refund that moved no money.

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
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

	// 1. Take the hold.
	step := p.state.begin("hold", text(LabelHold))
	p.details(ctx, "Prise de la commande")
	var held activities.HoldResult
	if err := db(ctx, orders.TakeHold, activities.HoldInput{OrderNumber: in.OrderNumber, Actor: p.actor}).Get(ctx, &held); err != nil {
		return res, p.fail(ctx, step, err)
	}
	p.state.end(step, StepDone, Text{})
	defer func() { p.release(ctx, err) }()

	// 2. Apply the change.
	step = p.state.begin("change", text(LabelChangeContent))
	var changed activities.ContentOutput
	if err := db(ctx, orders.ApplyContentChange, activities.ContentInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Change: in.Change, Channel: in.Channel,
	}).Get(ctx, &changed); err != nil {
		return res, p.fail(ctx, step, err)
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
		Settings: in.Settings,
	})
	if err != nil {
		return res, p.fail(ctx, step, err)
	}
	res.Settlement, res.Outcome = settled, settled.Outcome
	p.state.end(step, StepDone, outcomeText(settled, changed.Currency))
	if tellCollectionVersion(ctx) {
		p.tellCollection(ctx, settled, due.ChequeDifference)
	}

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
		BySender: p.bySender,
	}
	var emails *activities.Emails
	res.EmailID, err = p.email(ctx, in.ReviewEmail, emails.PreviewContentEmail, emails.QueueContentEmail, email,
		func(note string) any { email.AgentNote = note; return email })
	return res, err
}

// settlementOf is the settlement of a change as the domain said it
// (order.SettleChange); a change step recorded before the domain said so
// is read again with the figures it recorded.
func settlementOf(s order.Settlement, method order.PaymentMethod, before, after int64) order.Settlement {
	if s.Kind != "" {
		return s
	}
	return order.SettleChange(method, order.PaidOnly(s.PaidNet), before, after)
}

// procedure is what every top-level procedure shares: its state for the
// status query, the agent tasks it asks, its hold and its failures.
type procedure struct {
	number string
	actor  activities.Actor
	state  State
	ask    asker
	// bySender: its customer email goes to the outbox sender (LeanOutbox),
	// which the procedure does not wait for.
	bySender bool
}

// newProcedure is the procedure of the workflow running under ctx (after
// beginLean).
func newProcedure(ctx workflow.Context, name, number, agent string, reminder, escalation time.Duration) *procedure {
	p := &procedure{
		number: number,
		actor:  activities.Actor{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Agent: agent},
		state:  State{Procedure: name, OrderNumber: number},
	}
	p.ask = asker{number: number, actor: p.actor, state: &p.state, reminder: reminder, escalation: escalation, lean: isLean(ctx)}
	return p
}

// register installs the status query and the answer-task Update.
func (p *procedure) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (State, error) { return p.state, nil }); err != nil {
		return err
	}
	return p.ask.register(ctx)
}

// settle settles the difference: inside a lean procedure; before, as the
// child settle-difference, whose id is the procedure's + "/settle", which
// the status query names so the UI can follow the child's tasks.
func (p *procedure) settle(ctx workflow.Context, in SettleInput) (SettleResult, error) {
	if in.Refund <= 0 && in.BalanceDue <= 0 && in.ChequeDifference <= 0 {
		return SettleResult{Outcome: activities.OutcomeNone}, nil
	}
	if isLean(ctx) {
		// Inside the procedure: its steps and tasks are the procedure's,
		// its keys those the child had.
		return newSettle(in, p.actor, p.actor.WorkflowID+"/settle", &p.state, &p.ask).execute(ctx)
	}
	id := p.actor.WorkflowID + "/settle"
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: id,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrOrderNumber.ValueSet(p.number), AttrProcedure.ValueSet(ProcSettleDifference), AttrAwaitingAgent.ValueSet(false),
		),
	})
	p.state.Child = id
	var res SettleResult
	err := workflow.ExecuteChildWorkflow(cctx, ProcSettleDifference, in).Get(ctx, &res)
	p.state.Child = ""
	return res, err
}

// email writes the customer email to the outbox and sends it (or leaves it
// to the outbox sender, when the procedure says so); with review,
// the agent first reads it and sends it as is, with a note, or not at all.
// preview and queue are the activities that render and enqueue this kind
// of email; withNote returns the input with the agent's paragraph added.
func (p *procedure) email(ctx workflow.Context, review bool, preview, queue, in any, withNote func(string) any) (int64, error) {
	var emails *activities.Emails
	step := p.state.begin("email", text(LabelEmailCustomer))
	p.details(ctx, "E-mail au client")
	if review {
		var draft activities.EmailPreview
		if err := db(ctx, preview, in).Get(ctx, &draft); err != nil {
			return 0, p.fail(ctx, step, err)
		}
		ans, err := p.ask.reviewEmail(ctx, "email", draft)
		if err != nil {
			return 0, p.fail(ctx, step, err)
		}
		if ans.Outcome == AnswerDontSend {
			p.state.end(step, StepSkipped, text(DetailEmailNotSent, textArg("agent", ans.Agent)))
			return 0, nil
		}
		in = withNote(ans.Note)
	}
	var ref activities.EmailRef
	if err := db(ctx, queue, in).Get(ctx, &ref); err != nil {
		return 0, p.fail(ctx, step, err)
	}
	if p.bySender {
		p.state.end(step, StepDone, Text{})
		return ref.ID, nil
	}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), emails.SendEmail, ref).Get(ctx, nil); err != nil {
		return ref.ID, p.fail(ctx, step, err)
	}
	p.state.end(step, StepDone, Text{})
	return ref.ID, nil
}

// release gives the order back to the logistics flow, on a disconnected
// context so it also runs when the procedure is cancelled.
func (p *procedure) release(ctx workflow.Context, err error) {
	var orders *activities.Orders
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	outcome := "procédure terminée"
	var canceled *temporal.CanceledError
	switch {
	case errors.As(err, &canceled) || errors.Is(ctx.Err(), workflow.ErrCanceled):
		outcome = "procédure annulée"
	case err != nil:
		outcome = "procédure en échec"
	}
	step := p.state.begin("release", text(LabelRelease))
	if rerr := db(dctx, orders.ReleaseHold, activities.ReleaseInput{
		OrderNumber: p.number, Actor: p.actor, Outcome: outcome,
	}).Get(dctx, nil); rerr != nil {
		p.state.endError(step, rerr)
		return
	}
	p.state.end(step, StepDone, Text{})
	p.state.Done = true
	p.details(dctx, "Terminée : "+outcome)
}

// fail marks a step failed, says so in the current details, and returns err.
func (p *procedure) fail(ctx workflow.Context, step int, err error) error {
	p.state.fail(ctx, step, err)
	return err
}

func (p *procedure) details(ctx workflow.Context, s string) { setDetails(ctx, p.number, s) }

// frenchDuration writes a wait as an agent reads it: "4 h", "1 h 30 min", "45 min".
func frenchDuration(d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d min", m)
	}
}
