package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web/api"
)

// A payment the provider reports after the invoice's collection has ended
// (the customer paid twice, or late) is not lost: the signed webhook is
// answered 2xx, the payment is recorded once whatever the provider's
// retries, written to the order's history, and an agent has a task for
// it. A payment for an invoice nobody knows is answered 2xx too, says so,
// and is logged.
func TestLatePaymentWebhookIsRecordedForAnAgent(t *testing.T) {
	a := newAPIApp(t)
	ctx := context.Background()
	number := newOrderNumber()
	if got := a.call(http.MethodPost, "/api/orders", unpaidOrder(number)); got.code != http.StatusCreated {
		t.Fatalf("POST order: %d %s", got.code, got.raw)
	}
	o, err := a.store.GetOrder(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	// An agent asks the customer to pay by the link of an invoice.
	if _, err := a.start.StartCollection(ctx, starter.CollectRequest{OrderNumber: number, RequestID: "r1", Agent: "marie@boutique.fr", Mode: activities.CollectLink}); err != nil {
		t.Fatal(err)
	}
	var invoice string
	eventually(t, "the invoice with its link, awaiting the payment", func() bool {
		st, _, err := a.start.Collection(ctx, number)
		invoice = st.Invoice
		return err == nil && st.Waiting && invoice != ""
	})
	send := func(p starter.ProviderPayment) (int, map[string]any) {
		body, _ := json.Marshal(p)
		rec := a.webhook(body, api.SignWebhook(webhookSecret, body))
		var got map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &got)
		return rec.Code, got
	}
	if code, got := send(starter.ProviderPayment{EventID: "evt_1", Invoice: invoice, Amount: o.Totals.Total, Reference: "pi_1"}); code != http.StatusOK {
		t.Fatalf("first payment: %d %v", code, got)
	}
	// The collection ends: paid, confirmation sent, nothing awaited.
	eventually(t, "the collection to end", func() bool {
		_, id, err := a.start.Collection(ctx, number)
		return err == nil && id == ""
	})

	late := starter.ProviderPayment{EventID: "evt_2", Invoice: invoice, Amount: o.Totals.Total, Reference: "pi_2"}
	for i := range 2 { // the provider retries: one payment
		code, got := send(late)
		if code < 200 || code > 299 {
			t.Fatalf("late payment, attempt %d: %d %v", i+1, code, got)
		}
		if got["status"] != "unmatched" {
			t.Fatalf("late payment, attempt %d: %v", i+1, got)
		}
	}
	var task store.Task
	eventually(t, "an agent task for the late payment", func() bool {
		tasks, _ := a.store.ListOpenTasks(ctx)
		for _, tk := range tasks {
			if tk.Kind == "unmatched_payment" && tk.OrderNumber == o.Number {
				task = tk
			}
		}
		return task.ID != 0
	})
	for _, want := range []string{o.Number, "50,80", "pi_2"} {
		if !strings.Contains(task.Question, want) {
			t.Errorf("the task's question %q does not name %q", task.Question, want)
		}
	}
	payments, _ := a.store.ListPayments(ctx, o.ID)
	var pi2 int
	for _, p := range payments {
		if p.Reference == "pi_2" {
			pi2++
		}
	}
	if len(payments) != 2 || pi2 != 1 {
		t.Fatalf("payments after the late webhook, twice: %+v", payments)
	}
	events, _ := a.store.ListEvents(ctx, o.ID)
	var history bool
	for _, e := range events {
		history = history || (e.Kind == "payment_unmatched" && strings.Contains(e.Message, "pi_2"))
	}
	if !history {
		t.Errorf("the late payment is not in the order's history: %+v", events)
	}

	// An invoice nobody knows: 2xx, said and logged, nothing recorded.
	code, got := send(starter.ProviderPayment{EventID: "evt_3", Invoice: "F-2099-999999", Amount: 1000, Reference: "pi_3"})
	if code < 200 || code > 299 || got["status"] != "unknown_invoice" || !strings.Contains(got["message"].(string), "F-2099-999999") {
		t.Fatalf("unknown invoice: %d %v", code, got)
	}
	if !strings.Contains(a.logs.String(), "F-2099-999999") {
		t.Errorf("the unknown invoice was not logged: %s", a.logs.String())
	}
	if ps, _ := a.store.ListPayments(ctx, o.ID); len(ps) != 2 {
		t.Fatalf("payments after an unknown invoice: %+v", ps)
	}
}

