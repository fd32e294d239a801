package workflows_test

import (
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

func fulfilInput(notify bool) workflows.FulfilInput {
	return workflows.FulfilInput{
		OrderNumber: "C-2026-000101", RequestID: "r1", Agent: "marie@boutique.fr",
		Request: order.FulfilRequest{Ship: []order.LineQuantity{{LineID: 1, Quantity: 1}}, Carrier: "Colissimo", Tracking: "6A1", Notify: notify},
		Lean:    true,
	}
}

// oneMugShipped is the record step's result: one mug of two shipped.
func oneMugShipped() activities.FulfilOutput {
	one := mug
	one.Quantity = 1
	return activities.FulfilOutput{Result: order.FulfilResult{
		Shipped: []order.Line{one}, LeftToShip: []order.Line{one}, Before: order.StatusPaid, Status: order.StatusPartiallyShipped,
		Logistics: order.LogisticsPrepared, Carrier: "Colissimo", Tracking: "6A1",
	}}
}

func TestFulfilRecordsTheShipmentAndEmailsTheCustomer(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.RecordFulfil, mock.Anything, mock.MatchedBy(func(in activities.FulfilInput) bool {
		return in.Actor.Agent == "marie@boutique.fr" && in.Request.Carrier == "Colissimo" && len(in.Request.Ship) == 1
	})).Return(oneMugShipped(), nil).Once()
	env.OnActivity(emails.QueueShippedEmail, mock.Anything, mock.MatchedBy(func(in activities.ShippedEmailInput) bool {
		return in.Result.Carrier == "Colissimo" && len(in.Result.LeftToShip) == 1 && in.Key == in.Actor.WorkflowID+"/email"
	})).Return(activities.EmailRef{ID: 7}, nil).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, activities.EmailRef{ID: 7}).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ProcFulfil, fulfilInput(true))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.FulfilResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, order.StatusPartiallyShipped, res.Result.Status)
	require.Equal(t, int64(7), res.EmailID)
	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var st workflows.State
	require.NoError(t, v.Get(&st))
	require.True(t, st.Done)
	require.Len(t, st.Steps, 2)
	require.Equal(t, "Marquer les articles comme expédiés", st.Steps[0].Label)
	require.Equal(t, workflows.StepDone, st.Steps[0].Status)
	require.Equal(t, "Expédié par Colissimo (6A1) : 1 × Mug Tour Eiffel (MUG-01)", st.Steps[0].Detail)
	require.Equal(t, workflows.StepDone, st.Steps[1].Status)
}

func TestFulfilWithoutEmail(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.RecordFulfil, mock.Anything, mock.Anything).Return(oneMugShipped(), nil).Once()

	env.ExecuteWorkflow(workflows.ProcFulfil, fulfilInput(false))

	require.NoError(t, env.GetWorkflowError())
	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var st workflows.State
	require.NoError(t, v.Get(&st))
	require.Len(t, st.Steps, 2)
	require.Equal(t, workflows.StepSkipped, st.Steps[1].Status)
	require.Equal(t, "E-mail non envoyé, à la demande de marie@boutique.fr", st.Steps[1].Detail)
}

func TestFulfilRefusedSendsNothing(t *testing.T) {
	env := newEnv(t)
	refused := temporal.NewNonRetryableApplicationError("ship[0]: quantity 3 for MUG-01 is above the 1 left to ship",
		activities.ErrTypeInvalidInput, nil)
	env.OnActivity(orders.RecordFulfil, mock.Anything, mock.Anything).Return(activities.FulfilOutput{}, refused).Once()

	env.ExecuteWorkflow(workflows.ProcFulfil, fulfilInput(true))

	require.Error(t, env.GetWorkflowError())
	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var st workflows.State
	require.NoError(t, v.Get(&st))
	require.Len(t, st.Steps, 1, "no email step after a refusal")
	require.Equal(t, workflows.StepFailed, st.Steps[0].Status)
	require.Contains(t, st.Error, "MUG-01")
}
