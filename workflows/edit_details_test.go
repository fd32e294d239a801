package workflows_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// detailsOrder is 2 mugs (25,00 €) + 6,90 € shipping, paid 31,90 € by card.
func detailsOrder() order.Order {
	o := order.Order{Number: "C-2026-000101", Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting,
		PaymentMethod: order.PayCard, Currency: "EUR", ShippingFee: 690,
		ShippingRules: order.ShippingRules{Method: "Colissimo", Fee: 690, VATRate: 2000},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "3 rue des Lila", PostalCode: "35000", City: "Rennes", Country: "FR"},
		Lines:         []order.Line{mug}}
	o.Totals = order.Reprice(o)
	return o
}

// detailsEdited is what the EditDetails activity returns for edit on detailsOrder,
// computed by the domain code.
func detailsEdited(t *testing.T, edit order.DetailsEdit, paid int64) activities.DetailsOutput {
	o := detailsOrder()
	res, err := order.ApplyDetails(o, order.DetailsOf(o), edit)
	require.NoError(t, err)
	out := activities.DetailsOutput{Result: res, Currency: "EUR", Method: o.PaymentMethod, Delivery: res.After.Delivery}
	if res.MoneyChanged() {
		out.Settlement = order.Settle(paid, res.TotalsAfter.Total)
	}
	return out
}

func detailsInput(edit order.DetailsEdit) workflows.EditDetailsInput {
	return workflows.EditDetailsInput{OrderNumber: "C-2026-000101", RequestID: "r1", Agent: "marie@boutique.fr", Channel: order.ContactEmail, Edit: edit, Settings: workflows.Settings{Lean: true}}
}

func TestEditDetailsAddressOnly(t *testing.T) {
	env := newEnv(t)
	d := detailsOrder().Delivery
	d.Line1 = "3 rue des Lilas"
	edit := order.DetailsEdit{Delivery: &d}
	env.OnActivity(orders.EditDetails, mock.Anything, mock.MatchedBy(func(in activities.DetailsInput) bool {
		return in.Channel == order.ContactEmail && in.Actor.Agent == "marie@boutique.fr" &&
			in.Actor.WorkflowID != "" && in.Edit.Delivery != nil && in.Edit.Delivery.Line1 == "3 rue des Lilas"
	})).Return(detailsEdited(t, edit, 3190), nil).Once()
	// No settlement child and no email are expected: the mocks would fail the test.

	env.ExecuteWorkflow(workflows.ProcEditDetails, detailsInput(edit))

	require.NoError(t, env.GetWorkflowError())
	var res workflows.EditDetailsResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeNone, res.Outcome)
	require.Zero(t, res.Refund)
	require.Equal(t, int64(3190), res.Result.TotalsAfter.Total)
	st := detailsState(t, env)
	require.True(t, st.Done)
	require.Len(t, st.Steps, 1)
	require.Equal(t, "Modifié : adresse de livraison", st.Steps[0].Detail)
}

func TestEditDetailsLowerFeeRefundsThroughTheSettleChild(t *testing.T) {
	env := newEnv(t)
	fee := int64(490)
	edit := order.DetailsEdit{ShippingFee: &fee}
	in := detailsInput(edit)
	in.Lean = false // started before lean procedures: settled in a child
	in.Notify = true
	env.OnActivity(orders.EditDetails, mock.Anything, mock.Anything).Return(detailsEdited(t, edit, 3190), nil).Once()
	env.OnWorkflow(workflows.ProcSettleDifference, mock.Anything, mock.MatchedBy(func(in workflows.SettleInput) bool {
		return in.Refund == 200 && in.BalanceDue == 0 && in.Method == order.PayCard && in.Agent == "marie@boutique.fr"
	})).Return(workflows.SettleResult{Outcome: activities.OutcomeRefunded, Amount: 200, ProviderRef: "re_7"}, nil).Once()
	env.OnActivity(emails.QueueDetailsEmail, mock.Anything, mock.MatchedBy(func(in activities.DetailsEmailInput) bool {
		return in.Outcome == activities.OutcomeRefunded && in.Refund == 200 && in.ProviderRef == "re_7" &&
			in.Result.TotalsAfter.Total == 2990 && in.Key == "edit-details/C-2026-000101/r1/email"
	})).Return(activities.EmailRef{ID: 4}, nil).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, activities.EmailRef{ID: 4}).Return(nil).Once()

	env.SetStartWorkflowOptions(detailsStartOptions("edit-details/C-2026-000101/r1"))
	env.ExecuteWorkflow(workflows.ProcEditDetails, in)

	require.NoError(t, env.GetWorkflowError())
	var res workflows.EditDetailsResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, int64(200), res.Refund)
	require.Equal(t, int64(2990), res.Result.TotalsAfter.Total)
	require.Equal(t, int64(4), res.EmailID)
	st := detailsState(t, env)
	require.Equal(t, "Modifié : frais de port ; nouveau total 29,90\u00a0€", st.Steps[0].Detail)
	require.Equal(t, "settle", st.Steps[1].Name)
}

func TestEditDetailsRefusedWritesNothingMore(t *testing.T) {
	env := newEnv(t)
	d := order.Address{Name: "Camille Martin", Line1: "1 quai", PostalCode: "44000", City: "Nantes"}
	refusal := temporal.NewNonRetryableApplicationError(
		"delivery_address: order C-2026-000101 has already been shipped (in part or in full): the delivery address can no longer change",
		activities.ErrTypeInvalidInput, nil)
	env.OnActivity(orders.EditDetails, mock.Anything, mock.Anything).Return(activities.DetailsOutput{}, refusal).Once()

	env.ExecuteWorkflow(workflows.ProcEditDetails, detailsInput(order.DetailsEdit{Delivery: &d}))

	err := env.GetWorkflowError()
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app), "error %v", err)
	require.Equal(t, activities.ErrTypeInvalidInput, app.Type())
	st := detailsState(t, env)
	require.Equal(t, workflows.StepFailed, st.Steps[0].Status)
	require.Contains(t, st.Error, "delivery_address")
	require.Contains(t, st.Error, "already been shipped")
	require.Len(t, st.Steps, 1)
}

// detailsState reads the procedure's status query after it ran.
func detailsState(t *testing.T, env *testsuite.TestWorkflowEnvironment) workflows.State {
	t.Helper()
	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var st workflows.State
	require.NoError(t, v.Get(&st))
	return st
}

func detailsStartOptions(id string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: id}
}
