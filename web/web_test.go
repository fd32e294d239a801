package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/web/api"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }

const (
	temporalUI = "http://localhost:8233"
	workflowID = "modify-content/C-2026-000123/req-1"
)

// placedAt is 14:05 in Paris (UTC+1 in November).
var placedAt = time.Date(2026, 11, 21, 13, 5, 0, 0, time.UTC)

// fakeProcedures stands in for Temporal's visibility API (the starter):
// the web package only reads the list.
type fakeProcedures struct {
	list []starter.Procedure
	err  error
}

func (f fakeProcedures) OrderProcedures(ctx context.Context, number string) ([]starter.Procedure, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []starter.Procedure
	for _, p := range f.list {
		if strings.Contains(p.WorkflowID, "/"+number+"/") {
			out = append(out, p)
		}
	}
	return out, nil
}

// app is the UI on a fresh database, with what it logged.
type app struct {
	t      testing.TB
	store  *store.Store
	h      http.Handler
	logs   *bytes.Buffer
	cookie *http.Cookie // the signed-in agent's session
	csrf   string
}

// newApp is the UI on a fresh database, with a starter on the Temporal
// dev server that no worker serves (the pages here start nothing), and
// the order's procedures as procs lists them (none when nil).
func newApp(t testing.TB, procs web.ProcedureLister) *app {
	t.Helper()
	st := devstacktest.NewStore(t)
	c, _ := devstacktest.Temporal(t)
	if procs == nil {
		procs = fakeProcedures{}
	}
	logs := &bytes.Buffer{}
	h := newServer(t, st, starter.NewCollector(starter.New(c, st), st, starter.CollectOptions{}), web.Options{
		Procedures:    procs,
		TemporalUIURL: temporalUI + "/",
		Namespace:     "default",
		Logger:        slog.New(slog.NewTextHandler(logs, nil)),
	})
	a := &app{t: t, store: st, h: h, logs: logs}
	a.cookie, a.csrf = signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	return a
}

// apiToken is the bearer token of the API beside the UI (newServer).
const apiToken = "test-token-0123456789abcdef0123456789abcdef"

// refundRoutes says which means of payment a provider refunds.
type refundRoutes map[order.PaymentMethod]bool

func (r refundRoutes) RefundsAutomatically(m order.PaymentMethod) bool { return r[m] }

// refundedByProvider are the means make dev's sandbox refunds (the others,
// PayPal, HiPay, Paybox, cheques, by hand).
var refundedByProvider = refundRoutes{order.PayCard: true, order.PayStripe: true, order.PayBankPayment: true, order.PayTerminal: true, order.PayBankTransfer: true}

// newServer is what orderdesk serves (cmd/orderdesk): the UI over st, the
// JSON API (token apiToken) and the payment webhook beside it, both asking
// col of the procedures. The UI's other options are opt's; col lists the
// procedures unless opt.Procedures does.
func newServer(t testing.TB, st *store.Store, col *starter.Collector, opt web.Options) http.Handler {
	t.Helper()
	opt.Store, opt.Starter = st, col
	if opt.Procedures == nil {
		opt.Procedures = col
	}
	if opt.Refunds == nil {
		opt.Refunds = refundedByProvider
	}
	ui, err := web.New(opt)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	machines, err := api.New(api.Options{Store: st, Starter: col, Token: apiToken, Logger: opt.Logger, RequestTimeout: opt.RequestTimeout})
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", ui)
	for _, p := range api.Patterns() {
		mux.Handle(p, machines)
	}
	return mux
}

