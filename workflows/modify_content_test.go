package workflows_test

import (
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

// mug is a card-paid order line: 2 mugs at 12,50 €.
var mug = order.Line{ID: 1, SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}

func input() workflows.ModifyContentInput {
	return workflows.ModifyContentInput{
		OrderNumber: "C-2026-000101", RequestID: "r1", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Change:   order.ContentChange{Quantities: []order.LineQuantity{{LineID: 1, Quantity: 1}}, RecalcShipping: true},
		Settings: workflows.Settings{Lean: true},
	}
}

// changed is what ApplyContentChange returns when one mug of two is
// removed from an order paid 31,90 € (25 € + 6,90 € shipping): 12,50 € to refund.
func changed(paid int64, method order.PaymentMethod) activities.ContentOutput {
	before := order.Price([]order.Line{mug}, order.Discount{}, 690, 2000)
	one := mug
	one.Quantity = 1
	after := order.Price([]order.Line{one}, order.Discount{}, 690, 2000)
	return activities.ContentOutput{
		Result: order.ContentResult{
			Before: before, After: after, Lines: []order.Line{one}, Removed: []order.Line{one},
			Shipping: order.ShippingChange{Before: 690, After: 690},
		},
		Settlement: order.SettleChange(method, order.PaidOnly(paid), before.Total, after.Total),
		Currency:   "EUR",
		Method:     method,
	}
}

func TestModifyContentSettlesThroughTheChildAndTellsTheCustomer(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.MatchedBy(func(in activities.ContentInput) bool {
		return in.Channel == order.ContactPhone && in.Actor.Agent == "marie@boutique.fr" && in.Change.RecalcShipping
	})).Return(changed(3190, order.PayCard), nil).Once()
	env.OnWorkflow(workflows.ProcSettleDifference, mock.Anything, mock.MatchedBy(func(in workflows.SettleInput) bool {
		return in.Refund == 1250 && in.Method == order.PayCard && in.Agent == "marie@boutique.fr"
	})).Return(workflows.SettleResult{Outcome: activities.OutcomeRefunded, Amount: 1250, ProviderRef: "re_1"}, nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.Outcome == activities.OutcomeRefunded && in.Refund == 1250 && in.NewTotal == 1940 && in.ProviderRef == "re_1" && len(in.Removed) == 1
	})).Return(activities.EmailRef{ID: 3}, nil).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, activities.EmailRef{ID: 3}).Return(nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.MatchedBy(func(in activities.ReleaseInput) bool {
		return in.Outcome == "procédure terminée"
	})).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, startedBeforeLean(input()))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.ModifyContentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, int64(1250), res.Refund)
	require.Equal(t, int64(1940), res.After.Total)
	require.Equal(t, int64(3), res.EmailID)
}

func TestModifyContentEmailReviewedWithANote(t *testing.T) {
	env := newEnv(t)
	in := input()
	in.ReviewEmail = true
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(0, order.PayCard), nil).Once()
	draft := activities.EmailPreview{Subject: "Votre commande C-2026-000101 a été modifiée", Text: "Bonjour", HTML: "<p>Bonjour</p>",
		ToEmail: "camille.martin@example.fr", ToName: "Camille Martin", Locale: "fr", Template: "content_modified"}
	env.OnActivity(emails.PreviewContentEmail, mock.Anything, mock.Anything).Return(draft, nil).Once()
	// The task carries the email as rendered; its question is only a question.
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskReviewEmail && len(in.Options) == 3 &&
			in.Question == workflows.QuestionReviewEmail && in.Email != nil && *in.Email == draft
	})).Return(activities.TaskRef{ID: 9}, nil).Once()
	var noNote, accepted error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 9, Outcome: workflows.AnswerSendWithNote, Agent: "marie@boutique.fr"}, &noNote)
	answer(env, 2*time.Minute, workflows.TaskAnswer{TaskID: 9, Outcome: workflows.AnswerSendWithNote, Note: "Merci de votre fidélité.", Agent: "marie@boutique.fr"}, &accepted)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.AgentNote == "Merci de votre fidélité." && in.Outcome == activities.OutcomeNone
	})).Return(activities.EmailRef{ID: 4}, nil).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, in)

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, noNote, "note")
	require.NoError(t, accepted)
}

