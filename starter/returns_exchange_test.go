package starter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

func TestAnExchangesItemsAreShippedByTheWarehouseAndTheCheaperOnesDifferenceRefunded(t *testing.T) {
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := shipWhole(t, s.store, insertCardOrder(t, s.store, "C-2026-000994", order.LogisticsAwaitingPrinting))
	tee := o.Lines[1] // 25 €
	polo := order.Line{SKU: "POLO-M", Name: "Polo Lyon M", UnitPrice: 2200, Quantity: 1, VATRate: 2000, Physical: true}
	run, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: o.Number, RequestID: "x1", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: tee.ID, Quantity: 1}}, Reason: order.ReturnWrongItem,
			Resolution: order.ReturnExchange, Exchange: []order.Line{polo}}})
	require.NoError(t, err)
	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: run.Number, ParcelID: "6A-RET-994", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
	var res workflows.ReturnResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.ReturnExchanged, res.Status)
	require.Equal(t, int64(300), res.Settlement.Refund, "a 22 € polo for a 25 € T-shirt: 3 € back")
	require.Len(t, sb.Refunds(), 1)
	require.Equal(t, int64(300), sb.Refunds()[0].Amount)

	// The polo is in the order, for the warehouse to print and ship.
	now, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	l, ok := now.LineBySKU("POLO-M")
	require.True(t, ok, "the polo joins the order")
	require.Equal(t, int64(1), l.Shippable())
	require.Equal(t, order.LogisticsAwaitingPrinting, now.Logistics)
	require.Equal(t, order.StatusPartiallyShipped, now.Status)
	require.Equal(t, []order.LineQuantity{{LineID: l.ID, Quantity: 1}}, order.DefaultShip(now), "only the polo is left to ship")

	ship, err := s.starter.Fulfil(ctx, starter.FulfilRequest{OrderNumber: o.Number, RequestID: "ship-polo", Agent: "entrepot@boutique.fr",
		Ship: order.DefaultShip(now), Carrier: "Colissimo", Tracking: "6A-POLO-994"})
	require.NoError(t, err)
	require.NoError(t, s.starter.Result(ctx, ship.WorkflowID, nil))
	shipped, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusShipped, shipped.Status)

	// Nothing owed either way: the T-shirt's 25 € cover the polo's 22 €,
	// and the 3 € went back.
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Zero(t, pos.Due)
	require.Zero(t, pos.Overpayment)
}