// signInAs creates an agent and a session for them, as a sign-in would,
// and returns the session cookie and the CSRF token of its forms.
func signInAs(t testing.TB, st *store.Store, email, name, role string) (*http.Cookie, string) {
	t.Helper()
	ctx := context.Background()
	hash, err := web.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	ag, err := st.CreateAgent(ctx, store.Agent{Email: email, Name: name, Role: role, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	token, csrf := "token-"+email, "csrf-"+email
	if err := st.CreateSession(ctx, token, ag.ID, csrf, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: "orderdesk_session", Value: token}, csrf
}

// get requests a page as the signed-in agent and returns its status and body.
func (a *app) get(path string) (int, string) {
	a.t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(a.cookie)
	a.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// post sends a form as the signed-in agent, with the session's CSRF token
// unless the form has one, and returns the response.
func (a *app) post(path string, form url.Values) *httptest.ResponseRecorder {
	a.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", a.csrf)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(a.cookie)
	a.h.ServeHTTP(rec, req)
	if loc := rec.Header().Get("Location"); rec.Code == http.StatusSeeOther && strings.Contains(loc, "form=") {
		// A page the POST showed (a refusal, a confirmation) is kept and
		// shown at its form's GET address, with its status: follow it.
		rec = httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, loc, nil)
		req.AddCookie(a.cookie)
		a.h.ServeHTTP(rec, req)
	}
	return rec
}

// postOnly sends a form as post does, without following the redirect to
// the page a refused form is kept at.
func (a *app) postOnly(path string, form url.Values) *httptest.ResponseRecorder {
	a.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", a.csrf)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(a.cookie)
	a.h.ServeHTTP(rec, req)
	return rec
}

// page requests a page that must render (200).
func (a *app) page(path string) string {
	a.t.Helper()
	code, body := a.get(path)
	if code != http.StatusOK {
		a.t.Fatalf("GET %s: status %d, want 200\n%s\nlogs: %s", path, code, body, a.logs)
	}
	return body
}

// seeded is what seedOrder wrote.
type seeded struct {
	order order.Order
	email store.Email
	task  store.Task
}

// seedOrder writes the order of the modify-content procedure after its change: a card-paid
// order of 1 234,56 € whose mugs were taken out on the phone, with the
// refund still to do by hand.
func seedOrder(t *testing.T, st *store.Store, number, customerName string) seeded {
	t.Helper()
	ctx := context.Background()
	addr := order.Address{Name: customerName, Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number:        number,
		Status:        order.StatusPaid,
		Logistics:     order.LogisticsAwaitingPrinting,
		PaymentMethod: order.PayCard,
		Customer:      order.Customer{Name: customerName, Email: "elodie.martin@example.fr", Phone: "06 12 34 56 78"},
		Billing:       addr,
		Delivery:      addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 10000, VATRate: 2000},
		Lines: []order.Line{
			{SKU: "LAMPE-ARC-01", Name: "Lampe arc laiton", UnitPrice: 117500, Quantity: 1, VATRate: 2000, Physical: true},
			{SKU: "MUG-GRES-02", Name: "Mug en grès émaillé", UnitPrice: 2228, Quantity: 2, VATRate: 2000, Physical: true},
			{SKU: "LIVRE-CUIS-07", Name: "Livre « Cuisine lyonnaise »", UnitPrice: 1500, Quantity: 1, VATRate: 550, Physical: true},
		},
		CreatedAt: placedAt,
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(ctx, o)
	if err != nil {
		t.Fatalf("InsertOrder: %v", err)
	}
	wf := "modify-content/" + number + "/req-1"
	if _, err := st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: string(order.PayCard), Amount: o.Totals.Total, Currency: "EUR", Reference: "ch_3PaYmEnT", ReceivedAt: placedAt.Add(time.Minute)}); err != nil {
		t.Fatalf("AddPayment: %v", err)
	}
	events := []store.Event{
		{OrderID: o.ID, At: placedAt.Add(time.Hour), ActorKind: store.ActorProcedure, Actor: wf, WorkflowID: wf, Kind: "hold_taken", Message: "Commande retirée du circuit logistique automatique"},
		{OrderID: o.ID, At: placedAt.Add(time.Hour + time.Minute), ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", WorkflowID: wf, Kind: "content_changed", Message: "Produits retirés : 2 × Mug en grès émaillé (MUG-GRES-02)", ContactChannel: string(order.ContactPhone)},
		{OrderID: o.ID, At: placedAt.Add(2 * time.Hour), ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", Kind: "note", Message: "La cliente rappelle demain <b>matin</b>"},
	}
	for _, ev := range events {
		if _, err := st.AddEvent(ctx, ev); err != nil {
			t.Fatalf("AddEvent: %v", err)
		}
	}
	if _, err := st.CreateRefund(ctx, store.Refund{OrderID: o.ID, IdempotencyKey: wf + "/refund", Amount: 4456, Currency: "EUR", Method: string(order.PayCard), Status: store.RefundManualPending, WorkflowID: wf}); err != nil {
		t.Fatalf("CreateRefund: %v", err)
	}
	task, err := st.CreateTask(ctx, store.Task{Key: wf + "/refund-task", OrderID: o.ID, WorkflowID: wf, Kind: "refund_by_hand",
		Question: "Rembourser la cliente à la main", Amount: 4456, Options: []string{"done", "impossible"}})
	if err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	email, err := st.EnqueueEmail(ctx, store.Email{Key: wf + "/email", OrderID: o.ID, ToEmail: o.Customer.Email, ToName: customerName,
		Locale: "fr", Template: "content_modified", Subject: "Votre commande " + number + " a été modifiée",
		BodyText: "Bonjour,\nvotre commande a été modifiée.", BodyHTML: `<p>Bonjour,</p><p>votre commande a été <strong>modifiée</strong>.</p><script>alert("x")</script>`})
	if err != nil {
		t.Fatalf("EnqueueEmail: %v", err)
	}
	return seeded{order: o, email: email, task: task}
}

// esc is how html/template writes a text: what the agent reads, as HTML.
func esc(s string) string { return html.EscapeString(s) }

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	failed := false
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
			failed = true
		}
	}
	if failed {
		t.Logf("page:\n%s", body)
	}
}

