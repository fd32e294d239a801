package workflows_test

import (
	"errors"
	"testing"

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
func TestModifyContentLatestRefundsAtOnceAndLeavesTheEmailToTheSender(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(3190, order.PayCard), nil).Once()
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool {
		return !in.Tried && in.Key == "default-test-workflow-id/settle/refund"
	})).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_1"}, nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("succeeded")).Return(nil).Once()
	expectCreditNote(env, 1250)
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.BySender && in.Outcome == activities.OutcomeRefunded && in.ProviderRef == "re_1"
	})).Return(activities.EmailRef{ID: 3}, nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, latest(input()))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.ModifyContentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, int64(3), res.EmailID)
}

// A provider that fails the first try (an outage, an answer lost): the
// refund goes to the regular step, retried by the server with the same
// key, which knows an earlier try may have reached the provider.
func TestModifyContentLatestLeavesAFailedFirstTryToTheRetriedStep(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
	env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(3190, order.PayCard), nil).Once()
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool { return !in.Tried })).
		Return(activities.GatewayOutcome{}, errors.New("stripe: 503 Service Unavailable")).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.MatchedBy(func(in activities.GatewayRefundInput) bool {
		return in.Tried && in.Key == "default-test-workflow-id/settle/refund" && in.Stuck != nil
	})).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_2"}, nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, refundWith("succeeded")).Return(nil).Once()
	expectCreditNote(env, 1250)
	env.OnActivity(emails.QueueContentEmail, mock.Anything, mock.MatchedBy(func(in activities.ContentEmailInput) bool {
		return in.BySender && in.ProviderRef == "re_2"
	})).Return(activities.EmailRef{ID: 4}, nil).Once()
	env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ModifyContent, latest(input()))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.ModifyContentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, "re_2", res.Settlement.ProviderRef)
}
