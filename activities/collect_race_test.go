package activities_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
)

// TestInvoiceStepAndAgentClickAtOnceMakeOneInvoice: an agent clicks
// « Créer une facture » while the collect-payment procedure issues the
// invoice of the same order. Whoever commits first makes the invoice; the
// procedure takes the agent's invoice instead of failing on it, and the
// order ends with exactly one invoice. The two calls start together for 60
// orders, so the agent's insert lands between the procedure's read and its
// insert on some of them (the window the procedure must close).
func TestInvoiceStepAndAgentClickAtOnceMakeOneInvoice(t *testing.T) {
	t.Parallel()
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	c := &activities.Collect{Store: st, Shop: testShop}
	const orders = 60
	agentFirst := 0
	for i := range orders {
		o := cardOrderNumbered(t, st, fmt.Sprintf("C-2026-%06d", 700+i))
		wf := "collect-payment/" + o.Number + "/race"
		var wg sync.WaitGroup
		start := make(chan struct{})
		var ref activities.InvoiceRef
		var procErr, agentErr error
		var agentInv store.Invoice
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			ref, procErr = c.IssueInvoice(ctx, activities.IssueInvoiceInput{
				OrderNumber: o.Number, Actor: activities.Actor{WorkflowID: wf}, Key: wf + "/invoice",
			})
		}()
		go func() {
			defer wg.Done()
			<-start
			agentInv, agentErr = st.CreateInvoice(ctx, store.InvoiceRequest{Key: "agent-click-" + o.Number, OrderNumber: o.Number, Seller: c.Shop.Seller})
		}()
		close(start)
		wg.Wait()

		require.NoError(t, procErr, "order %s: the procedure's invoice step failed on the agent's invoice", o.Number)
		if agentErr != nil {
			require.ErrorIs(t, agentErr, store.ErrInvoiceExists, "order %s: the agent's click", o.Number)
		} else {
			require.Equal(t, agentInv.Number, ref.Number, "order %s: the procedure did not take the agent's invoice", o.Number)
			agentFirst++
		}
		invs, err := st.ListInvoices(ctx, o.ID)
		require.NoError(t, err)
		require.Len(t, invs, 1, "order %s: invoices", o.Number)
		require.Equal(t, invs[0].Number, ref.Number, "order %s: the procedure reports another invoice than the order's", o.Number)
	}
	t.Logf("%d of %d orders were invoiced by the agent's click first", agentFirst, orders)
}
