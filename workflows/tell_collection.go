package workflows

// Telling a running payment collection that its order's money changed
// (activities.TellCollection, the Update order-changed of collect-payment,
// collect_payment_due.go): what modify-content, cancel-refund, edit-details
// and the settlement share.

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// tellCollection tells the order's running payment collection that the
// procedure changed the order's total, once it settled the difference
// (activities.TellCollection); noCollection is what the change found
// (mayCollect). A failure to tell is left in the log: the change and its
// settlement are done, and the customer is still told. Procedures that
// started before the step replay without it (tellCollectionVersion).
func (p *procedure) tellCollection(ctx workflow.Context, settled SettleResult, chequeDifference int64, noCollection bool) {
	if !tellCollectionVersion(ctx) || !mayCollect(ctx, noCollection) || !tellsCollection(settled, chequeDifference) {
		return
	}
	tellRunningCollection(ctx, p.number, p.actor, "the new total")
}

// mayCollect says whether a payment collection may run on the order, so
// that looking for one to tell is worth a step: not when the procedure's
// change found that none was ever started (activities.ContentOutput's
// NoCollection), from LeanFewerSteps on.
func mayCollect(ctx workflow.Context, noCollection bool) bool {
	return !noCollection || !leanSince(ctx, LeanFewerSteps)
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

// tellLocal is tellActivity as a local activity (lean procedures).
var tellLocal = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 5 * time.Minute,
	StartToCloseTimeout:    time.Minute,
	RetryPolicy:            tellActivity.RetryPolicy,
}
