package starter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// The provider takes a card refund but its answer is lost; while the step
// retries against a provider now down, an operator cancels the procedure
// (the Temporal Web UI's Cancel on a "stuck" step). The compensation asks
// the provider by the refund's key instead of assuming that no money
// moved: the refund stays counted, and a second refund of the same money
// is refused. The customer is refunded once.
func TestOperatorCancelWhileARefundAnswerIsLostRefundsOnce(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000950", order.LogisticsShipped) // 50 € paid by card

	sb.SetFaults(sandbox.Faults{DropNext: 1})
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "lost-answer", Agent: "marie@boutique.fr", Refund: 5000, Reason: "geste commercial",
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(sb.Refunds()) == 1 }, 20*time.Second, 20*time.Millisecond, "the provider never took the refund")
	sb.SetFaults(sandbox.Faults{OutageUntil: time.Now().Add(time.Hour)}) // every retry fails: the step looks stuck
	time.Sleep(1500 * time.Millisecond)

	require.NoError(t, s.client.CancelWorkflow(ctx, run.WorkflowID, ""))
	sb.SetFaults(sandbox.Faults{}) // the provider is back for the compensation's question
	_ = s.client.GetWorkflow(ctx, run.WorkflowID, "").Get(ctx, nil)
	_ = s.client.GetWorkflow(ctx, run.WorkflowID+"/settle", "").Get(ctx, nil)

	var rs []store.Refund
	require.Eventually(t, func() bool {
		rs = refundsOf(t, s, o)
		return len(rs) == 1 && rs[0].Status != store.RefundPending
	}, 20*time.Second, 50*time.Millisecond, "the refund was never settled: %+v", rs)
	require.Equal(t, store.RefundSucceeded, rs[0].Status, "the provider holds the refund: it is succeeded, not failed")
	recordHistory(t, s.client, run.WorkflowID, "settled_inside_cancelled_refund_resolved")
	require.Equal(t, sb.Refunds()[0].ID, rs[0].ProviderRef)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(0), pos.PaidNet, "the 50 € went back: nothing is left to refund")

	_, err = s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "second", Agent: "marie@boutique.fr", Refund: 5000, Reason: "geste commercial",
	})
	require.Error(t, err, "a second refund of the same money is refused")
	require.Len(t, sb.Refunds(), 1, "the provider holds one refund")
}

// A refund never handed to the provider (the procedure was cancelled while
// an agent was to refund by hand) is released: its amount can be refunded
// again, and the ledger says why.
func TestARefundNeverSentIsReleasedWhenItsProcedureIsCancelled(t *testing.T) {
	t.Parallel()
	s := newStack(t) // no gateway: PayPal refunds are by hand
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000951", order.LogisticsShipped, order.PayPayPal, "PAYID-951")
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "by-hand", Agent: "marie@boutique.fr", Refund: 2000, Reason: "geste commercial",
	})
	require.NoError(t, err)
	waitForTask(t, s, run.WorkflowID)
	require.NoError(t, s.client.CancelWorkflow(ctx, run.WorkflowID, ""))
	_ = s.client.GetWorkflow(ctx, run.WorkflowID, "").Get(ctx, nil)
	var rs []store.Refund
	require.Eventually(t, func() bool {
		rs = refundsOf(t, s, o)
		return len(rs) == 1 && rs[0].Status == store.RefundFailed
	}, 20*time.Second, 50*time.Millisecond, "refunds: %+v", rs)
	paid, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(5000), paid)
	es, err := s.store.Ledger(ctx, o.ID)
	require.NoError(t, err)
	var kinds []order.EntryKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	// A refund without cancelling is a gesture; its refund failed, so the
	// gesture gave nothing.
	require.Equal(t, []order.EntryKind{order.EntryPayment, order.EntryGesture, order.EntryRefundReserved, order.EntryRefundFailed}, kinds)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(0), pos.Gestures)
}

// Approvals are the agents table's: an answer naming an unknown agent, or
// one claiming a supervisor's role for an agent, is refused whether it
// comes through the starter (the CLI, the UI) or straight to the procedure
// through Temporal; no money moves until a real supervisor, who did not ask
// for the refund, approves.
func TestAnApprovalIsCheckedAgainstTheAgentsTableNotTheAnswer(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{Settings: workflows.Settings{ApproveAbove: 2000}})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000952", order.LogisticsShipped)
	_, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "forged", Agent: "nobody@nowhere.test", Refund: 4500, Reason: "colis perdu",
	})
	require.ErrorContains(t, err, "not an agent of this shop", "a refund asked for by no one")
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "big", Agent: "marie@boutique.fr", Refund: 4500, Reason: "colis perdu",
	})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskApproveRefund, task.Kind)

	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "nobody@nowhere.test", Role: "supervisor"})
	require.ErrorContains(t, err, "not an agent of this shop")
	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "luc@boutique.fr", Role: "supervisor"})
	refusedInFrench(t, err, "role", "refusal.approver_not_supervisor", "Seul un superviseur") // luc is an agent in the agents table

	// Straight to the procedure, past the starter: the procedure asks the
	// agents table itself.
	for _, forged := range []workflows.TaskAnswer{
		{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "nobody@nowhere.test", Role: "supervisor"},
		{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "luc@boutique.fr", Role: "supervisor"},
	} {
		h, err := s.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: run.WorkflowID + "/settle", UpdateName: workflows.UpdateAnswerTask, Args: []any{forged},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		require.Error(t, err, "a forged approval by %s was taken", forged.Agent)
	}
	require.Empty(t, sb.Refunds(), "no money moved on a forged approval")
	open, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskOpen, open.Status)

	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "sophie@boutique.fr"}))
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Len(t, sb.Refunds(), 1)
	closed, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, "sophie@boutique.fr", closed.AnsweredBy)
	recordHistory(t, s.client, run.WorkflowID, "settled_inside_approval_checked_against_agents")
}

