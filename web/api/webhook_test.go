package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
)

// A payment the provider reports after the invoice's collection has ended
// (the customer paid twice, or late) is not lost: the signed webhook is
// answered 2xx, the payment is recorded once whatever the provider's
// retries, written to the order's history, and an agent finds it in the
// task inbox. A payment for an invoice nobody knows
// is answered 2xx too, says so, and is logged.
func TestLatePaymentWebhookIsRecordedForAnAgent(t *testing.T) {
	a := newPaymentApp(t)
	ctx := context.Background()
	o := newAwaitingOrder(t, a.store, "C-2026-000975")
	base := "/orders/" + o.Number + "/payment"
	if rec := a.post(base+"/start", url.Values{"mode": {"link"}, "request_id": {"r1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("start: %d %s", rec.Code, rec.Body.String())
	}
	var invoice string
	eventually(t, "the invoice with its link", func() bool {
		invs, _ := a.store.ListInvoices(ctx, o.ID)
		if len(invs) == 1 {
			invoice = invs[0].Number
		}
		return invoice != "" && strings.Contains(a.page(base), `id="reminders"`)
	})
	send := func(p starter.ProviderPayment) (int, map[string]any) {
		body, _ := json.Marshal(p)
		rec := a.webhook(body, web.SignWebhook(webhookSecret, body))
		var got map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &got)
		return rec.Code, got
	}
	if code, got := send(starter.ProviderPayment{EventID: "evt_1", Invoice: invoice, Amount: o.Totals.Total, Reference: "pi_1"}); code != http.StatusOK {
		t.Fatalf("first payment: %d %v", code, got)
	}
	// The collection ends: paid, confirmation sent, nothing awaited.
	eventually(t, "the collection to end", func() bool { return !strings.Contains(a.page(base), "Encaissement en cours") })

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
	for _, want := range []string{o.Number, "31,90", "pi_2"} {
		if !strings.Contains(task.Question, want) {
			t.Errorf("the task's question %q does not name %q", task.Question, want)
		}
	}
	mustContain(t, a.page("/tasks"), o.Number, "pi_2", "Paiement hors encaissement")
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
