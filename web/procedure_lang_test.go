package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
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

// TestProcedureStepsInTheAgentsLanguage: a real modify-content, run to its
// end on Temporal (two mugs out of a 1 219,56 € card order, refunded by
// hand), read on its page by an agent who chose English and by a French
// one: each reads the steps' labels and details in their language, with
// the amounts written the way their language writes money.
func TestProcedureStepsInTheAgentsLanguage(t *testing.T) {
	ctx := context.Background()
	st := devstacktest.NewStore(t)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue})
	logs := &bytes.Buffer{}
	h := newServer(t, st, starter.NewCollector(s, st, starter.CollectOptions{}), web.Options{Namespace: "default", Logger: slog.New(slog.NewTextHandler(logs, nil))})
	fr := &app{t: t, store: st, h: h, logs: logs}
	fr.cookie, fr.csrf = signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	en := &app{t: t, store: st, h: h, logs: logs}
	en.cookie, en.csrf = signInAs(t, st, "john@boutique.fr", "John Smith", store.RoleAgent)
	if rec := en.post("/locale", url.Values{"locale": {"en"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /locale: %d", rec.Code)
	}

	// 1 175,00 € + 2 × 22,28 € = 1 219,56 €, shipping free from 50 €.
	addr := order.Address{Name: "Élodie Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number: "C-2026-000950", Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer: order.Customer{Name: addr.Name, Email: "elodie.martin@example.fr", Locale: "fr"},
		Billing:  addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines: []order.Line{
			{SKU: "LAMPE-ARC-01", Name: "Lampe arc laiton", UnitPrice: 117500, Quantity: 1, VATRate: 2000, Physical: true},
			{SKU: "MUG-GRES-02", Name: "Mug en grès émaillé", UnitPrice: 2228, Quantity: 2, VATRate: 2000, Physical: true},
		},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: string(order.PayCard), Amount: o.Totals.Total, Currency: "EUR", Reference: "ch_lang"}); err != nil {
		t.Fatal(err)
	}

	run, err := s.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "lang-1", Agent: "marie@boutique.fr", Role: store.RoleAgent, Channel: order.ContactPhone,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[1].ID, Quantity: 0}}, RecalcShipping: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := run.WorkflowID

	// No gateway in this worker: the card refund is done by hand.
	task := waitForTask(t, st, workflows.TaskRefundByHand)
	if err := s.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "marie@boutique.fr", ProviderRef: "re_lang"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := s.Progress(ctx, id)
		if err == nil && p.Status == "Completed" {
			break
		}
		if err == nil && p.Status != "Running" || time.Now().After(deadline) {
			t.Fatalf("the procedure did not complete: %+v %v", p, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	newTotal, refund := order.EUR(117500), order.EUR(4456)
	body := en.page("/procedures/" + id)
	mustContain(t, body, "Completed",
		"Take the order out of the warehouse flow (Mod ON → OFF)", "Change the order&#39;s content", "Settle the difference with the customer",
		"New total "+newTotal.English(), "Refunded: "+refund.English(), "Give the order back to the warehouse flow (Mod OFF → ON)")
	mustNotContain(t, body, "Nouveau total", "Remboursé", "Retirer la commande", newTotal.French())
	if newTotal.English() != "€1,175.00" {
		t.Errorf("English money: %q", newTotal.English())
	}

	body = fr.page("/procedures/" + id)
	mustContain(t, body, "Terminée",
		"Retirer la commande du flux logistique (Mod ON → OFF)", esc("Régler la différence avec le client"),
		esc("Nouveau total "+newTotal.French()), esc("Remboursé : "+refund.French()))
	mustNotContain(t, body, "New total", "Refunded", newTotal.English())

	// The settlement's steps are the procedure's own: the refund's label
	// carries an amount and the payment method.
	mustContain(t, en.page("/procedures/"+id), "Refund "+refund.English()+" by Card", "Refund done")
	mustContain(t, fr.page("/procedures/"+id), esc("Rembourser "+refund.French()+" par Carte bancaire"), "Remboursement effectué")

	// The order page lists the procedure in the agent's language too.
	mustContain(t, en.page("/orders/"+o.Number), "<th>Procedure</th><th>Status</th><th>Start</th><th>End</th><th>In Temporal</th>")
}

// waitForTask waits for the open task of a kind.
func waitForTask(t *testing.T, st *store.Store, kind string) store.Task {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		tasks, err := st.ListOpenTasks(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range tasks {
			if x.Kind == kind {
				return x
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no open %s task", kind)
	return store.Task{}
}
