package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/worker"
)

// newCountingStack is newLiveStack whose server counts the POSTs it sees
// to the payment page's actions.
func newCountingStack(t *testing.T, posts *atomic.Int32) *liveStack {
	t.Helper()
	st := devstacktest.NewStore(t)
	shop := activities.Shop{
		Seller: store.Seller{Name: "Boutique du Vieux Lyon SARL", Address: order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon"},
			SIRET: "12345678900012", VATNumber: "FR32123456789"},
		MerchantEmail: "boutique@vieuxlyon.test",
	}
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: shop})
	s := starter.New(c, st, starter.Options{TaskQueue: queue})
	h := newServer(t, st, starter.NewCollector(s, st, starter.CollectOptions{Seller: shop.Seller}), web.Options{
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/payment/") {
			posts.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &liveStack{t: t, store: st, url: srv.URL, alloc: newChromium(t)}
}

// An agent records a customer's cheque in one step from the order page:
// « Enregistrer un paiement », the amount due already filled in, the
// cheque's number; the page right after shows the order paid, without
// the reminders (nor a word of cancelling the order), and the order page
// says « Payée ». A refused form first (an amount that is no amount)
// leaves the browser on a GET page: reloading it submits nothing again.
func TestBrowserRecordChequeInOneStep(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	s := newCountingStack(t, &posts)
	o := insertOrderAwaitingCheque(t, s.store, "C-2026-000912")
	b := s.newAgent("marie@boutique.fr", "Marie Dupont", "agent")

	b.do("open the record form from the order page",
		chromedp.Navigate(b.base+"/orders/"+o.Number),
		chromedp.Click(chromedp.CSS("#action-record-payment")),
		chromedp.WaitVisible(chromedp.CSS("#record-form")),
	)
	if got := b.text("#record-payment"); got != "Enregistrer le paiement" {
		t.Fatalf("the button reads %q", got)
	}

	// A refusal: shown at a GET address with what was typed.
	b.do("a refused amount",
		chromedp.SetValue(chromedp.CSS("#amount"), "douze"),
		chromedp.SetValue(chromedp.CSS("#reference"), "CHQ 4411"),
		chromedp.Click(chromedp.CSS("#record-payment")),
		chromedp.WaitVisible(chromedp.CSS(".field-error, .form-error")),
	)
	rctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, err1 := chromedp.Run(rctx, chromedp.Location())
	ref, err2 := chromedp.Run(rctx, chromedp.Value(chromedp.CSS("#reference")))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if strings.Contains(loc, "/payment/record") || !strings.Contains(loc, "form=") {
		t.Fatalf("after a refusal the browser is at %s", loc)
	}
	if ref != "CHQ 4411" {
		t.Fatalf("the reference typed is gone: %q", ref)
	}
	b.do("reload the refused form's page", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#record-form")))
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d POSTs after a refusal and a reload, want 1", n)
	}

	// The cheque, in one step.
	b.do("record the cheque",
		chromedp.SetValue(chromedp.CSS("#means"), string(order.PayCheque)),
		chromedp.SetValue(chromedp.CSS("#amount"), fmt.Sprintf("%d,%02d", o.Totals.Total/100, o.Totals.Total%100)),
		chromedp.SetValue(chromedp.CSS("#reference"), "CHQ 4412"),
		chromedp.Click(chromedp.CSS("#record-payment")),
		chromedp.WaitVisible(chromedp.CSS("#payment-notice")),
	)
	body := b.text("main")
	if strings.Contains(body, "Relances") || strings.Contains(body, "Annulation de la commande") || strings.Contains(body, "Démarrer l'encaissement") {
		t.Fatalf("the page after the payment still shows the reminders or the start form:\n%s", body)
	}
	if !strings.Contains(body, "CHQ 4412") {
		t.Fatalf("the payment is not listed:\n%s", body)
	}
	if n := posts.Load(); n != 2 {
		t.Fatalf("%d POSTs, want 2", n)
	}
	got, err := s.store.GetOrder(context.Background(), o.Number)
	if err != nil || got.Status != order.StatusPaid {
		t.Fatalf("order after the cheque: %s %v", got.Status, err)
	}
	b.do("the order page", chromedp.Navigate(b.base+"/orders/"+o.Number), chromedp.WaitVisible(chromedp.CSS("#action-payment")))
	if body := b.text("main"); !strings.Contains(body, "Payée") || strings.Contains(body, "Relances") {
		t.Fatalf("the order page after the cheque:\n%s", body)
	}
	if ps, _ := s.store.ListPayments(context.Background(), o.ID); len(ps) != 1 {
		t.Fatalf("payments: %+v", ps)
	}
}