// A refund on an order whose cheque is cashed gives the money back: the
// agent is asked how the customer wants it (a cheque to an address, a
// transfer, a voucher), not whether the cheque was sent.
func TestCancellingAnOrderWhoseChequeIsCashedAsksHowToPayBack(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000953", order.LogisticsAwaitingPrinting, order.PayCheque, "chèque 4411") // 50 € cashed
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "all", Agent: "marie@boutique.fr", Cancel: order.DefaultCancel(o), RefundDefault: true, Notify: true,
	})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskPayback, task.Kind, "asked: %s", task.Question)
	require.Equal(t, int64(5000), task.Amount)
	require.NotContains(t, task.Question, "déjà envoyé")
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerPaybackCheque, Address: "billing", Agent: "luc@boutique.fr"}))
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeChequeRefund, res.Outcome)
	recordHistory(t, s.client, run.WorkflowID, "settled_inside_cashed_cheque_paid_back")
	cheques, err := s.store.ListChequeRequests(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, cheques, 1)
	require.Equal(t, int64(5000), cheques[0].Amount)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(0), pos.PaidNet, "the 50 € are on their way back")
}

// A provider down for longer than the shop allows: an agent task says the
// refund is stuck while the step goes on retrying; an agent closes it with
// a note; once the provider is back the refund is made, once.
func TestARefundStuckAtItsProviderReachesAnAgentAndIsMadeOnce(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{Settings: workflows.Settings{RefundStuckAfter: 2 * time.Second}})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000954", order.LogisticsShipped)
	sb.SetFaults(sandbox.Faults{OutageUntil: time.Now().Add(time.Hour)})
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "stuck", Agent: "marie@boutique.fr", Refund: 1500, Reason: "geste commercial",
	})
	require.NoError(t, err)
	var stuck store.Task
	require.Eventually(t, func() bool {
		tasks, err := s.store.ListTasks(ctx, o.ID)
		require.NoError(t, err)
		for _, tk := range tasks {
			if tk.Kind == workflows.TaskRefundStuck && tk.Status == store.TaskOpen {
				stuck = tk
				return true
			}
		}
		return false
	}, 30*time.Second, 100*time.Millisecond, "no agent was told of the stuck refund")
	require.Contains(t, stuck.Question, "15,00")

	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: stuck.ID, Outcome: workflows.AnswerNoted, Agent: "luc@boutique.fr"})
	refusedInFrench(t, err, "note", "refusal.notice_note_missing", "Dites ce qui a été fait pour la tâche #") // a notice is closed with what was done
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: stuck.ID, Outcome: workflows.AnswerNoted, Agent: "luc@boutique.fr", Note: "prestataire en panne, appelé"}))
	closed, err := s.store.GetTask(ctx, stuck.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskAnswered, closed.Status)

	sb.SetFaults(sandbox.Faults{})
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Len(t, sb.Refunds(), 1)
	events, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	var noted bool
	for _, e := range events {
		noted = noted || strings.Contains(e.Message, "prestataire en panne, appelé")
	}
	require.True(t, noted, "the agent's note is in the order's history")
}

// giveGestureByHand gives amount back on o as a commercial gesture,
// refunded by an agent by hand (PayPal), to its end.
func giveGestureByHand(t *testing.T, s stack, o order.Order, amount int64) {
	t.Helper()
	ctx := context.Background()
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "gesture", Agent: "marie@boutique.fr", Refund: amount, Reason: "retard de livraison",
	})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "luc@boutique.fr"}))
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, nil))
}

// A commercial gesture is not owed back: after 10 € given back on a 50 €
// order, adding a 5 € item asks the customer for 5 €, not 15 €.
func TestAGestureIsNotTakenBackWhenTheOrderChanges(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000955", order.LogisticsAwaitingPrinting, order.PayPayPal, "PAYID-955") // 50 € paid
	giveGestureByHand(t, s, o, 1000)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(1000), pos.Gestures)
	require.Equal(t, int64(0), pos.Due, "a gesture leaves nothing due")

	mod, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "add", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Change: order.ContentChange{Add: []order.NewLine{{SKU: "MAG-01", Name: "Magnet Lyon", UnitPrice: 500, Quantity: 1, VATRate: 2000, Physical: true}}, RecalcShipping: true},
	})
	require.NoError(t, err)
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, mod.WorkflowID, &res))
	require.Equal(t, int64(500), res.Settlement.BalanceDue, "the customer owes the 5 € item only")
}
