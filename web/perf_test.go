package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// seedMany writes n orders of a few lines, with some history each, like
// the demo data of make dev.
func seedMany(tb testing.TB, st *store.Store, n int) []string {
	tb.Helper()
	ctx := context.Background()
	names := []string{"Élodie Martin", "Bruno Lefèvre", "Chloé Garnier", "Hugo Bernard", "Léa Rousseau"}
	methods := []order.PaymentMethod{order.PayCard, order.PayPayPal, order.PayCheque, order.PayBankTransfer}
	var numbers []string
	for i := range n {
		name := names[i%len(names)]
		addr := order.Address{Name: name, Line1: fmt.Sprintf("%d avenue Jean Jaurès", i+1), PostalCode: "75019", City: "Paris", Country: "FR"}
		o := order.Order{
			Number:        fmt.Sprintf("C-2026-%06d", 500+i),
			Status:        order.Statuses[i%len(order.Statuses)],
			Logistics:     order.LogisticsStatuses[i%len(order.LogisticsStatuses)],
			PaymentMethod: methods[i%len(methods)],
			Customer:      order.Customer{Name: name, Email: fmt.Sprintf("client%d@example.fr", i)},
			Billing:       addr, Delivery: addr,
			ShippingRules: order.ShippingRules{Method: "Colissimo", Fee: 690, FreeFrom: 6000, VATRate: 2000},
			Lines: []order.Line{
				{SKU: "TASSE-01", Name: "Tasse en porcelaine", UnitPrice: 1490, Quantity: int64(1 + i%3), VATRate: 2000, Physical: true},
				{SKU: "THE-VERT", Name: "Thé vert Sencha 100 g", UnitPrice: 890, Quantity: 2, VATRate: 550, Physical: true},
				{SKU: "CARTE-CAD", Name: "Carte cadeau", UnitPrice: 2500, Quantity: 1, VATRate: 0},
			},
			CreatedAt: placedAt.Add(-time.Duration(i) * time.Hour),
		}
		o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
		o.Totals = order.Reprice(o)
		o, err := st.InsertOrder(ctx, o)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: string(o.PaymentMethod), Amount: o.Totals.Total, Currency: "EUR", Reference: fmt.Sprintf("ref-%d", i)}); err != nil {
			tb.Fatal(err)
		}
		for j := range 6 {
			wf := fmt.Sprintf("modify-content/%s/req-%d", o.Number, j/3)
			if _, err := st.AddEvent(ctx, store.Event{OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: wf, WorkflowID: wf,
				Kind: "step", Message: fmt.Sprintf("Étape %d de la procédure", j), ContactChannel: string(order.ContactEmail)}); err != nil {
				tb.Fatal(err)
			}
		}
		numbers = append(numbers, o.Number)
	}
	return numbers
}

// TestRenderTimes measures the busiest pages over the real store and
// logs their percentiles (the aim: under 50 ms at the 95th). It
// asserts nothing about time: a loaded CI machine must not fail it.
func TestRenderTimes(t *testing.T) {
	a := newApp(t, nil)
	numbers := seedMany(t, a.store, 25)
	for _, p := range []timedPage{
		{"/orders", func(int) string { return "/orders" }},
		{"/orders?q=tasse&sort=total", func(int) string { return "/orders?q=tasse&sort=total" }},
		{"/orders/{number}", func(i int) string { return "/orders/" + numbers[i%len(numbers)] }},
		{"/tasks", func(int) string { return "/tasks" }},
	} {
		measurePage(t, a, p, "25 orders")
	}
}

// timedPage is a page of the render-time measures: a name for the log and
// the path of its i-th request.
type timedPage struct {
	name string
	path func(i int) string
}

// measurePage renders a page 200 times through the handler, fails on any
// status but 200, and logs its percentiles.
func measurePage(t *testing.T, a *app, p timedPage, data string) {
	t.Helper()
	const requests = 200
	a.page(p.path(0)) // warm up: prepared statements, pool
	times := make([]time.Duration, 0, requests)
	for i := range requests {
		req := httptest.NewRequest(http.MethodGet, p.path(i), nil)
		req.AddCookie(a.cookie)
		rec := httptest.NewRecorder()
		start := time.Now()
		a.h.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", p.path(i), rec.Code)
		}
	}
	slices.Sort(times)
	t.Logf("%-28s %d requests, %s: p50 %v  p95 %v  max %v", p.name, requests, data,
		times[requests/2].Round(time.Microsecond), times[requests*95/100].Round(time.Microsecond), times[requests-1].Round(time.Microsecond))
}

// TestRenderTimesOfAProcedure measures the live procedure page and its
// progress fragment, which ask the procedure itself (a Temporal query)
// on each render, after a modify-content run to its end on a real server;
// and the modify and cancel forms, which need the procedures.
func TestRenderTimesOfAProcedure(t *testing.T) {
	ctx := context.Background()
	st := devstacktest.NewStore(t)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue})
	h := newServer(t, st, starter.NewCollector(s, st, starter.CollectOptions{}), web.Options{Namespace: "default", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	a := &app{t: t, store: st, h: h, logs: &bytes.Buffer{}}
	a.cookie, a.csrf = signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	o := insertPaidOrder(t, st, "C-2026-000960", order.PayPayPal)
	run, err := s.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "perf-1", Agent: "marie@boutique.fr", Role: store.RoleAgent, Channel: order.ContactEmail,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, RecalcShipping: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	task := waitForTask(t, st, workflows.TaskRefundByHand)
	if err := s.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "marie@boutique.fr"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []timedPage{
		{"/procedures/{id}", func(int) string { return "/procedures/" + run.WorkflowID }},
		{"/progress/{id}", func(int) string { return "/progress/" + run.WorkflowID }},
		{"/orders/{number}/modify", func(int) string { return "/orders/" + o.Number + "/modify" }},
		{"/orders/{number}/cancel", func(int) string { return "/orders/" + o.Number + "/cancel" }},
	} {
		measurePage(t, a, p, "a finished modify-content")
	}
}

// BenchmarkOrderPage renders one order page per iteration.
func BenchmarkOrderPage(b *testing.B) {
	a := newApp(b, nil)
	numbers := seedMany(b, a.store, 25)
	for i := 0; b.Loop(); i++ {
		a.page("/orders/" + numbers[i%len(numbers)])
	}
}

// BenchmarkOrderList renders the first page of the order list per iteration.
func BenchmarkOrderList(b *testing.B) {
	a := newApp(b, nil)
	seedMany(b, a.store, 25)
	for b.Loop() {
		a.page("/orders")
	}
}
