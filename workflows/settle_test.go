package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

var home = order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}

func settleInput(method order.PaymentMethod, refund int64) workflows.SettleInput {
	return workflows.SettleInput{
		OrderNumber: "C-2026-000101", Agent: "marie@boutique.fr", Method: method, Currency: "EUR",
		Billing: home, Delivery: home, Refund: refund, Settings: workflows.Settings{Lean: true},
	}
}

func refundWith(status string) any {
	return mock.MatchedBy(func(in activities.RefundInput) bool { return in.Status == status })
}

func TestSettleCardRefundedThroughTheGateway(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.MatchedBy(func(in activities.RefundInput) bool {
		return in.Amount == 1250 && in.Status == "pending" && in.Key == "default-test-workflow-id/refund"
	})).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool {
		return in.Key == "default-test-workflow-id/refund" && in.Method == order.PayCard
	})).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_9"}, nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, mock.MatchedBy(func(in activities.RefundInput) bool {
		return in.Status == "succeeded" && in.ProviderRef == "re_9"
	})).Return(nil).Once()

	expectCreditNote(env, 1250)

	env.ExecuteWorkflow(workflows.SettleDifference, settleInput(order.PayCard, 1250))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, "re_9", res.ProviderRef)
}

func TestSettleDeclinedCardThenBankTransfer(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(
		activities.GatewayOutcome{Outcome: activities.GatewayDeclined, Code: "expired_card", Reason: "carte expirée"}, nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, mock.MatchedBy(func(in activities.RefundInput) bool {
		return in.Status == "impossible" && in.Reason == "carte expirée"
	})).Return(nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskPayback && in.Amount == 1250
	})).Return(activities.TaskRef{ID: 11}, nil).Once()
	var badIBAN, noName, accepted error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 11, Outcome: workflows.AnswerPaybackTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 188", AccountName: "Camille Martin", Agent: "luc@boutique.fr"}, &badIBAN)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 11, Outcome: workflows.AnswerPaybackTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 189", Agent: "luc@boutique.fr"}, &noName)
	answer(env, 3*time.Minute, workflows.TaskAnswer{TaskID: 11, Outcome: workflows.AnswerPaybackTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 189", AccountName: "Camille Martin", Agent: "luc@boutique.fr"}, &accepted)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.PayoutToIBAN, mock.Anything, mock.MatchedBy(func(in activities.PayoutInput) bool {
		return in.Amount == 1250 && in.Name == "Camille Martin" && in.Key == "default-test-workflow-id/payback-1"
	})).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "po_1"}, nil).Once()

	expectCreditNote(env, 1250)

	env.ExecuteWorkflow(workflows.SettleDifference, settleInput(order.PayCard, 1250))

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, badIBAN, "iban")
	require.ErrorContains(t, noName, "account_name")
	require.NoError(t, accepted)
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeBankTransfer, res.Outcome)
	require.Equal(t, "FR76 **** **** 0189", res.IBAN)
}

func TestSettleByHandDoneWhenTheProviderHasNoAPI(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewayUnsupported}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskRefundByHand
	})).Return(activities.TaskRef{ID: 7}, nil).Once()
	var noReason, wrongTask, unknownAnswer, accepted error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 7, Outcome: workflows.AnswerRefundImpossible, Agent: "luc@boutique.fr"}, &noReason)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 8, Outcome: workflows.AnswerRefundDone, Agent: "luc@boutique.fr"}, &wrongTask)
	answer(env, 3*time.Minute, workflows.TaskAnswer{TaskID: 7, Outcome: "maybe", Agent: "luc@boutique.fr"}, &unknownAnswer)
	answer(env, 4*time.Minute, workflows.TaskAnswer{TaskID: 7, Outcome: workflows.AnswerRefundDone, ProviderRef: "PP-123", Agent: "luc@boutique.fr"}, &accepted)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.MatchedBy(func(in activities.CloseTaskInput) bool {
		return in.Status == "answered" && in.By == "luc@boutique.fr"
	})).Return(nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, mock.MatchedBy(func(in activities.RefundInput) bool {
		return in.Status == "succeeded" && in.ProviderRef == "PP-123" && in.Actor.Agent == "luc@boutique.fr"
	})).Return(nil).Once()

	expectCreditNote(env, 1250)

	env.ExecuteWorkflow(workflows.SettleDifference, settleInput(order.PayPayPal, 1250))

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, noReason, "reason")
	require.ErrorContains(t, wrongTask, "#8 is not the task this procedure waits on (#7)")
	require.ErrorContains(t, unknownAnswer, `"maybe" is not an answer`)
	require.NoError(t, accepted)
}