func mustNotContain(t *testing.T, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("page shows %q", b)
		}
	}
}

func TestOrderListSearchesAndFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	s := seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	other := seedOrder(t, a.store, "C-2026-000124", "Bruno Lefèvre")
	_ = other

	body := a.page("/orders")
	mustContain(t, body,
		`href="/orders/C-2026-000123"`, "Élodie Martin", esc(order.EUR(123456).French()),
		"21/11/2026 14:05", esc(order.StatusPaid.Label("fr")), esc(order.LogisticsAwaitingPrinting.Label("fr")),
		"Carte bancaire", "2 commandes")

	for _, q := range []string{"MUG-GRES", "mug-gres-02", "elodie.martin@example", "Élodie", "000123", "Cuisine lyonnaise"} {
		body := a.page("/orders?q=" + url.QueryEscape(q))
		if !strings.Contains(body, `href="/orders/C-2026-000123"`) {
			t.Errorf("search %q does not find the order", q)
		}
	}
	body = a.page("/orders?q=000123")
	mustNotContain(t, body, `href="/orders/C-2026-000124"`)
	body = a.page("/orders?q=trombone")
	mustNotContain(t, body, `href="/orders/C-2026-000123"`)
	mustContain(t, body, "Aucune commande ne correspond")

	if body := a.page("/orders?status=paid&logistics=awaiting_printing&payment=card"); !strings.Contains(body, s.order.Number) {
		t.Errorf("filters paid/awaiting_printing/card do not find the order")
	}
	for _, f := range []string{"status=cancelled", "logistics=shipped", "payment=cheque", "archived=1"} {
		if body := a.page("/orders?" + f); strings.Contains(body, `href="/orders/C-2026-000123"`) {
			t.Errorf("filter %s shows the order", f)
		}
	}
	// The filter a form never sends is refused, not ignored.
	if code, body := a.get("/orders?status=perdue"); code != http.StatusBadRequest || !strings.Contains(body, "Statut inconnu") {
		t.Errorf("unknown status: %d, want 400 with a message\n%s", code, body)
	}
	// Sort by number, ascending: 123 before 124.
	body = a.page("/orders?sort=number&dir=asc")
	if i, j := strings.Index(body, "C-2026-000123</strong>"), strings.Index(body, "C-2026-000124</strong>"); i < 0 || j < 0 || i > j {
		t.Errorf("sort by number ascending: 123 at %d, 124 at %d", i, j)
	}
	body = a.page("/orders?sort=number")
	if i, j := strings.Index(body, "C-2026-000123</strong>"), strings.Index(body, "C-2026-000124</strong>"); i < j {
		t.Errorf("sort by number descending: 123 at %d, 124 at %d", i, j)
	}
}

