package workflows

// The list of the workflows the worker registers (Procedures, Jobs), and
// what every procedure on an order shares (procedure): its status query,
// the agent tasks it asks (asker, ask.go), its settlement (settle.go), its
// customer email, the release of its hold, its failures.

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
)

// Procedure is a workflow and the name it is registered under.
type Procedure struct {
	Name string
	Func any
}

// Procedures lists every workflow of orderdesk, for the worker and for the
// replay test: one list, so a procedure cannot be run and not replayed.
func Procedures() []Procedure {
	return []Procedure{
		{ProcModifyContent, ModifyContent},
		{ProcCancelRefund, CancelRefund},
		{ProcFulfil, Fulfil},
		{ProcSettleDifference, SettleDifference},
		{ProcMailCheque, MailCheque},
		{ProcCollectPayment, CollectPayment},
		{ProcNotifyNewOrder, NotifyNewOrder},
		{ProcArchiveOrder, ArchiveOrder},
		{ProcUnarchiveOrder, UnarchiveOrder},
		{ProcResendEmail, ResendEmail},
		{ProcEditDetails, EditDetails},
		{ProcReturn, Return},
	}
}

// Jobs lists the workflows that are not procedures on an order (no agent
// starts them from an order page; a schedule does): the worker registers
// them with the procedures.
func Jobs() []Procedure {
	return []Procedure{
		{ProcReconcile, Reconcile},
	}
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
	// releasing: the customer email's step releases the hold too
	// (releaseWithEmail); released: it did, and the deferred release has
	// nothing left to do.
	releasing, released bool
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
			AttrOrderNumber.ValueSet(p.number), AttrOrderProcedure.ValueSet(ProcSettleDifference), AttrAwaitingAgent.ValueSet(false),
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
		if p.releasing {
			p.released = true
			p.endRelease(ctx, p.state.begin("release", text(LabelRelease)), locale.Phr("history.outcome.done"))
		}
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
	if p.released {
		return
	}
	var orders *activities.Orders
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	why := locale.Phr("history.outcome.done")
	var canceled *temporal.CanceledError
	switch {
	case errors.As(err, &canceled) || errors.Is(ctx.Err(), workflow.ErrCanceled):
		why = locale.Phr("history.outcome.cancelled")
	case err != nil:
		why = locale.Phr("history.outcome.failed")
	}
	step := p.state.begin("release", text(LabelRelease))
	if rerr := db(dctx, orders.ReleaseHold, activities.ReleaseInput{
		OrderNumber: p.number, Actor: p.actor, Outcome: why.French(), Why: why,
	}).Get(dctx, nil); rerr != nil {
		p.state.endError(step, rerr)
		return
	}
	p.endRelease(dctx, step, why)
}

// endRelease records in the procedure's state that the hold was released
// (its step) and the procedure is over, for why.
func (p *procedure) endRelease(ctx workflow.Context, step int, why locale.Phrase) {
	p.state.end(step, StepDone, Text{})
	p.state.Done = true
	p.details(ctx, "Terminée : "+why.French())
}

// releaseWithEmail is the release of the hold for the step that writes the
// customer email, the procedure's last, to do with it (LeanFewerSteps):
// nil before, and then the procedure releases the hold in a step of its own.
func (p *procedure) releaseWithEmail(ctx workflow.Context) *activities.ReleaseInput {
	if !p.bySender || !leanSince(ctx, LeanFewerSteps) {
		return nil
	}
	why := locale.Phr("history.outcome.done")
	p.releasing = true
	return &activities.ReleaseInput{OrderNumber: p.number, Actor: p.actor, Outcome: why.French(), Why: why}
}

// holdRefused reports whether a step failed because the order could not
// be held (activities.ErrTypeHoldRefused) or does not exist: the procedure
// holds nothing then.
func holdRefused(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && (app.Type() == activities.ErrTypeHoldRefused || app.Type() == activities.ErrTypeNotFound)
}

// fail marks a step failed, says so in the current details, and returns err.
func (p *procedure) fail(ctx workflow.Context, step int, err error) error {
	p.state.fail(ctx, step, err)
	return err
}

func (p *procedure) details(ctx workflow.Context, s string) { setDetails(ctx, p.number, s) }
