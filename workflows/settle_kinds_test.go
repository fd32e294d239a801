package workflows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// A cheque customer who paid 80 € for a 70 € order gets their 10 € back:
// the agent is asked how (cheque, transfer, voucher), never whether the
// cheque was sent — it is cashed already.
func TestSettleAChequeOverpaymentAsksHowToPayBackNotWhetherTheChequeWasSent(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayCheque, 1000)
	in.Kind = order.SettleOverpayment
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskPayback && in.Amount == 1000
	})).Return(activities.TaskRef{ID: 21}, nil).Once()
	var accepted error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 21, Outcome: workflows.AnswerPaybackCheque, Address: "billing", Agent: "luc@boutique.fr"}, &accepted)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RequestChequeRefund, mock.Anything, mock.MatchedBy(func(in activities.ChequeInput) bool {
		return in.Amount == 1000 && in.Key == "default-test-workflow-id/payback"
	})).Return(activities.ChequeRef{ID: 3}, nil).Once()
	env.OnWorkflow(workflows.ProcMailCheque, mock.Anything, mock.Anything).Return("000124", nil).Once()

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, accepted)
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeChequeRefund, res.Outcome)
	require.Equal(t, int64(1000), res.Amount)
}

// 1 000 € overpaid by transfer on a money-order customer: the refund waits
// for a supervisor; after "refund impossible", the transfer to the IBAN an
// agent typed waits for a supervisor again, who may not be the one who
// typed it. One agent alone moves nothing.
func TestSettleMoneyLeavingToATypedIBANWaitsForASupervisorWhoDidNotTypeIt(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayMoneyOrder, 100000)
	in.Kind, in.ApproveAbove = order.SettleOverpayment, 20000
	in.Agent = "marie@boutique.fr"
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskApproveRefund && in.Key == "default-test-workflow-id/task/approve"
	})).Return(activities.TaskRef{ID: 31}, nil).Once()
	var selfApproved, approved error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 31, Outcome: workflows.AnswerApprove, Agent: "marie@boutique.fr", Role: "supervisor"}, &selfApproved)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 31, Outcome: workflows.AnswerApprove, Agent: "sophie@boutique.fr", Role: "supervisor"}, &approved)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewayUnsupported}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool { return in.Kind == workflows.TaskRefundByHand })).
		Return(activities.TaskRef{ID: 32}, nil).Once()
	var impossible error
	answer(env, 3*time.Minute, workflows.TaskAnswer{TaskID: 32, Outcome: workflows.AnswerRefundImpossible, Reason: "mandat non remboursable", Agent: "luc@boutique.fr"}, &impossible)
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("impossible")).Return(nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool { return in.Kind == workflows.TaskPayback })).
		Return(activities.TaskRef{ID: 33}, nil).Once()
	var typed error
	answer(env, 4*time.Minute, workflows.TaskAnswer{TaskID: 33, Outcome: workflows.AnswerPaybackTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 189", AccountName: "Inconnu", Agent: "luc@boutique.fr"}, &typed)
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskApproveRefund && in.Key == "default-test-workflow-id/task/approve-payback-1"
	})).Return(activities.TaskRef{ID: 34}, nil).Once()
	var typistApproved, requesterApproved, claimed, forged, approvedTransfer error
	answer(env, 5*time.Minute, workflows.TaskAnswer{TaskID: 34, Outcome: workflows.AnswerApprove, Agent: "luc@boutique.fr", Role: "supervisor"}, &typistApproved)
	answer(env, 5*time.Minute+20*time.Second, workflows.TaskAnswer{TaskID: 34, Outcome: workflows.AnswerApprove, Agent: "marie@boutique.fr", Role: "supervisor"}, &requesterApproved)
	answer(env, 5*time.Minute+30*time.Second, workflows.TaskAnswer{TaskID: 34, Outcome: workflows.AnswerApprove, Agent: "jean@boutique.fr", Role: "supervisor"}, &claimed)
	answer(env, 6*time.Minute, workflows.TaskAnswer{TaskID: 34, Outcome: workflows.AnswerApprove, Agent: "nobody@nowhere.test", Role: "supervisor"}, &forged)
	answer(env, 7*time.Minute, workflows.TaskAnswer{TaskID: 34, Outcome: workflows.AnswerApprove, Agent: "paul@boutique.fr", Role: "supervisor"}, &approvedTransfer)
	env.OnActivity(money.PayoutToIBAN, mock.Anything, mock.MatchedBy(func(in activities.PayoutInput) bool { return in.Amount == 100000 })).
		Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "po_9"}, nil).Once()
	// Money paid beyond the invoice is given back with no credit note.

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, selfApproved, "cannot approve", "the requester approving their own refund")
	require.NoError(t, approved)
	require.NoError(t, impossible)
	require.NoError(t, typed)
	require.ErrorContains(t, typistApproved, "cannot approve", "luc typed the IBAN")
	require.ErrorContains(t, requesterApproved, "cannot approve", "marie asked for the refund")
	require.ErrorContains(t, claimed, "Only a supervisor", "jean is an agent in the agents table, whatever his answer says")
	require.ErrorContains(t, forged, "not an agent of this shop")
	require.NoError(t, approvedTransfer)
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeBankTransfer, res.Outcome)
}

