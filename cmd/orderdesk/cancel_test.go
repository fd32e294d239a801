package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"

	"github.com/orderdesk/orderdesk/locale"
)

// cliStack is a real PostgreSQL database and the test Temporal server, with
// the environment that points the CLI at them, and the agents' web UI
// over the same database.
type cliStack struct {
	t      *testing.T
	store  *store.Store
	client client.Client
	env    map[string]string
	web    http.Handler
	cookie *http.Cookie
	csrf   string
}

func newCLIStack(t *testing.T) *cliStack {
	t.Helper()
	ctx := context.Background()
	dbURL := devstacktest.NewDatabase(t)
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	c, hostPort := devstacktest.Temporal(t)
	// The server as `orderdesk web` builds it.
	h, err := webHandler(&services{log: slog.New(slog.NewTextHandler(io.Discard, nil)), store: st, temporal: c, starter: starter.New(c, st)})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := web.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	ag, err := st.CreateAgent(ctx, store.Agent{Email: "marie@boutique.fr", Name: "Marie Dupont", Role: store.RoleAgent, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, "token-marie", ag.ID, "csrf-marie", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return &cliStack{t: t, store: st, client: c, web: h, cookie: &http.Cookie{Name: "orderdesk_session", Value: "token-marie"}, csrf: "csrf-marie",
		env: map[string]string{"DATABASE_URL": dbURL, "TEMPORAL_ADDRESS": hostPort, "TEMPORAL_NAMESPACE": "default", codecKeysVar: devstacktest.CodecKeys()}}
}

// orderdesk runs the CLI as a terminal would, and returns what it printed
// and its error.
func (s *cliStack) orderdesk(args ...string) (string, error) {
	s.t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		s.t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	out := make(chan string)
	go func() { b, _ := io.ReadAll(r); out <- string(b) }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = run(ctx, args, func(k string) string { return s.env[k] }, io.Discard)
	os.Stdout = stdout
	w.Close()
	return <-out, err
}

// page gets a page of the web UI as the signed-in agent.
func (s *cliStack) page(path string) string {
	s.t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(s.cookie)
	s.web.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		s.t.Fatalf("GET %s: %d\n%s", path, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// post sends a form of the web UI as the signed-in agent.
func (s *cliStack) post(path string, f url.Values) string {
	s.t.Helper()
	f.Set("csrf", s.csrf)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(s.cookie)
	s.web.ServeHTTP(rec, req)
	if loc := rec.Header().Get("Location"); rec.Code == http.StatusSeeOther && strings.Contains(loc, "form=") {
		// The page the POST showed (its confirmation) is kept at the
		// form's GET address, so a reload sends nothing again: follow it.
		return s.page(loc)
	}
	if rec.Code != http.StatusOK {
		s.t.Fatalf("POST %s: %d\n%s", path, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

var (
	formRe  = regexp.MustCompile(`(?s)<form [^>]*id="([^"]+)"[^>]*>(.*?)</form>`)
	inputRe = regexp.MustCompile(`<input [^>]*>`)
	attrRe  = regexp.MustCompile(`([a-z_]+)(?:="([^"]*)")?`)
)

// form is the page's form with that id as a browser sends it untouched.
func form(t *testing.T, body, id string) url.Values {
	t.Helper()
	for _, m := range formRe.FindAllStringSubmatch(body, -1) {
		if m[1] != id {
			continue
		}
		f := url.Values{}
		for _, tag := range inputRe.FindAllString(m[2], -1) {
			a := map[string]string{}
			for _, kv := range attrRe.FindAllStringSubmatch(strings.TrimPrefix(tag, "<input"), -1) {
				if _, seen := a[kv[1]]; !seen {
					a[kv[1]] = html.UnescapeString(kv[2])
				}
			}
			_, checked := a["checked"]
			_, disabled := a["disabled"]
			if a["name"] == "" || disabled || ((a["type"] == "checkbox" || a["type"] == "radio") && !checked) {
				continue
			}
			f.Add(a["name"], a["value"])
		}
		return f
	}
	t.Fatalf("no form %q in the page:\n%s", id, body)
	return nil
}

// textOf is the text of the element with the id, or "" when there is none.
func textOf(body, id string) string {
	m := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], "")))
}

// printed is the figure the CLI printed after a label, or "".
func printed(out, label string) string {
	m := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(label) + ` +(.+)$`).FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

// insertPaidOrder is a card-paid order: two mugs at 12,50 € and a T-shirt
// at 25 €, 6,90 € of shipping (free from 60 €), 56,90 € paid, 5 € of it
// refunded earlier.
func insertPaidOrder(t *testing.T, st *store.Store, number string) order.Order {
	t.Helper()
	ctx := context.Background()
	addr := order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer: order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:  addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 6000, VATRate: 2000},
		Lines: []order.Line{
			{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
			{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 1, VATRate: 2000, Physical: true},
		},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: "card", Amount: o.Totals.Total, Currency: "EUR", Reference: "ch_" + number}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateRefund(ctx, store.Refund{OrderID: o.ID, IdempotencyKey: "earlier-" + number, Amount: 500, Method: "card", Status: store.RefundSucceeded}); err != nil {
		t.Fatal(err)
	}
	return o
}

// The web form and the CLI show the same figures for the same change: the
// same order, the T-shirt left out of the cancellation, with the refund
// proposed and with one typed.
func TestCancelFiguresAreTheSameOnTheWebAndInTheCLI(t *testing.T) {
	s := newCLIStack(t)
	o := insertPaidOrder(t, s.store, "C-2026-000951")
	path := "/orders/" + o.Number + "/cancel"
	// 25 € of mugs and 6,90 € of shipping taken off 56,90 €, paid 51,90 €
	// net: 31,90 × 51,90 / 56,90 = 29,09 € proposed. 40 € typed gives
	// 10,91 € beyond that as a gesture, not owed back: 25 € - (51,90 € -
	// 40 € + 10,91 €) = 2,19 € due (the earlier 5 € refund, in proportion).
	for _, tt := range []struct {
		name      string
		refund    string // typed, "" to keep what the form proposes
		want, due int64
	}{{"the refund proposed", "", 2909, 0}, {"a refund typed", "40,00", 4000, 219}} {
		t.Run(tt.name, func(t *testing.T) {
			f := form(t, s.page(path), "cancel-form")
			f["line"] = []string{fmt.Sprint(o.Lines[0].ID)} // the mugs only
			f.Set("reason", "geste")
			args := []string{"start", "cancel-refund", "--order", o.Number, "--cancel", "MUG-01=2", "--refund-shipping", "--agent", "marie@boutique.fr", "--preview"}
			if tt.refund != "" {
				f.Set("refund", tt.refund)
				args = append(args, "--refund", tt.refund)
			}
			f.Set("step", "preview")
			body := s.post(path, f)
			out, err := s.orderdesk(args...)
			if err != nil {
				t.Fatalf("orderdesk %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			webTotal, cliTotal := textOf(body, "new-total"), printed(out, "total")
			if webTotal == "" || !strings.HasSuffix(cliTotal, "→ "+webTotal) {
				t.Errorf("new total: web %q, CLI %q", webTotal, cliTotal)
			}
			for label, id := range map[string]string{"remboursement": "refund-amount", "reste à payer": "balance-due", "payé net": "paid-net"} {
				if w, c := textOf(body, id), printed(out, label); w != c {
					t.Errorf("%s: web %q, CLI %q\nweb:\n%s\nCLI:\n%s", label, w, c, body, out)
				}
			}
			if got := printed(out, "remboursement"); got != order.EUR(tt.want).French() {
				t.Errorf("refund %q, want %s", got, order.EUR(tt.want).French())
			}
			if got, want := textOf(body, "balance-due"), order.EUR(tt.due).French(); tt.due > 0 && got != want {
				t.Errorf("left due %q, want %s", got, want)
			}
			if webTotal != order.EUR(2500).French() {
				t.Errorf("new total %q, want 25,00 €", webTotal)
			}
		})
	}
}

// The modify-content form and the CLI's --preview show the same figures
// for the same change: one mug out.
func TestModifyFiguresAreTheSameOnTheWebAndInTheCLI(t *testing.T) {
	s := newCLIStack(t)
	o := insertPaidOrder(t, s.store, "C-2026-000952")
	path := "/orders/" + o.Number + "/modify"
	mug := fmt.Sprint(o.Lines[0].ID)
	f := form(t, s.page(path), "modify-form")
	f["line"] = []string{mug}
	f.Set("qty_"+mug, "1")
	f.Set("channel", string(order.ContactPhone))
	f.Set("step", "preview")
	body := s.post(path, f)
	out, err := s.orderdesk("start", "modify-content", "--order", o.Number, "--set", "MUG-01=1", "--channel", "phone", "--agent", "marie@boutique.fr", "--preview")
	if err != nil {
		t.Fatalf("orderdesk: %v\n%s", err, out)
	}
	grand := regexp.MustCompile(`(?s)<tr class="grand">.*?</tr>`).FindString(body)
	cells := regexp.MustCompile(`<td class="num">([^<]*)</td>`).FindAllStringSubmatch(grand, -1)
	if len(cells) != 2 {
		t.Fatalf("no totals on the confirmation:\n%s", body)
	}
	if want := html.UnescapeString(cells[0][1]) + " → " + html.UnescapeString(cells[1][1]); printed(out, "total") != want {
		t.Errorf("total: web %q, CLI %q", want, printed(out, "total"))
	}
	refund := textOf(body, "refund-amount")
	if refund == "" || !strings.Contains(out, "À rembourser au client\u00a0: "+refund) {
		t.Errorf("refund: web %q, CLI:\n%s", refund, out)
	}
}

// --cancel above what can be cancelled is refused naming the flag, the
// product and the most that can be cancelled; nothing is written.
func TestCancelRefundCLIRefusesAQuantityAboveWhatCanBeCancelled(t *testing.T) {
	s := newCLIStack(t)
	o := insertPaidOrder(t, s.store, "C-2026-000953")
	out, err := s.orderdesk("start", "cancel-refund", "--order", o.Number, "--cancel", "MUG-01=3", "--agent", "marie@boutique.fr", "--request-id", "too-many")
	if err == nil {
		t.Fatalf("accepted:\n%s", out)
	}
	got := describe(err, locale.For(locale.French))
	for _, want := range []string{"--cancel : ", "La quantité 3 pour MUG-01 dépasse ce qui peut encore être annulé (2 ", "annulez-en au plus 2."} {
		if !strings.Contains(got, want) {
			t.Errorf("the CLI says %q, want it to say %q", got, want)
		}
	}
	if _, err := s.client.DescribeWorkflowExecution(context.Background(), workflows.WorkflowID(workflows.ProcCancelRefund, o.Number, "too-many"), ""); err == nil {
		t.Errorf("a procedure was started")
	}
	after, err := s.store.GetOrder(context.Background(), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != o.Version || after.Lines[0].QtyCancelled != 0 {
		t.Errorf("the order changed: %+v", after)
	}
}

// A command run again with the --request-id of a procedure that finished
// says it is done, pointing at it, instead of checking the request against
// the order it changed.
func TestCLIRetryAfterTheProcedureFinished(t *testing.T) {
	s := newCLIStack(t)
	ctx := context.Background()
	st := s.store
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: activities.Shop{}})
	first := starter.New(c, st, starter.Options{TaskQueue: queue})

	// cancel-refund: the mugs cancelled; run again, none is left to cancel.
	o := insertPaidOrder(t, st, "C-2026-000954")
	run, err := first.CancelRefund(ctx, starter.CancelRefundRequest{OrderNumber: o.Number, RequestID: "first", Agent: "marie@boutique.fr",
		Cancel: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Result(ctx, run.WorkflowID, nil); err != nil {
		t.Fatal(err)
	}
	out, err := s.orderdesk("start", "cancel-refund", "--order", o.Number, "--cancel", "MUG-01=2", "--agent", "marie@boutique.fr", "--request-id", "first")
	if err != nil || !strings.Contains(out, "already done by this request id: "+run.WorkflowID) {
		t.Errorf("cancel-refund run again: %v\n%s", err, out)
	}

	// modify-content: the mugs removed, so the line is gone.
	o = insertPaidOrder(t, st, "C-2026-000955")
	run, err = first.ModifyContent(ctx, starter.ModifyContentRequest{OrderNumber: o.Number, RequestID: "first", Agent: "marie@boutique.fr",
		Channel: order.ContactPhone, Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 0}}}})
	if err != nil {
		t.Fatal(err)
	}
	task := waitOpenTask(t, st, o.ID)
	if err := first.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "marie@boutique.fr"}); err != nil {
		t.Fatal(err)
	}
	if err := first.Result(ctx, run.WorkflowID, nil); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.GetOrder(ctx, o.Number); func() bool { _, ok := after.LineBySKU("MUG-01"); return ok }() {
		t.Logf("the mugs' line is still in the order: %+v", after.Lines)
	}
	out, err = s.orderdesk("start", "modify-content", "--order", o.Number, "--set", "MUG-01=0", "--channel", "phone", "--agent", "marie@boutique.fr", "--request-id", "first")
	if err != nil || !strings.Contains(out, "already done by this request id: "+run.WorkflowID) {
		t.Errorf("modify-content run again: %v\n%s", err, out)
	}
}

// waitOpenTask waits for the order's open task.
func waitOpenTask(t *testing.T, st *store.Store, orderID int64) store.Task {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ts, err := st.ListTasks(context.Background(), orderID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.Status == store.TaskOpen {
				return x
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("order #%d: no open task", orderID)
	return store.Task{}
}
