package starter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// shipWhole ships every line of the order as the warehouse would.
func shipWhole(t *testing.T, st *store.Store, o order.Order) order.Order {
	t.Helper()
	var ship []order.LineQuantity
	for _, l := range o.Lines {
		ship = append(ship, order.LineQuantity{LineID: l.ID, Quantity: l.Quantity})
	}
	_, err := st.SaveFulfil(context.Background(), o.Number, order.FulfilRequest{Ship: ship, Carrier: "Colissimo"},
		store.Event{ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: "ship/" + o.Number})
	require.NoError(t, err)
	got, err := st.GetOrder(context.Background(), o.Number)
	require.NoError(t, err)
	return got
}

func TestAFullWithdrawalIsRefundedOnceThroughTheProvider(t *testing.T) {
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := shipWhole(t, s.store, insertCardOrder(t, s.store, "C-2026-000991", order.LogisticsAwaitingPrinting))
	var lines []order.ReturnLine
	for _, l := range o.Lines {
		lines = append(lines, order.ReturnLine{LineID: l.ID, Quantity: l.Quantity})
	}
	req := starter.ReturnRequest{OrderNumber: o.Number, RequestID: "w1", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: lines, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}}

	// Bad input is refused naming the field, and nothing is started.
	bad := req
	bad.RequestID, bad.Request.Lines = "bad", []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 99}}
	_, err := s.starter.StartReturn(ctx, bad)
	var fe *order.FieldError
	require.True(t, errors.As(err, &fe), "%v", err)
	require.Equal(t, "lines[0].quantity", fe.Field)
	unknown := req
	unknown.OrderNumber = "C-2026-999999"
	_, err = s.starter.StartReturn(ctx, unknown)
	require.ErrorIs(t, err, starter.ErrNotFound)

	run, err := s.starter.StartReturn(ctx, req)
	require.NoError(t, err)
	require.NotEmpty(t, run.Number)
	again, err := s.starter.StartReturn(ctx, req)
	require.NoError(t, err)
	require.True(t, again.Existing)
	require.Equal(t, run.Number, again.Number)

	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: "R-1999-000001", ParcelID: "p"})
	require.True(t, errors.As(err, &fe) && fe.Field == "return", "%v", err)

	// The parcel arrives, and is scanned twice.
	for range 2 {
		_, err := s.starter.Receive(ctx, starter.ReceiveRequest{Return: run.Number, ParcelID: "6A-RET-991", Agent: "luc@boutique.fr"})
		require.NoError(t, err)
	}
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskInspectReturn, task.Kind)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
	var res workflows.ReturnResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	recordHistory(t, s.client, run.WorkflowID, "return_withdrawal_refunded")
	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: "6A-RET-991", ParcelID: "6A-RET-991"})
	require.NoError(t, err, "the same parcel once more, after the end, changes nothing")

	require.Equal(t, o.Totals.Total, res.Settlement.Refund, "everything back, the delivery too")
	r, err := s.store.GetReturn(ctx, run.Number)
	require.NoError(t, err)
	require.Equal(t, store.ReturnRefunded, r.Status)
	require.NotNil(t, r.ParcelID)
	paid, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Zero(t, paid, "refunded once: nothing paid is left")
}

// An invoiced order that held more than it bills (an item cancelled
// without a refund) and then comes back whole: the return pays back all
// the customer's money, its credit note credits the items that came back,
// and the rest of the invoice is credited too: the books bill nothing for
// an order whose customer kept nothing and paid nothing.
func TestAReturnThatAlsoPaysBackAnOverpaymentLeavesNothingBilled(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000993", order.LogisticsAwaitingPrinting) // 2 mugs and a T-shirt, paid
	invoiceAsAgent(t, s.store, o)

	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "tshirt", Agent: "marie@boutique.fr", Cancel: []order.LineQuantity{{LineID: o.Lines[1].ID, Quantity: 1}},
	})
	require.NoError(t, err)
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, nil))
	o, err = s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2500), pos.Overpayment, "the T-shirt's money is still the customer's")

	_, err = s.store.SaveFulfil(ctx, o.Number, order.FulfilRequest{Ship: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 2}}, Carrier: "Colissimo"},
		store.Event{ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: "ship/" + o.Number})
	require.NoError(t, err)
	ret, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: o.Number, RequestID: "w1", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 2}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
	require.NoError(t, err)
	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: ret.Number, ParcelID: "6A-RET-993", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	task := waitForTask(t, s, ret.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
	require.NoError(t, s.starter.Result(ctx, ret.WorkflowID, nil))

	pos, err = s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Zero(t, pos.PaidNet, "all the customer's money went back")
	require.Zero(t, pos.Billed())
	require.Zero(t, order.VATGross(invoicedNet(t, s.store, o.ID)), "the books bill nothing")
}
