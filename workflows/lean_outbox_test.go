package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// latest is the input of a procedure the starter starts today: lean, in
// the latest revision of the lean shape.
func latest(in workflows.ModifyContentInput) workflows.ModifyContentInput {
	in.Lean, in.LeanRevision = true, workflows.LeanLatest
	return in
}

// A card refund the provider makes at once: asked inside the workflow
// task, recorded, the email written for the outbox sender; no step of the
// procedure waits for the mail provider.
//
// Steps that always follow each other are one step each: the hold with
// the change, the refund's record with its credit note, the email with
// the release of the hold; an order that never had a payment collection
// has none to tell. Five steps where there were ten.
func TestModifyContentLatestRefundsAtOnceAndLeavesTheEmailToTheSender(t *testing.T) {
	env := newEnv(t)
	untouched := changed(3190, order.PayCard)
	untouched.NoCollection = true
	env.OnActivity(orders.HoldAndChangeContent, mock.Anything, mock.Anything).Return(untouched, nil).Once()
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool {
		return !in.Tried && in.Key == "default-test-workflow-id/settle/refund"
	})).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_1"}, nil).Once()
	env.OnActivity(collect.SettleRefundCredited, mock.Anything, refundWith("succeeded")).Return(activities.CreditNoteRef{Number: "AV-1"}, nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.BySender && in.Outcome == activities.OutcomeRefunded && in.ProviderRef == "re_1" &&
			in.Release != nil && in.Release.Actor.WorkflowID == "default-test-workflow-id"
	})).Return(activities.EmailRef{ID: 3}, nil).Once()
	steps := 0
	env.SetOnLocalActivityStartedListener(func(*activity.Info, context.Context, []any) { steps++ })

	env.ExecuteWorkflow(workflows.ModifyContent, latest(input()))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.ModifyContentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, "AV-1", res.Settlement.CreditNote)
	require.Equal(t, int64(3), res.EmailID)
	require.Equal(t, 5, steps, "steps run")
	st := status(t, env)
	require.True(t, st.Done)
	require.Equal(t, workflows.StepDone, st.Steps[len(st.Steps)-1].Status, "the release, last")
}

// An order that had a payment collection: it is told of the reserved
// refund and of the new total, as before.
func TestModifyContentLatestTellsTheCollectionOfAnOrderThatHadOne(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.HoldAndChangeContent, mock.Anything, mock.Anything).Return(changed(3190, order.PayCard), nil).Once()
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).
		Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_1"}, nil).Once()
	env.OnActivity(collect.SettleRefundCredited, mock.Anything, refundWith("succeeded")).Return(activities.CreditNoteRef{}, nil).Once()
	env.OnActivity(collect.TellCollection, mock.Anything, mock.Anything).Return([]string{"collect-1"}, nil).Twice()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.Anything).Return(activities.EmailRef{ID: 3}, nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, latest(input()))

	require.NoError(t, env.GetWorkflowError())
}

// A hold refused (the warehouse printed the order meanwhile): nothing
// changed, nothing to release, the hold's step says why.
func TestModifyContentLatestRefusedHoldChangesNothing(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.HoldAndChangeContent, mock.Anything, mock.Anything).Return(activities.ContentOutput{},
		temporal.NewNonRetryableApplicationError("order C-1 is being printed", activities.ErrTypeHoldRefused, nil)).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, latest(input()))

	require.Error(t, env.GetWorkflowError())
	st := status(t, env)
	require.Len(t, st.Steps, 1)
	require.Equal(t, "hold", st.Steps[0].Name)
	require.Equal(t, workflows.StepFailed, st.Steps[0].Status)
}

// A provider that fails the first try (an outage, an answer lost): the
// refund goes to the regular step, retried by the server with the same
// key, which knows an earlier try may have reached the provider.
func TestModifyContentLatestLeavesAFailedFirstTryToTheRetriedStep(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.HoldAndChangeContent, mock.Anything, mock.Anything).Return(changed(3190, order.PayCard), nil).Once()
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool { return !in.Tried })).
		Return(activities.GatewayOutcome{}, errors.New("stripe: 503 Service Unavailable")).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool {
		return in.Tried && in.Key == "default-test-workflow-id/settle/refund" && in.Stuck != nil
	})).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_2"}, nil).Once()
	env.OnActivity(collect.SettleRefundCredited, mock.Anything, refundWith("succeeded")).Return(activities.CreditNoteRef{}, nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.BySender && in.ProviderRef == "re_2"
	})).Return(activities.EmailRef{ID: 4}, nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, latest(input()))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.ModifyContentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, "re_2", res.Settlement.ProviderRef)
}

// A refund made by an agent's hand, at the latest revision: the refund's
// record closes the agent's task, with its credit note, in one step, so
// the answer's workflow task runs one step fewer; no step closes the task
// on its own.
func TestModifyContentLatestRecordsARefundByHandWithItsTask(t *testing.T) {
	env := newEnv(t)
	untouched := changed(3190, order.PayPayPal)
	untouched.NoCollection = true
	env.OnActivity(orders.HoldAndChangeContent, mock.Anything, mock.Anything).Return(untouched, nil).Once()
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewayUnsupported}, nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 7}, nil).Once()
	var refused error
	answer(env, time.Minute, workflows.TaskAnswer{TaskID: 7, Outcome: workflows.AnswerRefundDone, ProviderRef: "PP-9", Agent: "luc@boutique.fr"}, &refused)
	env.OnActivity(collect.SettleRefundCredited, mock.Anything, mock.MatchedBy(func(in activities.RefundInput) bool {
		return in.Status == "succeeded" && in.ProviderRef == "PP-9" && in.Actor.Agent == "luc@boutique.fr" &&
			in.Close != nil && in.Close.Status == "answered" && in.Close.By == "luc@boutique.fr" &&
			in.Close.Key == "default-test-workflow-id/task/refund"
	})).Return(activities.CreditNoteRef{}, nil).Once()
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.Anything).Return(activities.EmailRef{ID: 5}, nil).Once()
	closes := 0
	env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		if info.ActivityType.Name == "CloseTask" {
			closes++
		}
	})

	env.ExecuteWorkflow(workflows.ModifyContent, latest(input()))

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, refused)
	require.Zero(t, closes, "a step of its own closed the task")
	st := status(t, env)
	require.Nil(t, st.Task, "the task still shows as open")
}
