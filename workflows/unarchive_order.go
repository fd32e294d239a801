package workflows

// UnarchiveOrder puts an archived order back among the current ones: the
// step of archive-order (archive_order.go) the other way, with its input
// and result. Nothing to compensate; no agent is waited on.

import "go.temporal.io/sdk/workflow"

// UnarchiveOrder runs unarchive-order; see the top of this file.
func UnarchiveOrder(ctx workflow.Context, in ArchiveInput) (ArchiveResult, error) {
	return setArchived(ctx, ProcUnarchiveOrder, in, false)
}
