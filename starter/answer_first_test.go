package starter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// An agent's answer returns once it is recorded: the workflow task that
// takes it ends there, and the refund's records, the email and the
// release of the order come in the next one. Before, they ran as local
// activities in the same workflow task, and the answer waited for them.
func TestAnAnswerReturnsBeforeTheStepsItLeadsTo(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000931", order.LogisticsAwaitingPrinting)
	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "answer-first"))
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, ProviderRef: "re_931", Agent: "luc@boutique.fr"}))
	closed, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, "answered", closed.Status, "the task is closed when the answer returns")
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, nil))

	// In the history: the update completes, its workflow task completes
	// with one timer and no step after the task's closing, and the steps
	// follow in the next workflow task.
	var kinds []enumspb.EventType
	it := s.client.GetWorkflowHistory(ctx, run.WorkflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		kinds = append(kinds, ev.GetEventType())
	}
	done := -1
	for i, k := range kinds {
		if k == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED {
			done = i
		}
	}
	require.GreaterOrEqual(t, done, 0, "the answer's update is in the history: %v", kinds)
	var after []enumspb.EventType
	for _, k := range kinds[done+1:] {
		after = append(after, k)
		if k == enumspb.EVENT_TYPE_TIMER_STARTED {
			break
		}
	}
	require.Equal(t, enumspb.EVENT_TYPE_TIMER_STARTED, after[len(after)-1], "the answer's workflow task ends on a timer: %v", kinds[done:])
	for _, k := range after {
		require.NotEqual(t, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, k, "the procedure ended in the answer's workflow task: %v", kinds[done:])
	}
	markers := 0
	for _, k := range kinds[done:] {
		if k == enumspb.EVENT_TYPE_MARKER_RECORDED {
			markers++
		}
	}
	require.Positive(t, markers, "the steps after the answer come after it: %v", kinds[done:])
}