func TestModifyContentEmailNotSentWhenTheAgentSaysSo(t *testing.T) {
	env := newEnv(t)
	in := input()
	in.ReviewEmail = true
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(0, order.PayCard), nil).Once()
	env.OnActivity(emails.PreviewContentEmail, mock.Anything, mock.Anything).Return(activities.EmailPreview{Subject: "s", Text: "t"}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 9}, nil).Once()
	var rejected error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 9, Outcome: workflows.AnswerDontSend, Agent: "marie@boutique.fr"}, &rejected)
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, in)

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, rejected)
	// QueueContentEmail has no expectation: writing the email would fail the test.
}

func TestModifyContentCancelledDuringTheSettlementReleasesTheHold(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(3190, order.PayCard), nil).Once()
	env.OnWorkflow(workflows.ProcSettleDifference, mock.Anything, mock.Anything).After(2*time.Hour).Return(workflows.SettleResult{}, nil).Maybe()
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.MatchedBy(func(in activities.ReleaseInput) bool {
		return in.Outcome == "procédure annulée"
	})).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, input())

	var canceled *temporal.CanceledError
	require.True(t, errors.As(env.GetWorkflowError(), &canceled), "got %v", env.GetWorkflowError())
}

func TestModifyContentHoldRefused(t *testing.T) {
	env := newEnv(t)
	refusal := temporal.NewNonRetryableApplicationError(
		`order C-2026-000101 cannot be modified: its logistics status is printing ("En cours d'impression")`, activities.ErrTypeHoldRefused, nil)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, refusal).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, input())

	// The order was never held: nothing to release (ReleaseHold has no expectation), nothing changed.
	err := env.GetWorkflowError()
	require.ErrorContains(t, err, "printing")
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app))
	require.Equal(t, activities.ErrTypeHoldRefused, app.Type())
}

func TestModifyContentReleasesHoldWhenTheChangeFails(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(activities.ContentOutput{},
		temporal.NewNonRetryableApplicationError("quantities[0]: quantity 3 for MUG-01 is above the 2 ordered", activities.ErrTypeInvalidInput, nil)).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.MatchedBy(func(in activities.ReleaseInput) bool {
		return in.Outcome == "procédure en échec"
	})).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, input())

	require.ErrorContains(t, env.GetWorkflowError(), "above the 2 ordered")
}

func TestModifyContentNothingPaidNeedsNoSettlement(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(0, order.PayCard), nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.Outcome == activities.OutcomeNone && in.Refund == 0 && in.NewTotal == 1940
	})).Return(activities.EmailRef{ID: 4}, nil).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, input())

	require.NoError(t, env.GetWorkflowError())
	var res workflows.ModifyContentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeNone, res.Outcome)
}

func TestModifyContentChequeOrderAsksAboutTheChequeForTheDifference(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(0, order.PayCheque), nil).Once()
	env.OnWorkflow(workflows.ProcSettleDifference, mock.Anything, mock.MatchedBy(func(in workflows.SettleInput) bool {
		return in.Method == order.PayCheque && in.ChequeDifference == 1250 && in.Refund == 0
	})).Return(workflows.SettleResult{Outcome: activities.OutcomeChequeReplaced}, nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.Outcome == activities.OutcomeChequeReplaced && in.NewTotal == 1940
	})).Return(activities.EmailRef{ID: 5}, nil).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, startedBeforeLean(input()))

	require.NoError(t, env.GetWorkflowError())
}

func TestModifyContentFreeShippingLostLeavesABalance(t *testing.T) {
	env := newEnv(t)
	out := changed(2500, order.PayCard)
	out.Settlement = order.SettleChange(order.PayCard, order.PaidOnly(2500), out.Result.Before.Total, 3190)
	expectFact(env, order.EntryBalanceDue, 690)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(out, nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.Outcome == activities.OutcomeBalanceDue && in.BalanceDue == 690
	})).Return(activities.EmailRef{ID: 4}, nil).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()

	env.OnWorkflow(workflows.ProcCollectPayment, mock.Anything, mock.MatchedBy(func(in workflows.CollectPaymentInput) bool {
		return in.BalanceDue == 690
	})).Return(workflows.CollectPaymentResult{}, nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, input())

	require.NoError(t, env.GetWorkflowError())
	var res workflows.ModifyContentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, int64(690), res.Settlement.BalanceDue)
}

// startedBeforeLean is the input of a procedure started before lean
// procedures (settlement in a child, regular activities), which still runs
// to its end after an upgrade.
func startedBeforeLean(in workflows.ModifyContentInput) workflows.ModifyContentInput {
	in.Lean = false
	return in
}
