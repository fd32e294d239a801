package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/web/api"
	"github.com/orderdesk/orderdesk/worker"
)

const webhookSecret = "whsec_test"

// newPaymentApp is the UI over a real PostgreSQL, a real Temporal and a
// worker, with the payment collector as its Starter, and the provider's
// webhook beside it.
func newPaymentApp(t *testing.T) *app {
	t.Helper()
	st := devstacktest.NewStore(t)
	shop := activities.Shop{
		Seller: store.Seller{Name: "Boutique du Vieux Lyon SARL", Address: order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon"},
			SIRET: "12345678900012", VATNumber: "FR32123456789"},
		MerchantEmail: "boutique@vieuxlyon.test", PaymentLinkURL: "https://pay.vieuxlyon.test/invoices",
	}
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: shop})
	col := starter.NewCollector(starter.New(c, st, starter.Options{TaskQueue: queue}), st,
		starter.CollectOptions{Seller: shop.Seller, WebhookSecret: webhookSecret})
	logs := &bytes.Buffer{}
	h := newServer(t, st, col, web.Options{Namespace: "default", Logger: slog.New(slog.NewTextHandler(logs, nil))})
	a := &app{t: t, store: st, h: h, logs: logs}
	a.cookie, a.csrf = signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	return a
}

func (a *app) webhook(body []byte, signature string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/payments", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(api.WebhookSignatureHeader, signature)
	}
	a.h.ServeHTTP(rec, req)
	return rec
}