// webhook posts a provider's event to the webhook with its signature
// ("" sends none).
func (a *apiApp) webhook(body []byte, signature string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/payments", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(api.WebhookSignatureHeader, signature)
	}
	a.h.ServeHTTP(rec, req)
	return rec
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A captured webhook replayed later is refused even though its signature
// is genuine: the signature covers the time it was sent, and a timestamp
// ten minutes old is outside the 5-minute tolerance. Nothing is recorded,
// and the refusal is in the API's error shape. During a rotation an event
// signed with the secret being retired is taken; one signed with no active
// secret, or whose body was changed after signing, is not.
func TestWebhookRefusesReplaysAndTakesTheRetiringSecret(t *testing.T) {
	a := newAPIApp(t)
	ctx := context.Background()
	number := newOrderNumber()
	if got := a.call(http.MethodPost, "/api/orders", unpaidOrder(number)); got.code != http.StatusCreated {
		t.Fatalf("POST order: %d %s", got.code, got.raw)
	}
	o, err := a.store.GetOrder(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.start.StartCollection(ctx, starter.CollectRequest{OrderNumber: number, RequestID: "r1", Agent: "marie@boutique.fr", Mode: activities.CollectLink}); err != nil {
		t.Fatal(err)
	}
	var invoice string
	eventually(t, "the invoice with its link, awaiting the payment", func() bool {
		st, _, err := a.start.Collection(ctx, number)
		invoice = st.Invoice
		return err == nil && st.Waiting && invoice != ""
	})
	event, _ := json.Marshal(starter.ProviderPayment{EventID: "evt_replay", Invoice: invoice, Amount: o.Totals.Total, Reference: "pi_replay"})
	refused := func(what, sig string, body []byte, code string) {
		t.Helper()
		rec := a.webhook(body, sig)
		var got struct {
			Error struct{ Code, Message, Field string } `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusUnauthorized || got.Error.Code != code || got.Error.Message == "" || got.Error.Field != api.WebhookSignatureHeader {
			t.Fatalf("%s: %d %s, want 401 with the error code %q naming the header", what, rec.Code, rec.Body.String(), code)
		}
		if ps, _ := a.store.ListPayments(ctx, o.ID); len(ps) != 0 {
			t.Fatalf("%s: recorded %+v", what, ps)
		}
	}
	tenMinutesAgo := time.Now().Add(-10 * time.Minute)
	refused("replayed 10 minutes later", api.SignWebhookAt(webhookSecret, tenMinutesAgo, event), event, "stale_signature")
	refused("dated 10 minutes ahead", api.SignWebhookAt(webhookSecret, time.Now().Add(10*time.Minute), event), event, "stale_signature")
	refused("the body of before, under a new timestamp and the old signature",
		strings.Replace(api.SignWebhookAt(webhookSecret, tenMinutesAgo, event), fmt.Sprint("t=", tenMinutesAgo.Unix()), fmt.Sprint("t=", time.Now().Unix()), 1), event, "bad_signature")
	refused("a secret that is not active", api.SignWebhook("whsec_someone_else", event), event, "bad_signature")
	refused("the signature of another body", api.SignWebhook(webhookSecret, []byte(`{"event_id":"evt_other"}`)), event, "bad_signature")
	refused("no timestamp", "v1=00", event, "bad_signature")

	// Signed with the retiring secret, just now: taken.
	rec := a.webhook(event, api.SignWebhook(previousWebhookSecret, event))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"recorded"`) {
		t.Fatalf("signed with the retiring secret: %d %s", rec.Code, rec.Body.String())
	}
	// A provider signing under both secrets ("v1=new,v1=old"): one is enough.
	rec = a.webhook(event, api.SignWebhookAt("whsec_unknown", time.Now(), event, webhookSecret))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"duplicate"`) {
		t.Fatalf("the same event under two signatures: %d %s", rec.Code, rec.Body.String())
	}
	if ps, _ := a.store.ListPayments(ctx, o.ID); len(ps) != 1 {
		t.Fatalf("payments: %+v", ps)
	}
}