func TestOrderPage(t *testing.T) {
	t.Parallel()
	procs := fakeProcedures{list: []starter.Procedure{{
		WorkflowID: workflowID, RunID: "run-1", Type: "modify-content", Status: "Running",
		StartTime: placedAt.Add(time.Hour), AwaitingAgent: true,
	}}}
	a := newApp(t, procs)
	s := seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")

	body := a.page("/orders/C-2026-000123")
	escapedID := url.PathEscape(workflowID)
	if !strings.Contains(escapedID, "%2F") {
		t.Fatalf("test assumption: %q keeps its slashes", escapedID)
	}
	mustContain(t, body,
		"<h1>Commande C-2026-000123</h1>",
		esc(order.StatusPaid.Label("fr")), // Payée — à expédier
		esc(order.LogisticsAwaitingPrinting.Label("fr")),
		// customer and addresses
		"Élodie Martin", "elodie.martin@example.fr", "12 rue des Lilas", "69003 Lyon",
		// lines: SKU, name, unit price, quantity, VAT rate, line total
		"LAMPE-ARC-01", "Lampe arc laiton", esc(order.EUR(117500).French()), "MUG-GRES-02", esc(order.EUR(4456).French()),
		"20\u00a0%", "5,5\u00a0%",
		// totals and VAT table
		"Marchandises", "Total TTC", esc(order.EUR(123456).French()), "Offerts",
		esc(order.EUR(s.order.Totals.VAT[0].Net).French()), esc(order.EUR(s.order.Totals.VAT[1].VAT).French()),
		// payments and refunds
		"ch_3PaYmEnT", "Carte bancaire", "À faire à la main",
		// the open task
		"Rembourser la cliente à la main", "En attente d",
		// history, with the contact channel and the note escaped
		"Produits retirés : 2 × Mug en grès émaillé (MUG-GRES-02)", "contact par Téléphone", "Agent marie@boutique.fr",
		"La cliente rappelle demain &lt;b&gt;matin&lt;/b&gt;",
		// the email, readable
		esc("Votre commande C-2026-000123 a été modifiée"), fmt.Sprintf(`href="/emails/%d"`, s.email.ID),
		// the procedure, its state and its link to the Temporal Web UI
		"Modification du contenu", "En cours", "attend un agent",
		`href="`+temporalUI+`/namespaces/default/workflows/`+escapedID+`"`,
	)
	mustNotContain(t, body, "<b>matin", "Temporal ne répond pas")
	// The total shown is the order's: the VAT lines add up to it.
	var gross int64
	for _, v := range s.order.Totals.VAT {
		gross += v.Gross
	}
	if gross != 123456 {
		t.Errorf("test data: VAT lines sum to %d", gross)
	}
}

// When Temporal does not list the order's procedures, the order page
// shows those found in the order's history, without Temporal's error.
func TestOrderPageWithoutTemporal(t *testing.T) {
	t.Parallel()
	a := newApp(t, fakeProcedures{err: errors.New("rpc error: code = Unavailable desc = connection refused")})
	seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	body := a.page("/orders/C-2026-000123")
	mustContain(t, body, "Modification du contenu", "trouvées dans l", "inconnu",
		`href="`+temporalUI+`/namespaces/default/workflows/`+url.PathEscape(workflowID)+`"`)
	mustNotContain(t, body, "connection refused")
}

func TestUnknownOrderIs404(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	code, body := a.get("/orders/C-1999-000001")
	if code != http.StatusNotFound {
		t.Errorf("status %d, want 404", code)
	}
	mustContain(t, body, "Commande introuvable", "C-1999-000001")
	mustNotContain(t, body, "not found", "store.")

	code, body = a.get("/emails/987654")
	if code != http.StatusNotFound || !strings.Contains(body, "E-mail introuvable") {
		t.Errorf("unknown email: %d\n%s", code, body)
	}
	code, body = a.get("/nulle-part")
	if code != http.StatusNotFound || !strings.Contains(body, "Page introuvable") {
		t.Errorf("unknown page: %d\n%s", code, body)
	}
}

func TestNamesAreEscaped(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	name := `Zoé <script>alert("pwn")</script> Roux`
	seedOrder(t, a.store, "C-2026-000666", name)
	for _, path := range []string{"/orders", "/orders/C-2026-000666", "/outbox", "/tasks"} {
		body := a.page(path)
		if strings.Contains(body, "<script>alert") {
			t.Errorf("%s: the customer's name is not escaped", path)
		}
		if path != "/tasks" && !strings.Contains(body, "Zoé &lt;script&gt;alert(&#34;pwn&#34;)&lt;/script&gt; Roux") {
			t.Errorf("%s: the customer's name is not shown as text", path)
		}
	}
}

