package activities_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/store"
)

// A gesture on an invoiced order, refunded by the provider whose answer
// was lost, its procedure then stopped before its credit note: the
// compensation finds the refund at the provider, records it, and credits
// the gesture, so the books bill the order less what was given back.
func TestARefundFoundByTheCompensationSquaresTheBooks(t *testing.T) {
	t.Parallel()
	f := newReconcileFixture(t)
	ctx := context.Background()
	o := cardOrderNumbered(t, f.st, "C-2026-000522") // 52 € paid by card
	_, err := f.st.CreateInvoice(ctx, store.InvoiceRequest{Key: "agent/" + o.Number + "/r1", OrderNumber: o.Number, Seller: testShop.Seller})
	require.NoError(t, err)
	money := &activities.Money{Store: f.st, Gateways: f.reg, Shop: testShop}
	orders := &activities.Orders{Store: f.st, Shop: testShop}
	actor := activities.Actor{WorkflowID: "cancel-refund/" + o.Number + "/g1", Agent: "marie@boutique.fr"}
	key := actor.WorkflowID + "/settle/refund"

	require.NoError(t, money.RecordFact(ctx, activities.FactInput{OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/settle/gesture", Kind: order.EntryGesture, Amount: 1200, Ref: actor.WorkflowID + "/settle/", Note: "geste commercial"}))
	require.NoError(t, orders.ReserveRefund(ctx, activities.RefundInput{OrderNumber: o.Number, Actor: actor, Key: key, Amount: 1200, Method: order.PayCard, Status: "pending"}))
	f.sb.SetFaults(sandbox.Faults{DropNext: 1})
	_, err = money.RefundThroughGateway(ctx, activities.GatewayRefundInput{OrderNumber: o.Number, Actor: actor, Key: key, Method: order.PayCard})
	require.Error(t, err, "the provider's answer is lost")
	require.Len(t, f.sb.Refunds(), 1, "the provider made the refund")

	for range 2 { // run twice, as after a worker died before it reported
		res, err := money.ResolveRefund(ctx, activities.ResolveInput{OrderNumber: o.Number, Actor: actor, Key: key, Method: order.PayCard, Cause: "procédure annulée"})
		require.NoError(t, err)
		require.Equal(t, store.RefundSucceeded, res.Status)
	}
	notes, err := f.st.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1, "the gesture is credited")
	require.Equal(t, int64(1200), notes[0].Total)
}
