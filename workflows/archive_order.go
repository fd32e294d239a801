package workflows

// ArchiveOrder is the shop's « Archiver les commandes »: once an order is
// finished (completed, shipped or cancelled) and no procedure works on it
// (no hold, no open agent task), it leaves the current orders and is found
// under the archived ones. One step: one conditional UPDATE of
// orders.archived_at with the history line, by the agent. Nothing to
// compensate; no agent is waited on. unarchive-order (unarchive_order.go)
// is the same step the other way, with the same input and result.
//
// The workflow id carries the agent's request id, so a double click
// archives once.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// ArchiveInput is what an agent asks of archive-order and unarchive-order.
type ArchiveInput struct {
	OrderNumber string `json:"order_number"`
	RequestID   string `json:"request_id"`
	Agent       string `json:"agent"`
	// Lean: see Settings.Lean.
	Lean bool `json:"lean,omitempty"`
}

// ArchiveResult says whether the order is archived once the procedure ended.
type ArchiveResult struct {
	Archived bool `json:"archived"`
}

// ArchiveOrder runs archive-order; see the top of this file.
func ArchiveOrder(ctx workflow.Context, in ArchiveInput) (ArchiveResult, error) {
	return setArchived(ctx, ProcArchiveOrder, in, true)
}

func setArchived(ctx workflow.Context, name string, in ArchiveInput, archive bool) (res ArchiveResult, err error) {
	ctx, _ = beginLean(ctx, in.Lean)
	p := newProcedure(ctx, name, in.OrderNumber, in.Agent, 0, 0)
	if err := p.register(ctx); err != nil {
		return res, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	var orders *activities.Orders
	defer func() { p.state.Done = true }()

	label, act := text(LabelArchive), orders.ArchiveOrder
	if !archive {
		label, act = text(LabelUnarchive), orders.UnarchiveOrder
	}
	step := p.state.begin("archive", label)
	var out activities.ArchiveResult
	if err := db(ctx, act, activities.ArchiveInput{OrderNumber: in.OrderNumber, Actor: p.actor}).Get(ctx, &out); err != nil {
		return res, p.fail(ctx, step, err)
	}
	p.state.end(step, StepDone, Text{})
	return ArchiveResult{Archived: out.Archived}, nil
}
