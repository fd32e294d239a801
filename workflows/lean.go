package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Lean procedures. A procedure whose input says Lean (the starter says so
// of every procedure it starts, a procedure of the children it starts)
// asks less of the Temporal server for the same guarantees:
//   - its database steps run as local activities: they are short, each is
//     safe to run twice (every write is keyed by the procedure), and a
//     local activity is one marker in the history instead of a task the
//     server dispatches and three events;
//   - provider calls and email sends stay regular activities, retried by
//     the server with their own backoff through an outage;
//   - the settlement of a difference runs inside the procedure instead of
//     as a child workflow (its keys keep the "/settle" part, so a refund's
//     idempotency key is the same shape as before);
//   - it records no version marker (each marker also updates a search
//     attribute, a write to the visibility store): every change that
//     earlier procedures took behind workflow.GetVersion is in force.
//
// Revisions of the lean shape (Settings.LeanRevision), each in force with
// those before it:
//   - LeanOutbox: the customer email is written to the outbox and left to
//     the worker's outbox sender (activities.OutboxSender), so no step
//     waits for the mail provider; and a provider refund is asked first
//     inside the workflow task (a local activity, one try, providerLocal):
//     a provider that answers at once costs one marker, and only one that
//     fails or is slow gets the regular activity, retried by the server
//     with the same idempotency key, its attempts in the Web UI.
//
//   - LeanReturnCovered: what a return pays back is recorded in the ledger
//     as not owed back (as a commercial gesture is), so the order's
//     position does not show the customer owing the refund of the items
//     that came back, and no later settlement takes it back.
//   - LeanReturnLedger: a return's settlement is computed against the
//     order's ledger when its items are inspected (order.SettleReturn), and
//     what the items are worth is recorded there as covering the order
//     (order.EntryReturned): a customer who had not paid for everything is
//     refunded only what their money covers beyond what they keep; an
//     exchange's items join the order as lines to ship; the credit note is
//     the items', at their VAT rates, refund or not.
//   - LeanFewerSteps: steps that always follow each other are one local
//     activity each, with the same keys and the same rows: modify-content
//     takes the hold and applies the change in one step; a refund made is
//     recorded with its credit note, and a refund by hand closes its
//     agent's task in the same step; the customer email is written and the
//     hold released in one step. A running payment collection is looked
//     for once, when the order changes, and told only when the order ever
//     had one. Each merged step is as safe to run twice as its parts.
//   - LeanReturnTellsCollection: a return whose items cover part of the
//     order tells the order's running payment collection
//     (tellRunningCollection), which reads again what is due: the customer
//     is no longer asked for what the returned items cover.
//
// The choice is in the input, which is in the history: a procedure started
// before, whose input has no Lean, replays exactly as it ran, down the code
// paths kept for it; a worker of the earlier code given a lean input runs
// it the earlier way, which is as correct.

type leanKey struct{}

type leanRevisionKey struct{}

// Revisions of the lean shape; see the top of this file.
const (
	LeanOutbox                = 1
	LeanReturnCovered         = 2
	LeanReturnLedger          = 3
	LeanFewerSteps            = 4
	LeanReturnTellsCollection = 5
	// LeanLatest is the revision the starter gives the procedures it starts.
	LeanLatest = LeanReturnTellsCollection
)

// beginLeanSettings is beginLean for a procedure with settings: it also
// marks ctx with the lean shape's revision.
func beginLeanSettings(ctx workflow.Context, s Settings) workflow.Context {
	ctx, _ = beginLean(ctx, s.Lean)
	if !s.Lean || s.LeanRevision == 0 {
		return ctx
	}
	return workflow.WithValue(ctx, leanRevisionKey{}, s.LeanRevision)
}

// leanSince reports whether the procedure runs lean at revision rev or a
// later one.
func leanSince(ctx workflow.Context, rev int) bool {
	r, _ := ctx.Value(leanRevisionKey{}).(int)
	return isLean(ctx) && r >= rev
}

// beginLean is called first thing by every procedure with what its input
// says: it returns the context its steps run under.
func beginLean(ctx workflow.Context, lean bool) (workflow.Context, bool) {
	return withLean(ctx, lean), lean
}

// withLean is ctx marked lean when lean is true. An Update's handler runs
// under the workflow's root context: it marks its own with this.
func withLean(ctx workflow.Context, lean bool) workflow.Context {
	if !lean {
		return ctx
	}
	return workflow.WithValue(ctx, leanKey{}, true)
}

// isLean reports whether the procedure runs lean (beginLean).
func isLean(ctx workflow.Context) bool {
	lean, _ := ctx.Value(leanKey{}).(bool)
	return lean
}

// since reports whether a change taken behind workflow.GetVersion is in
// force: always in a lean procedure, which records no marker for it; as
// recorded in an earlier one.
func since(ctx workflow.Context, change string) bool {
	return isLean(ctx) || workflow.GetVersion(ctx, change, workflow.DefaultVersion, 1) >= 1
}

// db runs a database step: a local activity in a lean procedure, the
// regular activity it was (under ctx's activity options) before.
func db(ctx workflow.Context, activity any, args ...any) workflow.Future {
	if isLean(ctx) {
		return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, dbLocal), activity, args...)
	}
	return workflow.ExecuteActivity(ctx, activity, args...)
}

// dbLocal is a database step run as a local activity. Tries are spaced
// like dbActivity's; a wait between tries longer than the workflow task's
// timeout becomes a server timer (the SDK's), so a database outage keeps
// the procedure waiting, not failing, for up to ScheduleToCloseTimeout.
// providerLocal is the first try of a provider refund in a lean procedure
// from LeanOutbox on: one try, inside the workflow task; whatever it did
// not settle goes to the regular activity (providerActivity) with the same
// idempotency key.
var providerLocal = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 10 * time.Second,
	StartToCloseTimeout:    10 * time.Second,
	RetryPolicy:            &temporal.RetryPolicy{MaximumAttempts: 1},
}

var dbLocal = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 7 * 24 * time.Hour,
	StartToCloseTimeout:    30 * time.Second,
	RetryPolicy:            dbActivity.RetryPolicy,
}
