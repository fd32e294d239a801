package workflows

// What a running payment collection is owed when its order changes.
//
// Modify content, cancel/refund and edit details change an order's total
// while its collection may be waiting for the payment. Each tells the
// order's running collection, after settling the difference, through the
// Update order-changed (tell_collection.go). The collection re-reads
// the order's total and what was paid net, and waits for what is left; its
// reminders keep their schedule. When nothing is left to pay it ends: as
// paid when it received money for an order that still costs something,
// else closed without payment (its unpaid invoice gets a credit note).

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
)

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
	p.closeTask(ctx, "cancelled", locale.Phr("history.closed.nothing_due"))
	p.c.Outcome = CollectNothingDue
	p.state.end(waitStep, StepDone, text(OutcomeTextNone))
	reason := "la commande a changé, plus rien à payer"
	var out activities.CancelUnpaidOutput
	if err := db(ctx, collect.CancelUnpaid, activities.CancelUnpaidInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/nothing-due", Invoice: p.c.Invoice,
		Reason: reason, Why: locale.Phr("history.reason.nothing_due"), NothingDue: true,
	}).Get(ctx, &out); err != nil {
		return err
	}
	p.creditNote = out.CreditNote
	p.details(ctx, "Terminée : "+reason)
	return nil
}
