package workflows

// What a running payment collection is owed when its order changes.
//
// Modify content, cancel/refund and edit details change an order's total
// while its collection may be waiting for the payment. Each tells the
// order's running collection, after settling the difference, through the
// Update order-changed (activities.TellCollection). The collection re-reads
// the order's total and what was paid net, and waits for what is left; its
// reminders keep their schedule. When nothing is left to pay it ends: as
// paid when it received money for an order that still costs something,
// else closed without payment (its unpaid invoice gets a credit note).

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// tellActivity is for telling a running collection: it waits for the
// collection to re-read what is due, and gives up after a few tries rather
// than hold the procedure that tells it (which goes on, and logs it).
var tellActivity = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		MaximumAttempts:        8,
		NonRetryableErrorTypes: activities.NonRetryable,
	},
}

// UpdateOrderChanged tells a running collection that its order's total
// changed (activities.OrderChanged).
const UpdateOrderChanged = activities.UpdateOrderChanged

// CollectNothingDue: the order changed and nothing is left to pay, though
// this collection received nothing for it (or the order now costs nothing).
const CollectNothingDue = "nothing_due"

// onOrderChanged re-reads what the order owes and waits for that. Payments
// being recorded finish first, and none is recorded while it reads. A
// collection paid already, being cancelled or not begun has nothing to
// change: a collection begins with what the order owes then.
func (p *collect) onOrderChanged(ctx workflow.Context, ch activities.OrderChanged) (PaymentAck, error) {
	if err := workflow.Await(ctx, func() bool { return p.inflight == 0 && !p.rereading }); err != nil {
		return p.ack(), err
	}
	if !p.started || p.cancel != "" || p.c.Outcome != "" || p.c.Balance <= 0 {
		return p.ack(), nil
	}
	p.rereading = true
	defer func() { p.rereading = false }()
	var collect *activities.Collect
	ctx = p.stepCtx(ctx)
	var due activities.RereadDueOutput
	if err := db(ctx, collect.RereadDue, activities.RereadDueInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/order-changed/" + ch.By, By: ch.By,
	}).Get(ctx, &due); err != nil {
		return p.ack(), err
	}
	// What this collection received stays received; it now asks for what
	// the order still owes, all payments counted.
	p.total = due.Total
	p.c.Balance = due.Balance
	p.c.Due = p.c.Received + due.Balance
	p.c.Overpaid = max(p.c.Received-p.c.Due, 0)
	p.waitingDetails(ctx)
	return p.ack(), nil
}

func (p *collect) ack() PaymentAck {
	return PaymentAck{Received: p.c.Received, Balance: p.c.Balance, Overpaid: p.c.Overpaid}
}

// paidOff reports whether the wait ended with nothing left to pay and a
// payment to complete the order with: not so when the collection received
// nothing, or when the order now costs nothing (all of it cancelled).
func (p *collect) paidOff() bool {
	return len(p.c.Payments) > 0 && p.total > 0
}

// closeNothingDue ends a collection whose order no longer owes anything
// though it received nothing: its task is closed, its unpaid invoice
// cancelled by a credit note, and the order stays as the change left it.
func (p *collect) closeNothingDue(ctx workflow.Context, waitStep int) error {
	var collect *activities.Collect
	p.closeTask(ctx, "cancelled", "plus rien à payer")
	p.c.Outcome = CollectNothingDue
	p.state.end(waitStep, StepDone, text(OutcomeTextNone))
	reason := "la commande a changé, plus rien à payer"
	var out activities.CancelUnpaidOutput
	if err := db(ctx, collect.CancelUnpaid, activities.CancelUnpaidInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/nothing-due", Invoice: p.c.Invoice,
		Reason: reason, NothingDue: true,
	}).Get(ctx, &out); err != nil {
		return err
	}
	p.creditNote = out.CreditNote
	p.details(ctx, "Terminée : "+reason)
	return nil
}

// tellCollection tells the order's running payment collection that the
// procedure changed the order's total, once it settled the difference
// (activities.TellCollection). A failure to tell is left in the log: the
// change and its settlement are done, and the customer is still told.
func (p *procedure) tellCollection(ctx workflow.Context, settled SettleResult, chequeDifference int64) {
	if !tellsCollection(settled, chequeDifference) {
		return
	}
	tellRunningCollection(ctx, p.number, p.actor, "the new total")
}

// tellRunningCollection tells the payment collections running on an order
// that its money changed (activities.TellCollection) and returns those
// told. A failure is left in the log, saying what was to be told: the
// caller's change is done whatever the collection learns.
func tellRunningCollection(ctx workflow.Context, number string, actor activities.Actor, what string) []string {
	var collect *activities.Collect
	var told []string
	in := activities.TellCollectionInput{OrderNumber: number, Actor: actor}
	f := func() workflow.Future {
		if isLean(ctx) {
			// Most orders have no collection running: a local activity
			// finds so in one read, without a task for the server.
			return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, tellLocal), collect.TellCollection, in)
		}
		return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, tellActivity), collect.TellCollection, in)
	}()
	if err := f.Get(ctx, &told); err != nil {
		workflow.GetLogger(ctx).Warn("telling the payment collection failed", "order", number, "of", what, "err", err)
	}
	return told
}

// tellsCollection says whether the running collection must learn of the
// new total: not when the settlement asked the customer for the difference
// through a collection of its own, nor when the customer's cheque of the
// old total is in the post (its difference goes back by cheque, or the
// refund was refused) — that cheque is what the collection waits for.
func tellsCollection(settled SettleResult, chequeDifference int64) bool {
	switch {
	case settled.Outcome == activities.OutcomeBalanceDue:
		return false
	case chequeDifference > 0 && settled.Outcome != activities.OutcomeChequeReplaced:
		return false
	}
	return true
}

// tellCollectionVersion is the version of the step that tells the running
// collection: procedures that started before it replay without it.
func tellCollectionVersion(ctx workflow.Context) bool {
	return since(ctx, "tell-collection")
}

// tellLocal is tellActivity as a local activity (lean procedures).
var tellLocal = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 5 * time.Minute,
	StartToCloseTimeout:    time.Minute,
	RetryPolicy:            tellActivity.RetryPolicy,
}