func TestSettleByHandImpossibleThenStoreCredit(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewayUnsupported}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 7}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 8}, nil).Once()
	var first, second error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 7, Outcome: workflows.AnswerRefundImpossible, Reason: "compte PayPal fermé", Agent: "luc@boutique.fr"}, &first)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 8, Outcome: workflows.AnswerPaybackStoreCredit, Agent: "luc@boutique.fr"}, &second)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Twice()
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("impossible")).Return(nil).Once()
	var code string
	env.OnActivity(money.IssueStoreCredit, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.StoreCreditInput) error {
		code = in.Code
		return nil
	}).Once()

	expectCreditNote(env, 1250)

	env.ExecuteWorkflow(workflows.SettleDifference, settleInput(order.PayPayPal, 1250))

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, first)
	require.NoError(t, second)
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeStoreCredit, res.Outcome)
	_, err := order.CheckVoucherCode(code)
	require.NoError(t, err)
	require.Equal(t, code, res.Voucher)
	require.Equal(t, "compte PayPal fermé", res.Reason)
}

func TestSettleChequeAlreadySentSendsARefundCheque(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayCheque, 0)
	in.ChequeDifference = 1250
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskChequeSent && in.Amount == 1250
	})).Return(activities.TaskRef{ID: 5}, nil).Once()
	var emptyAddress, accepted error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerChequeSent, Address: "typed", TypedAddress: &workflows.AddressAnswer{Name: "Camille"}, Agent: "luc@boutique.fr"}, &emptyAddress)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerChequeSent, Address: "delivery", Agent: "luc@boutique.fr"}, &accepted)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RequestChequeRefund, mock.Anything, mock.MatchedBy(func(in activities.ChequeInput) bool {
		return in.Amount == 1250 && in.Address.City == "Lyon"
	})).Return(activities.ChequeRef{ID: 1}, nil).Once()
	env.OnWorkflow(workflows.ProcMailCheque, mock.Anything, mock.MatchedBy(func(in workflows.MailChequeInput) bool {
		return in.Amount == 1250 && in.RefundKey == "default-test-workflow-id/refund"
	})).Return("000123", nil).Once()

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, emptyAddress, "typed_address")
	require.NoError(t, accepted)
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeChequeRefund, res.Outcome)
	require.Equal(t, "Lyon", res.ChequeAddress.City)
}

func TestSettleChequeNotSentIsReplaced(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayCheque, 0)
	in.ChequeDifference = 1250
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 5}, nil).Once()
	expectFact(env, order.EntryReplacementCheque, 1250)
	var rejected error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerChequeNotSent, Agent: "luc@boutique.fr"}, &rejected)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeChequeReplaced, res.Outcome)
}

func TestSettleRefundAboveTheLimitWaitsForAnotherSupervisor(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayCard, 30000)
	in.ApproveAbove = 20000
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskApproveRefund
	})).Return(activities.TaskRef{ID: 3}, nil).Once()
	var byAgent, byRequester, accepted error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 3, Outcome: workflows.AnswerApprove, Agent: "luc@boutique.fr", Role: "agent"}, &byAgent)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 3, Outcome: workflows.AnswerApprove, Agent: "marie@boutique.fr", Role: "supervisor"}, &byRequester)
	answer(env, 3*time.Minute, workflows.TaskAnswer{TaskID: 3, Outcome: workflows.AnswerApprove, Agent: "sophie@boutique.fr", Role: "supervisor"}, &accepted)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_2"}, nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("succeeded")).Return(nil).Once()

	expectCreditNote(env, 30000)

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, byAgent, "Only a supervisor")
	require.ErrorContains(t, byRequester, "cannot approve it")
	require.NoError(t, accepted)
}

func TestSettleRefundRejectedBySupervisorMovesNoMoney(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayCard, 30000)
	in.ApproveAbove = 20000
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 3}, nil).Once()
	var rejected error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 3, Outcome: workflows.AnswerReject, Reason: "déjà remboursé en boutique", Agent: "sophie@boutique.fr", Role: "supervisor"}, &rejected)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefundRejected, res.Outcome)
	// ReserveRefund has no expectation: reserving money would fail the test.
}