func TestEmailPage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	s := seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	body := a.page(fmt.Sprintf("/emails/%d", s.email.ID))
	mustContain(t, body,
		esc("Votre commande C-2026-000123 a été modifiée"), "elodie.martin@example.fr",
		`<iframe class="email-body" sandbox=""`,
		// the HTML body is an attribute value: escaped, so it cannot close the iframe
		`srcdoc="&lt;p&gt;Bonjour,&lt;/p&gt;`,
		`href="/orders/C-2026-000123"`,
	)
	mustNotContain(t, body, `<script>alert("x")`)
	if code, _ := a.get("/emails/abc"); code != http.StatusNotFound {
		t.Errorf("/emails/abc: %d, want 404", code)
	}
}

func TestTasksAndOutbox(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	first := seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	seedOrder(t, a.store, "C-2026-000124", "Bruno Lefèvre")

	body := a.page("/tasks")
	mustContain(t, body, "2 tâches ouvertes", `href="/orders/C-2026-000123"`, "Rembourser la cliente à la main",
		esc(order.EUR(4456).French()), "à l&#39;instant")
	if i, j := strings.Index(body, "C-2026-000123"), strings.Index(body, "C-2026-000124"); i > j {
		t.Errorf("tasks: the oldest is not first")
	}

	body = a.page("/outbox")
	mustContain(t, body, fmt.Sprintf(`href="/emails/%d"`, first.email.ID), esc("Votre commande C-2026-000124 a été modifiée"))
	if i, j := strings.Index(body, "C-2026-000124 a été"), strings.Index(body, "C-2026-000123 a été"); i > j {
		t.Errorf("outbox: the newest is not first")
	}
}

func TestRedirectHealthAndStatic(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(a.cookie)
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/orders" {
		t.Errorf("GET /: %d to %q, want 303 to /orders", rec.Code, rec.Header().Get("Location"))
	}
	if code, body := a.get("/healthz"); code != http.StatusOK || body != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	code, css := a.get("/static/style.css")
	if code != http.StatusOK || !strings.Contains(css, ".topbar") {
		t.Errorf("/static/style.css: %d", code)
	}
	body := a.page("/orders")
	mustContain(t, body, `href="/static/style.css?v=`, ">Commandes</a>", ">Tâches", "Boîte d&#39;envoi</a>")
}

func TestInternalErrorShowsAReference(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.store.Close() // every query now fails inside the driver
	code, body := a.get("/orders")
	if code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", code)
	}
	mustContain(t, body, "Erreur interne", "Référence")
	mustNotContain(t, body, "closed", "pool", "store.SessionByToken")
	ref := body[strings.Index(body, "<code>")+len("<code>"):]
	ref = ref[:strings.Index(ref, "<")]
	if !strings.Contains(a.logs.String(), "ref="+ref) || !strings.Contains(a.logs.String(), "store.SessionByToken") {
		t.Errorf("the log lacks the reference %s and the detail:\n%s", ref, a.logs)
	}
	if code, body := a.get("/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz on a closed store: %d %q", code, body)
	}
}

// Every dependency of the UI is required: a missing one stops start-up
// with an error naming it, rather than a page that fails later.
func TestNewNamesAMissingDependency(t *testing.T) {
	t.Parallel()
	st := devstacktest.NewStore(t)
	c, _ := devstacktest.Temporal(t)
	col := starter.NewCollector(starter.New(c, st), st, starter.CollectOptions{})
	full := web.Options{Store: st, Procedures: col, Starter: col, Refunds: refundedByProvider}
	if _, err := web.New(full); err != nil {
		t.Fatalf("New with every dependency: %v", err)
	}
	for field, opt := range map[string]web.Options{
		"Store":      {Procedures: col, Starter: col, Refunds: refundedByProvider},
		"Procedures": {Store: st, Starter: col, Refunds: refundedByProvider},
		"Starter":    {Store: st, Procedures: col, Refunds: refundedByProvider},
		"Refunds":    {Store: st, Procedures: col, Starter: col},
	} {
		if _, err := web.New(opt); err == nil || !strings.Contains(err.Error(), "Options."+field) {
			t.Errorf("New without %s: %v, want an error naming Options.%s", field, err, field)
		}
	}
}
