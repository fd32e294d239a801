package starter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// 1 000 € overpaid by money order: the refund waits for a supervisor; it
// is impossible on a money order; the agent types an IBAN, and the transfer
// waits for a supervisor again, who is neither the agent who recorded the
// payment nor the one who typed the IBAN. One agent alone moves nothing.
func TestAnOverpaymentPaidOutToATypedIBANNeedsASupervisorWhoDidNotTypeIt(t *testing.T) {
	t.Parallel()
	s := newCollectStackWith(t, workflows.Settings{ApproveAbove: 20000})
	ctx := context.Background()
	const agent, supervisor = "luc@boutique.fr", "sophie@boutique.fr"
	o := insertOrderOf(t, s.store, "C-2026-000970", order.PayMoneyOrder, "",
		order.Line{SKU: "PLA-01", Name: "Plaid Croix-Rousse", UnitPrice: 2790, Quantity: 2, VATRate: 2000, Physical: true})
	run, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	waitCollecting(t, s, o.Number)
	_, err = s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{
		OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayMoneyOrder, Amount: 105580, Reference: "mandat 12", ConfirmOverpayment: true,
	})
	require.NoError(t, err)
	settle := run.WorkflowID + "/overpayment"
	answer := func(kind string, ans workflows.TaskAnswer) error {
		t.Helper()
		task := waitTaskOf(t, s.collector, settle)
		require.Equal(t, kind, task.Kind, "asked: %s", task.Question)
		ans.TaskID = task.ID
		return s.collector.AnswerTask(ctx, ans)
	}

	require.Error(t, answer(workflows.TaskApproveRefund, workflows.TaskAnswer{Outcome: workflows.AnswerApprove, Agent: agent}))
	require.NoError(t, answer(workflows.TaskApproveRefund, workflows.TaskAnswer{Outcome: workflows.AnswerApprove, Agent: supervisor}))
	require.NoError(t, answer(workflows.TaskRefundByHand, workflows.TaskAnswer{Outcome: workflows.AnswerRefundImpossible, Reason: "un mandat ne se rembourse pas", Agent: agent}))
	// A supervisor types the IBAN with the customer: he may not approve the
	// transfer himself, and neither may an agent.
	require.NoError(t, answer(workflows.TaskPayback, workflows.TaskAnswer{Outcome: workflows.AnswerPaybackTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 189", AccountName: "Qui Que Ce Soit", Agent: "paul@boutique.fr"}))
	err = answer(workflows.TaskApproveRefund, workflows.TaskAnswer{Outcome: workflows.AnswerApprove, Agent: "paul@boutique.fr"})
	require.ErrorContains(t, err, "cannot approve", "the supervisor who typed the IBAN")
	err = answer(workflows.TaskApproveRefund, workflows.TaskAnswer{Outcome: workflows.AnswerApprove, Agent: agent})
	refusedInFrench(t, err, "role", "refusal.approver_not_supervisor", "Seul un superviseur")
	rs, err := s.store.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	for _, r := range rs {
		require.NotEqual(t, "bank_transfer", r.Method, "no transfer before the second approval: %+v", r)
	}
	require.NoError(t, answer(workflows.TaskApproveRefund, workflows.TaskAnswer{Outcome: workflows.AnswerApprove, Agent: supervisor}))

	var res workflows.SettleResult
	require.NoError(t, s.collector.Result(ctx, settle, &res))
	require.Equal(t, activities.OutcomeBankTransfer, res.Outcome)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(5580), pos.PaidNet, "the 1 000 € overpaid went back once")
	require.Equal(t, int64(0), pos.Overpayment)
}

// 80 € received by cheque on a 70 € order: the 10 € go back by the means
// chosen with the customer; nobody is asked whether the (cashed) cheque
// was sent, and nothing is dropped.
func TestAChequeOverpaymentIsPaidBackNotDropped(t *testing.T) {
	t.Parallel()
	s := newCollectStackWith(t, workflows.Settings{})
	ctx := context.Background()
	const agent = "marie@boutique.fr"
	o := insertOrderOf(t, s.store, "C-2026-000971", order.PayCheque, "",
		order.Line{SKU: "LAM-01", Name: "Lampe Confluence", UnitPrice: 7000, Quantity: 1, VATRate: 2000, Physical: true})
	require.Equal(t, int64(7000), o.Totals.Total)
	run, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	waitCollecting(t, s, o.Number)
	_, err = s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{
		OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayCheque, Amount: 8000, Reference: "chèque 5521", ConfirmOverpayment: true,
	})
	require.NoError(t, err)
	task := waitTaskOf(t, s.collector, run.WorkflowID+"/overpayment")
	require.Equal(t, workflows.TaskPayback, task.Kind, "asked: %s", task.Question)
	require.Equal(t, int64(1000), task.Amount)
	require.NoError(t, s.collector.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerPaybackCheque, Address: "billing", Agent: "luc@boutique.fr"}))
	var res workflows.SettleResult
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID+"/overpayment", &res))
	require.Equal(t, activities.OutcomeChequeRefund, res.Outcome)
	cheques, err := s.store.ListChequeRequests(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, cheques, 1)
	require.Equal(t, int64(1000), cheques[0].Amount)
	rs, err := s.store.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	require.Equal(t, store.RefundManualPending, rs[0].Status, "the refund cheque is reserved until it is mailed")
}
