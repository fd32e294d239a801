package starter_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/carrier"
	carriersandbox "github.com/orderdesk/orderdesk/carrier/sandbox"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// newCarrierStack is newStack with the sandbox carrier over HTTP, as make
// dev runs it, and the shop's settings.
func newCarrierStack(t *testing.T, cs *carriersandbox.Server, settings workflows.Settings) stack {
	t.Helper()
	url, err := cs.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	deps := worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: activities.Shop{Seller: testSeller},
		Carrier: &carrier.Client{BaseURL: url, APIKey: "ck_test"}}
	c, queue := devstacktest.Worker(t, deps)
	return stack{store: st, client: c, starter: starter.New(c, st, starter.Options{TaskQueue: queue, Settings: settings}), deps: deps, queue: queue}
}

// TestAReturnEmailsItsCarrierLabelOnceAndTheReminderGivesItAgain: with a
// carrier configured (and down for its first two answers), a return's
// instructions email gives the prepaid label's link once, the carrier made
// one label for the return whatever the retries, and the reminder gives
// the same link without asking the carrier again.
func TestAReturnEmailsItsCarrierLabelOnceAndTheReminderGivesItAgain(t *testing.T) {
	t.Parallel()
	cs := carriersandbox.NewServer(carriersandbox.Options{APIKey: "ck_test", Faults: carriersandbox.Faults{FailNext: 2}})
	s := newCarrierStack(t, cs, workflows.Settings{Returns: workflows.ReturnSettings{Reminders: []time.Duration{8 * time.Second}}})
	ctx := context.Background()
	o := shipWhole(t, s.store, insertCardOrder(t, s.store, "C-2026-000993", order.LogisticsAwaitingPrinting))
	run, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: o.Number, RequestID: "label-1", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.client.CancelWorkflow(context.Background(), run.WorkflowID, "") })

	// The instructions, then the reminder.
	var emails []store.Email
	require.Eventually(t, func() bool {
		emails, err = s.store.ListEmails(ctx, o.ID)
		return err == nil && len(emails) >= 2
	}, 40*time.Second, 200*time.Millisecond, "the instructions and the reminder were not written")
	require.Len(t, emails, 2)
	instructions, reminder := emails[0], emails[1]
	if strings.Contains(instructions.Subject, "Rappel") {
		instructions, reminder = reminder, instructions
	}
	require.Contains(t, reminder.Subject, "Rappel")

	label, ok, err := s.store.GetReturnLabel(ctx, run.Number)
	require.NoError(t, err)
	require.True(t, ok, "the return keeps its label")
	require.Equal(t, carriersandbox.DefaultName, label.Carrier)
	require.Equal(t, 1, strings.Count(instructions.BodyText, "Imprimez votre étiquette de retour prépayée\u00a0: "+label.URL),
		"the instructions give the label once:\n%s", instructions.BodyText)
	require.Contains(t, instructions.BodyText, label.Tracking)
	require.Equal(t, 1, strings.Count(reminder.BodyText, label.URL), "the reminder gives the same label:\n%s", reminder.BodyText)

	// One label at the carrier, after three requests: two refused (the
	// step was retried), one answered; the reminder asked nothing.
	require.Equal(t, 1, cs.LabelCount(run.Number))
	require.Equal(t, 3, cs.Requests(run.Number))
	require.Len(t, cs.Labels(), 1)

	// The link the customer gets opens the label.
	res, err := http.Get(label.URL)
	require.NoError(t, err)
	pdf, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")) && bytes.Contains(pdf, []byte(run.Number)), "the label's PDF names the return")

	events, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	n := 0
	for _, e := range events {
		if e.Kind == "return_label" {
			n++
			require.Contains(t, e.Message, label.Tracking)
		}
	}
	require.Equal(t, 1, n, "one line of history for the label: %v", kinds(events))
}