func TestSettleCancelledWhileWaitingClosesTheTaskAndFailsTheRefund(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewayUnsupported}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 7}, nil).Once()
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.MatchedBy(func(in activities.CloseTaskInput) bool { return in.Status == "cancelled" })).Return(nil).Once()
	// The refund is not marked failed on the procedure's say-so: the
	// compensation asks what became of it, by its key.
	env.OnActivity(money.ResolveRefund, mock.Anything, mock.MatchedBy(func(in activities.ResolveInput) bool {
		return in.Key == "default-test-workflow-id/refund" && in.Method == order.PayPayPal
	})).Return(activities.Resolved{Status: "failed"}, nil).Once()

	env.ExecuteWorkflow(workflows.SettleDifference, settleInput(order.PayPayPal, 1250))

	var canceled *temporal.CanceledError
	require.True(t, errors.As(env.GetWorkflowError(), &canceled), "got %v", env.GetWorkflowError())
}

func TestSettleRemindsThenEscalatesALateTask(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayPayPal, 1250)
	in.Reminder, in.Escalation = 4*time.Hour, 24*time.Hour
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewayUnsupported}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 7}, nil).Once()
	var notes []activities.NoteInput
	env.OnActivity(orders.RecordEvent, mock.Anything, mock.Anything).Return(func(_ context.Context, n activities.NoteInput) error {
		notes = append(notes, n)
		return nil
	}).Times(2)
	var rejected error
	answer(env, 30*time.Hour, workflows.TaskAnswer{TaskID: 7, Outcome: workflows.AnswerRefundDone, Agent: "luc@boutique.fr"}, &rejected)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, mock.Anything).Return(nil).Once()

	expectCreditNote(env, 1250)

	env.ExecuteWorkflow(workflows.SettleDifference, in)

	require.NoError(t, env.GetWorkflowError())
	require.Len(t, notes, 2)
	require.Equal(t, "task_reminder", notes[0].Kind)
	require.Equal(t, "Rappel : la tâche #7 attend une réponse depuis 4 h", notes[0].Message)
	require.Equal(t, "task_escalated", notes[1].Kind)
	require.Contains(t, notes[1].Message, "depuis 24 h")
}

func TestSettleBalanceDue(t *testing.T) {
	env := newEnv(t)
	in := settleInput(order.PayCard, 0)
	in.BalanceDue = 690
	expectFact(env, order.EntryBalanceDue, 690)
	env.OnWorkflow(workflows.ProcCollectPayment, mock.Anything, mock.MatchedBy(func(in workflows.CollectPaymentInput) bool {
		return in.BalanceDue == 690 && in.Mode == activities.CollectLink
	})).Return(workflows.CollectPaymentResult{}, nil).Once()

	env.ExecuteWorkflow(workflows.SettleDifference, in)
	require.NoError(t, env.GetWorkflowError())
	var res workflows.SettleResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeBalanceDue, res.Outcome)
	require.Equal(t, int64(690), res.BalanceDue)
}

func TestMailChequeAsksAgainUntilTheCustomersChequeIsRecorded(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 20}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskChequeMailed && len(in.Question) > 0 && in.Key == "default-test-workflow-id/task/mailed-2"
	})).Return(activities.TaskRef{ID: 21}, nil).Once()
	var noNumber, first, second error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 20, Outcome: workflows.AnswerChequeMailed, Agent: "luc@boutique.fr"}, &noNumber)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 20, Outcome: workflows.AnswerChequeMailed, Reference: "0000123", Agent: "luc@boutique.fr"}, &first)
	answer(env, time.Hour, workflows.TaskAnswer{TaskID: 21, Outcome: workflows.AnswerChequeMailed, Reference: "0000124", Agent: "luc@boutique.fr"}, &second)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Twice()
	env.OnActivity(money.RecordChequeMailed, mock.Anything, mock.MatchedBy(func(in activities.MailedInput) bool { return in.ChequeNumber == "0000123" })).Return(
		temporal.NewNonRetryableApplicationError("refund exceeds what was paid", activities.ErrTypeRefundTooLarge, nil)).Once()
	env.OnActivity(money.RecordChequeMailed, mock.Anything, mock.MatchedBy(func(in activities.MailedInput) bool { return in.ChequeNumber == "0000124" })).Return(nil).Once()

	env.ExecuteWorkflow(workflows.MailCheque, workflows.MailChequeInput{OrderNumber: "C-2026-000101", RefundKey: "k", Amount: 1250, Currency: "EUR", Address: home})

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, noNumber, "reference")
	var number string
	require.NoError(t, env.GetWorkflowResult(&number))
	require.Equal(t, "0000124", number)
}
