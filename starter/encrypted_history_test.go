package starter_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// What a reader of the Temporal Web UI or API without the codec sees of a
// procedure that carries a customer's name, email and addresses (the
// order, the edit, the history lines, the email to the customer): none of
// them in clear, in any event of any workflow, payload, memo, search
// attribute or failure.
func TestHistoriesHoldNoCustomerDataInClear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, reg := provider(t, sandbox.Options{})
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Payments: reg, Shop: activities.Shop{Seller: testSeller}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue})

	// Strings found nowhere else in the tests' histories.
	const (
		oldName   = "Gwenaelle Kerhervec"
		oldEmail  = "gwenaelle.kerhervec@example.fr"
		oldStreet = "7 venelle des Goemoniers"
		newName   = "Gwenaelle Le Kerhervec"
		newEmail  = "g.lekerhervec@example.fr"
		newStreet = "21 rue du Menez Hom"
		newCity   = "Plougastel-Daoulas"
	)
	addr := order.Address{Name: oldName, Line1: oldStreet, PostalCode: "29470", City: "Brest", Country: "FR"}
	o := order.Order{
		Number: "C-2026-000971", Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer: order.Customer{Name: oldName, Email: oldEmail, Locale: "fr"},
		Billing:  addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		ShippingFee:   690,
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}},
	}
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(ctx, o)
	require.NoError(t, err)
	_, err = st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: "card", Amount: o.Totals.Total, Currency: "EUR", Reference: "ch_" + o.Number})
	require.NoError(t, err)

	name, email, fee, notify := newName, newEmail, int64(490), true
	delivery := order.Address{Name: newName, Line1: newStreet, PostalCode: "29470", City: newCity, Country: "FR"}
	run, err := s.EditDetails(ctx, starter.EditDetailsRequest{
		OrderNumber: o.Number, RequestID: "codec", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Edit:   order.DetailsEdit{Name: &name, Email: &email, Delivery: &delivery, ShippingFee: &fee},
		Notify: &notify,
	})
	require.NoError(t, err)
	var res workflows.EditDetailsResult
	require.NoError(t, s.Result(ctx, run.WorkflowID, &res), "the procedure runs with the codec on")
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)

	// The procedure did carry them: the result, read through the codec,
	// has the new details; the email went to the new address.
	after, err := st.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, newEmail, after.Customer.Email)
	emails, err := st.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.NotEmpty(t, emails)
	require.Contains(t, emails[0].BodyHTML, newStreet)

	secrets := []string{oldName, oldEmail, oldStreet, newName, newEmail, newStreet, newCity, "Kerhervec"}
	leaks := devstacktest.HistoryLeaks(t, "", secrets...)
	for _, l := range leaks {
		t.Errorf("in clear in Temporal: %s", l)
	}

	// The check can fail: without the codec, the same strings are found.
	plain := devstacktest.PlainClient(t)
	id := "codec-check-" + t.Name()
	_, err = plain.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: "no-worker-" + t.Name()}, "no-such-workflow", o.Customer)
	require.NoError(t, err)
	t.Cleanup(func() { _ = plain.TerminateWorkflow(ctx, id, "", "the check is done") })
	// Visibility lists a workflow a moment after its start.
	require.Eventually(t, func() bool {
		return len(devstacktest.HistoryLeaks(t, `WorkflowId = "`+id+`"`, oldEmail)) > 0
	}, 15*time.Second, 200*time.Millisecond, "a payload sent without the codec is not found: the check sees nothing")
}
