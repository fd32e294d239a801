package activities_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/store"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }

// countingSender delivers nowhere and counts what it was asked to send.
type countingSender struct {
	mu   sync.Mutex
	sent map[string]int
}

func (c *countingSender) Send(_ context.Context, e mail.Envelope) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[e.Key]++
	return "msg-" + e.Key, nil
}

// twice runs an activity twice with the same input, as Temporal does when a
// worker dies after the activity did its work and before it reported, and
// returns both results.
func twice[T any](t *testing.T, env *testsuite.TestActivityEnvironment, fn any, in any) (T, T) {
	t.Helper()
	var out [2]T
	for i := range out {
		v, err := env.ExecuteActivity(fn, in)
		require.NoError(t, err, "run %d", i+1)
		if v != nil && v.HasValue() {
			require.NoError(t, v.Get(&out[i]))
		}
	}
	return out[0], out[1]
}

// testShop is the seller on the invoices and credit notes of these tests.
var testShop = activities.Shop{Seller: store.Seller{
	Name: "Boutique du Vieux Lyon SARL", Address: order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
	SIRET: "123 456 789 00012", VATNumber: "FR32123456789",
}}

func cardOrder(t *testing.T, st *store.Store) order.Order {
	t.Helper()
	return cardOrderNumbered(t, st, "C-2026-000501")
}

// cardOrderNumbered is cardOrder under another number, for tests that need
// many orders.
func cardOrderNumbered(t *testing.T, st *store.Store, number string) order.Order {
	t.Helper()
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard,
		Customer:      order.Customer{Name: "Léa Dubois", Email: "lea.dubois@example.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Léa Dubois", Line1: "3 quai Saint-Vincent", PostalCode: "69001", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines: []order.Line{
			{SKU: "THE-01", Name: "Thé vert Sencha", UnitPrice: 1500, Quantity: 2, VATRate: 550, Physical: true},
			{SKU: "TAS-01", Name: "Tasse en grès", UnitPrice: 2200, Quantity: 1, VATRate: 2000, Physical: true},
		},
	}
	o.Delivery = o.Billing
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	require.NoError(t, err)
	_, err = st.AddPayment(context.Background(), store.Payment{OrderID: o.ID, Method: "card", Amount: o.Totals.Total, Reference: "ch_" + number})
	require.NoError(t, err)
	return o
}

