package workflows

import (
	"time"

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
// The choice is in the input, which is in the history: a procedure started
// before, whose input has no Lean, replays exactly as it ran, down the code
// paths kept for it; a worker of the earlier code given a lean input runs
// it the earlier way, which is as correct.

type leanKey struct{}

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
var dbLocal = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 7 * 24 * time.Hour,
	StartToCloseTimeout:    30 * time.Second,
	RetryPolicy:            dbActivity.RetryPolicy,
}
