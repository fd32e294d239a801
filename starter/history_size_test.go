package starter_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// historyEvents counts the events of a finished procedure's history and of
// every child it started, as the Temporal server stores them.
func historyEvents(t *testing.T, c client.Client, workflowID string) int {
	t.Helper()
	n := 0
	var kinds []string
	defer func() { t.Logf("%s: %s", workflowID, strings.Join(kinds, " ")) }()
	it := c.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		n++
		kinds = append(kinds, strings.TrimPrefix(ev.GetEventType().String(), "EVENT_TYPE_"))
		if a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes(); a != nil {
			n += historyEvents(t, c, a.GetWorkflowId())
		}
	}
	return n
}

// maxEvents is the most history events a money procedure may write,
// children included: each event is work for the Temporal server.
const maxEvents = 40

// The money procedures keep their histories short: the database steps are
// local activities, the settlement runs inside the procedure, and nothing
// is scheduled that has nothing to do.
func TestMoneyProceduresKeepTheirHistoriesShort(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()

	t.Run("modify-content refunded by card", func(t *testing.T) {
		o := insertCardOrder(t, s.store, "C-2026-000981", order.LogisticsAwaitingPrinting)
		run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "r1"))
		require.NoError(t, err)
		refundedInFewEvents(t, s, run.WorkflowID)
		recordHistory(t, s.client, run.WorkflowID, "modify_content_card_refunded")
	})
	t.Run("modify-content refunded by hand", func(t *testing.T) {
		o := insertOrder(t, s.store, "C-2026-000982", order.LogisticsAwaitingPrinting, order.PayPayPal, "pp_982")
		run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "r1"))
		require.NoError(t, err)
		task := waitForTask(t, s, run.WorkflowID)
		require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, ProviderRef: "pp_r1", Agent: "luc@boutique.fr"}))
		refundedInFewEvents(t, s, run.WorkflowID)
	})
	t.Run("cancel-refund by card", func(t *testing.T) {
		o := insertCardOrder(t, s.store, "C-2026-000983", order.LogisticsAwaitingPrinting)
		run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
			OrderNumber: o.Number, RequestID: "r1", Agent: "marie@boutique.fr", Cancel: order.DefaultCancel(o), RefundDefault: true, Notify: true,
		})
		require.NoError(t, err)
		refundedInFewEvents(t, s, run.WorkflowID)
	})
	t.Run("return withdrawn in full, refunded by card", func(t *testing.T) {
		o := shipWhole(t, s.store, insertCardOrder(t, s.store, "C-2026-000984", order.LogisticsAwaitingPrinting))
		run, err := s.starter.StartReturn(ctx, withdrawAll(o, "r1"))
		require.NoError(t, err)
		_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: run.Number, ParcelID: "6A-RET-984", Agent: "luc@boutique.fr"})
		require.NoError(t, err)
		task := waitForTask(t, s, run.WorkflowID)
		require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
		var res workflows.ReturnResult
		require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
		require.Equal(t, activities.OutcomeRefunded, res.Settled.Outcome)
		n := historyEvents(t, s.client, run.WorkflowID)
		t.Logf("%d events", n)
		require.LessOrEqual(t, n, maxEvents)
	})
}

// refundedInFewEvents waits for a money procedure to end, checks that it
// refunded the customer, and that its history, children included, holds
// at most maxEvents events.
func refundedInFewEvents(t *testing.T, s stack, workflowID string) {
	t.Helper()
	var res struct {
		Outcome string `json:"outcome"`
	}
	require.NoError(t, s.starter.Result(context.Background(), workflowID, &res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	n := historyEvents(t, s.client, workflowID)
	t.Logf("%d events", n)
	require.LessOrEqual(t, n, maxEvents)
}
