package starter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestAnswerTheMomentTheTaskAppears: an agent answers a task the instant
// its row is in the inbox, before the procedure has taken the result of
// the activity that wrote it. The answer is taken (the starter sends it
// again while the procedure is not yet waiting), not refused with "not
// asked yet". Ten PayPal orders, each answered as soon as its task's row
// can be read.
func TestAnswerTheMomentTheTaskAppears(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	for i := range 10 {
		o := insertOrder(t, s.store, fmt.Sprintf("C-2026-%06d", 8100+i), order.LogisticsAwaitingPrinting, order.PayPayPal, fmt.Sprintf("PAYID-%d", i))
		req := removeOneMug(o, "answer-race")
		req.Notify = false
		run, err := s.starter.ModifyContent(ctx, req)
		require.NoError(t, err)

		var task store.Task
		require.Eventually(t, func() bool {
			tasks, err := s.store.ListOpenTasks(ctx)
			require.NoError(t, err)
			for _, x := range tasks {
				if x.WorkflowID == run.WorkflowID && x.Kind == workflows.TaskRefundByHand {
					task = x
					return true
				}
			}
			return false
		}, 20*time.Second, time.Millisecond, "no refund task for %s", o.Number)

		err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "marie@boutique.fr", ProviderRef: "PP-" + o.Number})
		require.NoError(t, err, "order %s: an answer given the moment the task appeared", o.Number)

		require.Eventually(t, func() bool {
			got, err := s.store.GetTask(ctx, task.ID)
			require.NoError(t, err)
			return got.Status == store.TaskAnswered && got.AnsweredBy == "marie@boutique.fr"
		}, 20*time.Second, 20*time.Millisecond, "order %s: the task was not closed as answered", o.Number)
	}
}
