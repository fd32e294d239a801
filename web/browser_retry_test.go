package web_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/worker"
)

// The card provider fails every refund: the procedure's page says so in
// plain words while it happens — who does not answer, the attempt, the
// provider's last error, when the next try is — then, the provider back,
// the refund done, once.
func TestBrowserARetriedRefundShowsItsAttemptsAndLastError(t *testing.T) {
	sb := sandbox.NewServer(sandbox.Options{APIKey: "sk_test", Faults: sandbox.Faults{ErrorRate: 1}})
	url, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	reg := payments.NewRegistry()
	reg.Set(order.PayCard, &sandbox.Client{BaseURL: url, APIKey: "sk_test"})

	st := devstacktest.NewStore(t)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Payments: reg})
	s := starter.New(c, st, starter.Options{TaskQueue: queue, FailureConverter: devstacktest.Codec().FailureConverter()})
	h := newServer(t, st, starter.NewCollector(s, st, starter.CollectOptions{}), web.Options{Refunds: reg,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	live := &liveStack{t: t, store: st, url: srv.URL, alloc: newChromium(t)}
	agent := live.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)

	o := insertPaidOrder(t, st, "C-2026-000961", order.PayCard)
	run, err := s.ModifyContent(t.Context(), starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "retry", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, RecalcShipping: true},
	})
	if err != nil {
		t.Fatal(err)
	}

	agent.do("open the procedure", chromedp.Navigate(srv.URL+"/procedures/"+run.WorkflowID), chromedp.WaitVisible(chromedp.CSS("#steps")))
	// The page polls its progress: the retry shows without a reload.
	agent.do("wait for the retry", chromedp.WaitVisible(chromedp.CSS("#steps .retry")))
	var retry string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		retry = agent.text("#steps .retry")
		if strings.Contains(retry, "503") && !strings.Contains(retry, "essai n° 1 ") {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	for _, want := range []string{"Le prestataire de paiement ne répond pas", "essai n° ", "dernière erreur", "503"} {
		if !strings.Contains(retry, want) {
			t.Errorf("the retrying step says %q, without %q\n%s", retry, want, agent.screenshot("retry"))
		}
	}
	if strings.Contains(retry, "Encoded failure") {
		t.Errorf("the last error is shown encrypted: %q", retry)
	}

	sb.SetFaults(sandbox.Faults{})
	agent.do("the procedure ends", chromedp.WaitVisible(chromedp.CSS(".step-done")))
	var res struct{}
	if err := s.Result(t.Context(), run.WorkflowID, &res); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Refunds()); n != 1 {
		t.Errorf("%d refunds at the provider, want 1", n)
	}
}