// A provider down for hours: the refund step keeps retrying with the same
// key, and after an hour an agent task says so; it closes itself once the
// provider answers.
func TestSettleARefundStuckAtTheProviderTellsTheAgentsAndGoesOn(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).After(3*time.Hour).
		Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_late"}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskRefundStuck && in.Amount == 1250 && strings.Contains(in.Question, "même clé")
	})).Return(activities.TaskRef{ID: 41}, nil).Once()
	env.OnActivity(orders.CloseTask, mock.Anything, mock.MatchedBy(func(in activities.CloseTaskInput) bool {
		return in.Status == "cancelled" && in.Key == "default-test-workflow-id/task/refund-stuck"
	})).Return(nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("succeeded")).Return(nil).Once()
	expectCreditNote(env, 1250)
	in := settleInput(order.PayCard, 1250)
	in.Lean = false // started before lean procedures: the workflow keeps a timer

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, "re_late", res.ProviderRef)
}

// In a lean procedure the provider step itself tells the agents when it
// retries past the delay, with the same task; the workflow keeps no timer.
func TestSettleLeanHandsTheStuckNoticeToTheProviderStep(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool {
		n := in.Stuck
		return n != nil && n.After == time.Hour && n.Kind == workflows.TaskRefundStuck && n.Amount == 1250 &&
			n.Key == "default-test-workflow-id/task/refund-stuck" && strings.Contains(n.Question, "même clé")
	})).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_1"}, nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("succeeded")).Return(nil).Once()
	expectCreditNote(env, 1250)

	env.ExecuteWorkflow(workflows.SettleDifference, settleInput(order.PayCard, 1250))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, "re_1", res.ProviderRef)
}

// A provider that refuses orderdesk's API key is not retried: an agent
// refunds by hand, told why.
func TestSettleAProviderRefusingTheAPIKeyFallsBackToARefundByHand(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{},
		temporal.NewNonRetryableApplicationError("sandbox refused orderdesk's API key", activities.ErrTypeProviderAuth, nil)).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskRefundByHand && strings.Contains(in.Question, "API key")
	})).Return(activities.TaskRef{ID: 42}, nil).Once()
	var done error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 42, Outcome: workflows.AnswerRefundDone, ProviderRef: "manuel-1", Agent: "luc@boutique.fr"}, &done)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("succeeded")).Return(nil).Once()
	expectCreditNote(env, 1250)

	env.ExecuteWorkflow(workflows.SettleDifference, settleInput(order.PayCard, 1250))

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, done)
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
}

// An operator cancels the tracking of a refund cheque not mailed yet: the
// cheque request is cancelled and its refund released, so it no longer
// counts as given back with nothing left to settle it.
func TestMailChequeCancelledReleasesTheRefund(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 50}, nil).Once()
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.CancelChequeRequest, mock.Anything, "k").Return(nil).Once()
	env.OnActivity(money.ResolveRefund, mock.Anything, mock.MatchedBy(func(in activities.ResolveInput) bool {
		return in.Key == "k" && in.Method == order.PayCheque
	})).Return(activities.Resolved{Status: "failed"}, nil).Once()

	env.ExecuteWorkflow(workflows.MailCheque, workflows.MailChequeInput{OrderNumber: "C-2026-000101", RefundKey: "k", Amount: 1250, Currency: "EUR", Address: home})

	require.Error(t, env.GetWorkflowError())
}