func TestEveryStepOfAProcedureIsSafeToRunTwice(t *testing.T) {
	t.Parallel()
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	o := cardOrder(t, st)
	sb := sandbox.NewServer(sandbox.Options{})
	url, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	reg := payments.NewRegistry()
	reg.Set(order.PayCard, &sandbox.Client{BaseURL: url})
	sender := &countingSender{sent: map[string]int{}}

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestActivityEnvironment()
	orders := &activities.Orders{Store: st}
	money := &activities.Money{Store: st, Gateways: reg}
	emails := &activities.Emails{Store: st, Sender: sender}
	env.RegisterActivity(orders)
	env.RegisterActivity(money)
	env.RegisterActivity(emails)
	actor := activities.Actor{WorkflowID: "modify-content/C-2026-000501/r1", Agent: "marie@boutique.fr"}

	twice[activities.HoldResult](t, env, orders.TakeHold, activities.HoldInput{OrderNumber: o.Number, Actor: actor})

	first, second := twice[activities.ContentOutput](t, env, orders.ApplyContentChange, activities.ContentInput{
		OrderNumber: o.Number, Actor: actor, Channel: order.ContactEmail,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, RecalcShipping: true},
	})
	require.Equal(t, first, second, "the retry returns the change as it was applied")
	require.Equal(t, int64(1500+2200+690), first.Result.After.Total)
	require.Equal(t, int64(5200-4390), first.Settlement.Refund)
	after, err := st.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, int64(1), after.Lines[0].Quantity, "one tea removed, not two")

	refund := activities.RefundInput{OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/settle/refund", Amount: first.Settlement.Refund, Method: order.PayCard, Status: "pending"}
	twice[struct{}](t, env, orders.ReserveRefund, refund)
	gw1, gw2 := twice[activities.GatewayOutcome](t, env, money.RefundThroughGateway, activities.GatewayRefundInput{OrderNumber: o.Number, Actor: actor, Key: refund.Key, Method: order.PayCard})
	require.Equal(t, activities.GatewaySucceeded, gw1.Outcome)
	require.Equal(t, gw1.ProviderRef, gw2.ProviderRef)
	require.Len(t, sb.Refunds(), 1, "the provider holds one refund")
	refunds, err := st.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, refunds, 1)
	require.Equal(t, store.RefundSucceeded, refunds[0].Status)

	email := activities.ContentEmailInput{
		OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/email", Removed: first.Result.Removed,
		Shipping: first.Result.Shipping, NewTotal: first.Result.After.Total, Refund: refund.Amount, Outcome: activities.OutcomeRefunded,
	}
	// The email under review is the email as the customer will get it:
	// both versions, to the customer, in their language.
	draft, again := twice[activities.EmailPreview](t, env, emails.PreviewContentEmail, email)
	require.Equal(t, draft, again)
	require.Equal(t, "Votre commande C-2026-000501 a été modifiée", draft.Subject)
	require.Equal(t, "lea.dubois@example.fr", draft.ToEmail)
	require.Equal(t, "fr", draft.Locale)
	require.Contains(t, draft.Text, "Thé vert Sencha")
	require.Contains(t, draft.HTML, "Thé vert Sencha")
	require.Contains(t, draft.HTML, "<p>Bonjour Léa Dubois,</p>")

	t1, t2 := twice[activities.TaskRef](t, env, orders.OpenTask, activities.TaskInput{
		OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/task/x", Kind: "review_email",
		Question: "Envoyer cet e-mail au client ?", Options: []string{"send"}, Email: &draft,
	})
	require.Equal(t, t1.ID, t2.ID)
	task, err := st.GetTask(ctx, t1.ID)
	require.NoError(t, err)
	require.Equal(t, "Envoyer cet e-mail au client ?", task.Question)
	require.Equal(t, &store.TaskEmail{ToEmail: draft.ToEmail, ToName: "Léa Dubois", Locale: "fr", Template: "content_modified",
		Subject: draft.Subject, Text: draft.Text, HTML: draft.HTML}, task.Email)
	history, err := st.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	opened := 0
	for _, e := range history {
		if e.Kind == "task_opened" {
			opened++
			require.Contains(t, e.Message, "« "+draft.Subject+" »", "the history names the email under review")
		}
	}
	require.Equal(t, 1, opened)

	// An email without a subject is refused for good, naming the field.
	env2 := suite.NewTestActivityEnvironment()
	env2.RegisterActivity(orders)
	_, err = env2.ExecuteActivity(orders.OpenTask, activities.TaskInput{
		OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/task/y", Kind: "review_email",
		Question: "Envoyer cet e-mail au client ?", Options: []string{"send"}, Email: &activities.EmailPreview{Text: "Bonjour"},
	})
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, activities.ErrTypeInvalidInput, appErr.Type())
	require.ErrorContains(t, err, "email.subject")
	e1, e2 := twice[activities.EmailRef](t, env, emails.QueueContentEmail, email)
	require.Equal(t, e1.ID, e2.ID)
	twice[struct{}](t, env, emails.SendEmail, e1)
	require.Equal(t, 1, sender.sent[email.Key], "the customer gets the email once")

	twice[struct{}](t, env, orders.ReleaseHold, activities.ReleaseInput{OrderNumber: o.Number, Actor: actor})
	after, err = st.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Empty(t, after.HoldBy)

	events, err := st.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	count := map[string]int{}
	for _, e := range events {
		count[e.Kind]++
	}
	for kind, n := range count {
		require.Equal(t, 1, n, "history line %s written %d times", kind, n)
	}
	require.Equal(t, 1, count["content_changed"])
	require.Equal(t, 1, count["hold_released"])
}