func newAwaitingOrder(t *testing.T, st *store.Store, number string) order.Order {
	o := order.Order{
		Number: number, Status: order.StatusNew, PaymentMethod: order.PayBankTransfer, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille@example.fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon"},
		ShippingRules: order.ShippingRules{Method: "Colissimo", Fee: 690, VATRate: 2000},
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}},
	}
	o.ShippingFee = 690
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The agent starts a payment-link collection from the order's payment
// page; the provider's webhook with a bad signature is refused (401,
// logged, nothing recorded); the signed one pays the invoice; the PDF is
// printable; a payment after the collection ended is an agent's task.
func TestPaymentPageAndWebhook(t *testing.T) {
	a := newPaymentApp(t)
	o := newAwaitingOrder(t, a.store, "C-2026-000970")
	base := "/orders/" + o.Number + "/payment"

	body := a.page(base)
	mustContain(t, body, "Encaisser le paiement", "Créer une facture", "Aucune facture.")

	// A refused start names the problem on the page.
	rec := a.post(base+"/start", url.Values{"mode": {"link"}, "balance": {"abc"}, "request_id": {"r0"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Saisissez un montant") {
		t.Fatalf("bad balance: %d %s", rec.Code, a.logs.String())
	}
	rec = a.post(base+"/start", url.Values{"mode": {"link"}, "request_id": {"r1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("start: %d %s", rec.Code, rec.Body.String())
	}
	var invoice string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		body = a.page(base)
		if strings.Contains(body, `id="reminders"`) && strings.Contains(body, "F-") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	mustContain(t, body, "Encaissement en cours", "Relances", "E-mail de relance au client", "Prochaine étape", "https://pay.vieuxlyon.test/invoices/F-")
	invs, _ := a.store.ListInvoices(context.Background(), o.ID)
	if len(invs) != 1 {
		t.Fatalf("%d invoices", len(invs))
	}
	invoice = invs[0].Number

	// A second invoice for the same content is refused on the page.
	rec = a.post(base+"/create-invoice", url.Values{"request_id": {"c2"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "déjà facturée") {
		t.Fatalf("second invoice: %d", rec.Code)
	}

	event, _ := json.Marshal(starter.ProviderPayment{EventID: "evt_1", Invoice: invoice, Amount: o.Totals.Total, Reference: "pi_1"})
	for _, sig := range []string{"", "sha256=00", api.SignWebhook("wrong secret", event)} {
		if rec := a.webhook(event, sig); rec.Code != http.StatusUnauthorized {
			t.Fatalf("signature %q: %d %s", sig, rec.Code, rec.Body.String())
		}
	}
	if !strings.Contains(a.logs.String(), "bad signature") {
		t.Errorf("the refused webhook was not logged: %s", a.logs.String())
	}
	if ps, _ := a.store.ListPayments(context.Background(), o.ID); len(ps) != 0 {
		t.Fatalf("a refused webhook recorded %+v", ps)
	}

	rec = a.webhook(event, api.SignWebhook(webhookSecret, event))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"recorded"`) {
		t.Fatalf("signed webhook: %d %s", rec.Code, rec.Body.String())
	}
	rec = a.webhook(event, api.SignWebhook(webhookSecret, event))
	if rec.Code != http.StatusOK {
		t.Fatalf("repeated webhook: %d %s", rec.Code, rec.Body.String())
	}
	if ps, _ := a.store.ListPayments(context.Background(), o.ID); len(ps) != 1 {
		t.Fatalf("payments after the webhook: %+v", ps)
	}
	for time.Now().Before(deadline) {
		if got, _ := a.store.GetOrder(context.Background(), o.Number); got.Status == order.StatusPaid {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got, _ := a.store.GetOrder(context.Background(), o.Number); got.Status != order.StatusPaid {
		t.Fatalf("order status %s after the payment", got.Status)
	}

	code, pdf := a.get("/invoices/" + invoice + ".pdf")
	if code != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("invoice PDF: %d %.20q", code, pdf)
	}
	body = a.page(base)
	mustContain(t, body, invoice, "Payée", "Imprimer (PDF)")

	// Paid again once the collection has ended: the payment is recorded
	// for an agent, who finds it in the task inbox.
	for time.Now().Before(deadline) && strings.Contains(a.page(base), "Encaissement en cours") {
		time.Sleep(100 * time.Millisecond)
	}
	late, _ := json.Marshal(starter.ProviderPayment{EventID: "evt_2", Invoice: invoice, Amount: o.Totals.Total, Reference: "pi_2"})
	if rec := a.webhook(late, api.SignWebhook(webhookSecret, late)); rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), `"unmatched"`) {
		t.Fatalf("late payment: %d %s", rec.Code, rec.Body.String())
	}
	mustContain(t, a.page("/tasks"), o.Number, "pi_2", "Paiement hors encaissement")
}

// An amount above what is due is refused on the payment page, next to the
// amount, until the agent ticks the overpayment box; the same form sent
// again with the box ticked records it.
func TestOverpaymentIsRecordedOnlyWhenConfirmed(t *testing.T) {
	a := newPaymentApp(t)
	o := newAwaitingOrder(t, a.store, "C-2026-000976")
	base := "/orders/" + o.Number + "/payment"
	if rec := a.post(base+"/start", url.Values{"mode": {"manual"}, "request_id": {"r1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("start: %d %s", rec.Code, rec.Body.String())
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(a.page(base), `id="record-form"`) {
		time.Sleep(100 * time.Millisecond)
	}
	form := url.Values{"request_id": {"pay-1"}, "means": {"bank_transfer"}, "amount": {"40,00"}, "reference": {"VIR 12"}}
	rec := a.post(base+"/record", form)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("overpayment without the box: %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), "40,00\u00a0€ dépasse de 8,10\u00a0€ les 31,90\u00a0€ dus : confirmez le trop-perçu", `name="confirm_overpayment"`)
	if ps, _ := a.store.ListPayments(context.Background(), o.ID); len(ps) != 0 {
		t.Fatalf("a refused overpayment recorded %+v", ps)
	}
	form.Set("confirm_overpayment", "1")
	if rec := a.post(base+"/record", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("confirmed overpayment: %d %s", rec.Code, rec.Body.String())
	}
	if ps, _ := a.store.ListPayments(context.Background(), o.ID); len(ps) != 1 || ps[0].Amount != 4000 {
		t.Fatalf("payments after the confirmed overpayment: %+v", ps)
	}
}
