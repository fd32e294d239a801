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
	t.Parallel()
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

	o := insertPaidOrder(t, st, "C-2026-000910", order.PayCard)
	// The confirmation says what will happen: the provider refunds at once.
	settlement := agent.removeOneMug(o)
	if how := agent.text("#refund-how"); !strings.Contains(how, "le prestataire rembourse le client aussitôt") {
		t.Errorf("the confirmation says %q of the refund, want the provider's refund at once\n%s", how, settlement)
	}
	agent.do("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#steps")))
	if loc := location(t, agent); !strings.Contains(loc, "/procedures/") {
		t.Fatalf("after the confirmation the browser is at %s, want the procedure's page", loc)
	}

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
	// The refund goes through on a next try (the procedure then asks the
	// agent to review the customer's email, which is not this test's).
	deadline = time.Now().Add(60 * time.Second)
	for len(sb.Refunds()) == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	agent.do("the retry is gone from the page", chromedp.WaitNotPresent(chromedp.CSS("#steps .retry")))
	if n := len(sb.Refunds()); n != 1 {
		t.Errorf("%d refunds at the provider, want 1", n)
	}
}
