package activities_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// The steps of a collection whose order changed, each run twice: what is
// due is read with one line of history; a collection closed with nothing
// due cancels the unpaid part of its invoice with one credit note and
// leaves the order's status alone.
func TestCollectionOfAChangedOrderIsSafeToRunTwice(t *testing.T) {
	t.Parallel()
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	o := cardOrderNumbered(t, st, "C-2026-000520")
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestActivityEnvironment()
	collect := &activities.Collect{Store: st, Shop: testShop}
	env.RegisterActivity(collect)
	actor := activities.Actor{WorkflowID: "collect-payment/" + o.Number + "/r1", Agent: "marie@boutique.fr"}

	// Paid in full: nothing left to pay.
	in := activities.RereadDueInput{OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/order-changed/m1", By: "modify-content/" + o.Number + "/m1"}
	d1, d2 := twice[activities.RereadDueOutput](t, env, collect.RereadDue, in)
	require.Equal(t, d1, d2)
	require.Equal(t, activities.RereadDueOutput{Total: o.Totals.Total, PaidNet: o.Totals.Total, Balance: 0, Currency: "EUR"}, d1)

	// The collection's invoice is of the whole order; 5 € of it were then
	// given back as a commercial gesture: the order bills 5 € less.
	inv, err := collect.IssueInvoice(ctx, activities.IssueInvoiceInput{OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/invoice"})
	require.NoError(t, err)
	gesture := "modify-content/" + o.Number + "/m1/settle"
	require.NoError(t, st.AddLedgerEntry(ctx, store.LedgerEntry{OrderID: o.ID, Kind: order.EntryGesture, Amount: 500, Currency: "EUR", Key: gesture + "/gesture", Ref: gesture}))
	_, err = st.CreateRefund(ctx, store.Refund{OrderID: o.ID, IdempotencyKey: gesture + "/refund",
		Amount: 500, Method: string(order.PayCard), Status: store.RefundSucceeded, WorkflowID: "modify-content/" + o.Number + "/m1"})
	require.NoError(t, err)
	c1, c2 := twice[activities.CancelUnpaidOutput](t, env, collect.CancelUnpaid, activities.CancelUnpaidInput{
		OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/nothing-due", Invoice: inv.Number, Reason: "plus rien à payer", NothingDue: true,
	})
	require.Equal(t, c1, c2)
	require.NotEmpty(t, c1.CreditNote)
	require.False(t, c1.Cancelled)
	notes, err := st.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1)
	require.Equal(t, int64(500), notes[0].Total, "what the order still bills stays invoiced: only the 5 € given back are credited")
	got, err := st.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusPaid, got.Status, "the order stays as the change left it")
	events, err := st.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	count := map[string]int{}
	for _, e := range events {
		count[e.Kind]++
	}
	require.Equal(t, 1, count["collection_amount_changed"])
	require.Equal(t, 1, count["collection_closed"])
}
