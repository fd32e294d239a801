package activities_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/carrier"
	carriersandbox "github.com/orderdesk/orderdesk/carrier/sandbox"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// labelSetup is a shipped card order with a return recorded, the
// return's steps with the sandbox carrier, and the input of its
// instructions email.
func labelSetup(t *testing.T, number string, faults carriersandbox.Faults) (*store.Store, *carriersandbox.Server, *activities.Returns, *testsuite.TestActivityEnvironment, order.Order, activities.ReturnEmailInput) {
	t.Helper()
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	o := cardOrderNumbered(t, st, number)
	_, err := st.SaveFulfil(ctx, o.Number, order.FulfilRequest{Ship: []order.LineQuantity{{LineID: o.Lines[1].ID, Quantity: 1}}, Carrier: "Colissimo"},
		store.Event{ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: "ship/" + o.Number})
	require.NoError(t, err)
	wf := "return/" + o.Number + "/r1"
	req := order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[1].ID, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}
	r, err := st.CreateReturn(ctx, store.NewReturn{OrderNumber: o.Number, WorkflowID: wf, RequestID: "r1", CreatedBy: "marie@boutique.fr", Request: req})
	require.NoError(t, err)

	sb := carriersandbox.NewServer(carriersandbox.Options{APIKey: "ck_test", Faults: faults})
	url, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	steps := &activities.Returns{Store: st, Carrier: &carrier.Client{BaseURL: url, APIKey: "ck_test"},
		Shop: activities.Shop{Seller: store.Seller{Name: "Boutique du Vieux Lyon", Address: order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"}}}}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(steps)
	in := activities.ReturnEmailInput{OrderNumber: o.Number, Actor: activities.Actor{WorkflowID: wf, Agent: "marie@boutique.fr"},
		Key: wf + "/email", Number: r.Number, Lines: req.Lines, WaitUntil: time.Now().Add(30 * 24 * time.Hour)}
	return st, sb, steps, env, o, in
}

func eventsOfKind(t *testing.T, st *store.Store, o order.Order, kind string) []store.Event {
	t.Helper()
	events, err := st.ListEvents(context.Background(), o.ID)
	require.NoError(t, err)
	var out []store.Event
	for _, e := range events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func TestTheInstructionsWaitForTheCarrierAndGiveItsLabelOnce(t *testing.T) {
	st, sb, steps, env, o, in := labelSetup(t, "C-2026-000531", carriersandbox.Faults{FailNext: 1})
	ctx := context.Background()

	// The carrier is down: the step fails, to be retried, and writes no email.
	_, err := env.ExecuteActivity(steps.QueueReturnEmail, in)
	require.Error(t, err)
	var app *temporal.ApplicationError
	require.False(t, errors.As(err, &app) && app.NonRetryable(), "a carrier down is retried: %v", err)
	emails, err := st.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Empty(t, emails, "no email before the label")

	// Back: the retry, and a crash's retry after it, make one label and one email.
	first, second := twice[activities.EmailRef](t, env, steps.QueueReturnEmail, in)
	require.Equal(t, first, second)
	labels := sb.Labels()
	require.Len(t, labels, 1)
	require.Equal(t, in.Number, labels[0].Key)
	require.Equal(t, "Léa Dubois", labels[0].From.Name, "the parcel leaves from the delivery address")
	require.Equal(t, "Boutique du Vieux Lyon", labels[0].To.Name, "and goes back to the shop")
	kept, ok, err := st.GetReturnLabel(ctx, in.Number)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, labels[0].Tracking, kept.Tracking)
	emails, err = st.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.Contains(t, emails[0].BodyText, "Imprimez votre étiquette de retour prépayée\u00a0: "+kept.URL)
	require.Contains(t, emails[0].BodyHTML, `href="`+kept.URL+`"`)
	lines := eventsOfKind(t, st, o, "return_label")
	require.Len(t, lines, 1, "one line of history for the label")
	require.Contains(t, lines[0].Message, kept.Tracking)

	// A reminder gives the same label and does not ask the carrier.
	asked := sb.Requests(in.Number)
	reminder := in
	reminder.Key, reminder.Reminder = in.Key+"/reminder-1", true
	twice[activities.EmailRef](t, env, steps.QueueReturnEmail, reminder)
	emails, err = st.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 2)
	for _, e := range emails {
		require.Equal(t, 1, strings.Count(e.BodyText, kept.URL), "email %s", e.Key)
	}
	require.Equal(t, asked, sb.Requests(in.Number), "the reminder did not ask the carrier")
}

func TestACarrierRefusingOurKeyDoesNotHoldTheInstructionsBack(t *testing.T) {
	st, sb, steps, env, o, in := labelSetup(t, "C-2026-000532", carriersandbox.Faults{Unauthorized: true})
	ctx := context.Background()
	twice[activities.EmailRef](t, env, steps.QueueReturnEmail, in)
	require.Empty(t, sb.Labels())
	emails, err := st.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1, "the instructions went")
	require.NotContains(t, emails[0].BodyText, "étiquette")
	if _, ok, err := st.GetReturnLabel(ctx, in.Number); ok || err != nil {
		t.Errorf("a label was kept (%v, %v)", ok, err)
	}
	lines := eventsOfKind(t, st, o, "return_label_refused")
	require.Len(t, lines, 1)
	require.Contains(t, lines[0].Message, "vérifiez la configuration du transporteur")
}

func TestWithoutCarrierTheInstructionsHaveNoLabel(t *testing.T) {
	st, _, steps, env, o, in := labelSetup(t, "C-2026-000533", carriersandbox.Faults{})
	steps.Carrier = nil
	twice[activities.EmailRef](t, env, steps.QueueReturnEmail, in)
	emails, err := st.ListEmails(context.Background(), o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.NotContains(t, emails[0].BodyText, "étiquette")
	require.Empty(t, eventsOfKind(t, st, o, "return_label"))
}
