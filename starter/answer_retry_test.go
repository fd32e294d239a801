package starter_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// answersSeen counts, per run of answerTakenSecondTime, the answers its
// update handler ran for (a *atomic.Int32 by run id). The handler reads it
// to fail only the first workflow task that carries an answer; the test
// reads it to see the answer arrived twice.
var answersSeen sync.Map

// notDefinedAttr is a search attribute the test Temporal server does not
// know: a workflow task that sets it is refused when the worker completes
// it.
var notDefinedAttr = temporal.NewSearchAttributeKeyKeyword("OrderdeskNotDefined")

// answerTakenSecondTime waits for an agent's answer like a procedure
// (Update workflows.UpdateAnswerTask) and ends with the answer's outcome.
// The first time an answer reaches it, its workflow task asks Temporal to
// set a search attribute Temporal does not know: Temporal refuses that
// workflow task when the worker completes it, and the answer with it,
// which the caller gets as serviceerror.WorkflowNotReady. Later answers
// are taken.
func answerTakenSecondTime(ctx workflow.Context) (string, error) {
	runID := workflow.GetInfo(ctx).WorkflowExecution.RunID
	var taken *workflows.TaskAnswer
	if err := workflow.SetUpdateHandler(ctx, workflows.UpdateAnswerTask, func(ctx workflow.Context, ans workflows.TaskAnswer) error {
		n, _ := answersSeen.LoadOrStore(runID, new(atomic.Int32))
		if n.(*atomic.Int32).Add(1) == 1 {
			return workflow.UpsertTypedSearchAttributes(ctx, notDefinedAttr.ValueSet("refused"))
		}
		taken = &ans
		return nil
	}); err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return taken != nil }); err != nil {
		return "", err
	}
	return taken.Outcome, nil
}

// TestAnAnswerWhoseWorkflowTaskFailedIsSentAgain: the workflow task that
// carries an agent's answer fails on Temporal's side, so Temporal answers
// the starter that the procedure was not ready and nothing was taken. The
// starter sends the answer again: the agent gets no error, the procedure
// takes the answer (once) and ends with it.
func TestAnAnswerWhoseWorkflowTaskFailedIsSentAgain(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()

	queue := s.queue + "-answer-retry"
	w := sdkworker.New(s.client, queue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(answerTakenSecondTime, workflow.RegisterOptions{Name: "answer-taken-second-time"})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)

	o := insertCardOrder(t, s.store, "C-2026-008700", order.LogisticsAwaitingPrinting)
	workflowID := "answer-retry/" + o.Number + "/r1"
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflowID, TaskQueue: queue}, answerTakenSecondTime)
	require.NoError(t, err)
	task, err := s.store.CreateTask(ctx, store.Task{Key: workflowID + "/task/refund", OrderID: o.ID, WorkflowID: workflowID,
		Kind: workflows.TaskRefundByHand, Question: "Remboursez 5,60 €", Amount: 560, Options: []string{workflows.AnswerRefundDone}})
	require.NoError(t, err)
	require.Equal(t, store.TaskOpen, task.Status)

	answerCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	start := time.Now()
	err = s.starter.AnswerTask(answerCtx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, ProviderRef: "re_8700", Agent: "marie@boutique.fr"})
	require.NoError(t, err, "the answer whose workflow task failed was not sent again")
	t.Logf("answer taken after %v", time.Since(start).Round(time.Millisecond))

	var outcome string
	require.NoError(t, run.Get(answerCtx, &outcome))
	require.Equal(t, workflows.AnswerRefundDone, outcome, "the procedure did not end with the agent's answer")

	seen, ok := answersSeen.Load(run.GetRunID())
	require.True(t, ok, "the procedure never saw the answer")
	require.Equal(t, int32(2), seen.(*atomic.Int32).Load(), "the answer reached the procedure a number of times other than twice (refused once, then taken)")

	// Temporal's history of the procedure: the workflow task that carried
	// the first answer failed (its search attribute refused), and the
	// answer was accepted once, the second time.
	var failed, accepted int
	it := s.client.GetWorkflowHistory(ctx, workflowID, run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		require.NoError(t, err)
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
			require.Equal(t, enumspb.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, e.GetWorkflowTaskFailedEventAttributes().GetCause())
			failed++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			accepted++
		}
	}
	require.Equal(t, 1, failed, "workflow tasks failed")
	require.Equal(t, 1, accepted, "answers accepted")
}
