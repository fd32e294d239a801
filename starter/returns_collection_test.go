package starter_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// A return accepted while a payment collection chases the order's balance
// is money the order no longer asks for: the collection learns it, and
// asks the customer only for what the returned items do not cover.
func TestAReturnLowersTheBalanceItsCollectionAsksFor(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000996", order.LogisticsAwaitingPrinting)

	// Two mugs at 30 € instead of 12,50 €: 35 € more than the 50 € paid,
	// which a collection asks for.
	price := int64(3000)
	run, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "dearer", Agent: "marie@boutique.fr", Channel: order.ContactEmail,
		Change: order.ContentChange{Edits: []order.LineEdit{{LineID: o.Lines[0].ID, UnitPrice: &price}}},
	})
	require.NoError(t, err)
	var changed workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &changed))
	require.Equal(t, activities.OutcomeBalanceDue, changed.Outcome)
	collect := run.WorkflowID + "/settle/collect"
	due := func() (workflows.CollectionState, bool) {
		var c workflows.CollectionState
		v, err := s.client.QueryWorkflow(ctx, collect, "", workflows.QueryCollection)
		return c, err == nil && v.Get(&c) == nil
	}
	require.Eventually(t, func() bool { c, ok := due(); return ok && c.Waiting && c.Balance == 3500 }, 10*time.Second, 50*time.Millisecond)

	// The order ships; one mug (30 €) comes back and is accepted: with
	// the customer's 50 €, it covers 80 € of the 85 € order. Nothing goes
	// back; 5 € are still due.
	o, err = s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	o = shipWhole(t, s.store, o)
	ret, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: o.Number, RequestID: "one-mug", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 1}}, Reason: order.ReturnWrongItem, Resolution: order.ReturnRefund}})
	require.NoError(t, err)
	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: ret.Number, ParcelID: "6A-RET-996", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	task := waitForTask(t, s, ret.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
	var returned workflows.ReturnResult
	require.NoError(t, s.starter.Result(ctx, ret.WorkflowID, &returned))
	require.Zero(t, returned.Settlement.Refund)

	// The collection asks for the 5 € left, not the 35 €.
	var last workflows.CollectionState
	require.Eventually(t, func() bool {
		c, ok := due()
		last = c
		return ok && c.Balance == 500
	}, 15*time.Second, 100*time.Millisecond, "the collection should ask for the 5 € the returned mug leaves due")
	require.True(t, last.Waiting)
	require.NoError(t, s.client.CancelWorkflow(ctx, collect, ""))
}
