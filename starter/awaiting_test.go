package starter_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestOperatorFindsTheProcedureThatWaitsForAnAgent: while the settlement
// of a modify-content waits for a refund by hand, an operator who filters
// the Temporal Web UI on AwaitingAgent finds the procedure the agent
// started as well as its settlement; once the task is answered, neither.
func TestOperatorFindsTheProcedureThatWaitsForAnAgent(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-008200", order.LogisticsAwaitingPrinting, order.PayPayPal, "PAYID-8200")
	req := removeOneMug(o, "awaiting")
	req.Notify = false
	run, err := s.starter.ModifyContent(ctx, req)
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)

	awaiting := func() []string {
		resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf(`AwaitingAgent = true AND OrderNumber = %q`, o.Number),
		})
		require.NoError(t, err)
		var ids []string
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		slices.Sort(ids)
		return ids
	}
	// The settlement runs inside the procedure: the procedure the agent
	// started is what waits.
	want := []string{run.WorkflowID}
	require.Eventually(t, func() bool { return slices.Equal(awaiting(), want) }, 20*time.Second, 100*time.Millisecond,
		"AwaitingAgent = true finds %v, want the procedure %v", awaiting(), want)

	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "marie@boutique.fr"}))
	require.Eventually(t, func() bool { return len(awaiting()) == 0 }, 20*time.Second, 100*time.Millisecond,
		"after the answer AwaitingAgent = true still finds %v", awaiting())

	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	recordHistory(t, s.client, run.WorkflowID, "modify_content_awaiting_to_parent")
}
