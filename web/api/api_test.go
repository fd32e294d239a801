package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web/api"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }

const (
	apiToken      = "test-token-0123456789abcdef0123456789abcdef"
	merchantEmail = "boutique@vieuxlyon.test"
	webhookSecret = "whsec_test"
	// previousWebhookSecret is the secret being retired: the app runs
	// mid-rotation, both verify.
	previousWebhookSecret = "whsec_retiring"
)

// apiOrderSeq numbers the orders the API tests create: the Temporal dev
// server lives as long as the test process, so a test run again
// (-count=2) must not reuse the ids of its procedures.
var apiOrderSeq atomic.Int64

func newOrderNumber() string { return fmt.Sprintf("C-2026-%06d", 4000+apiOrderSeq.Add(1)) }

// apiApp is the API and the webhook, over a real PostgreSQL, a real
// Temporal and an in-process worker.
type apiApp struct {
	t     *testing.T
	store *store.Store
	start *starter.Collector
	h     http.Handler
	logs  *bytes.Buffer
}

func newAPIApp(t *testing.T) *apiApp {
	t.Helper()
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	shop := activities.Shop{
		Seller: store.Seller{Name: "Boutique du Vieux Lyon SARL", Address: order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon"},
			SIRET: "12345678900012", VATNumber: "FR32123456789"},
		MerchantEmail: merchantEmail, PaymentLinkURL: "https://pay.vieuxlyon.test/invoices",
	}
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: shop})
	col := starter.NewCollector(starter.New(c, st, starter.Options{TaskQueue: queue}), st,
		starter.CollectOptions{Seller: shop.Seller, MerchantEmail: merchantEmail, WebhookSecret: webhookSecret, PreviousWebhookSecret: previousWebhookSecret})
	logs := &bytes.Buffer{}
	h, err := api.New(api.Options{Store: st, Starter: col, Token: apiToken, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &apiApp{t: t, store: st, start: col, h: h, logs: logs}
}

// apiReply is an API answer: the status and the JSON body.
type apiReply struct {
	code int
	body map[string]any
	raw  string
}

// str is a member of the answer, or of its error ({"error": {...}}):
// "error" is the error's message.
func (r apiReply) str(key string) string {
	if e, ok := r.body["error"].(map[string]any); ok {
		k := key
		if k == "error" {
			k = "message"
		}
		if s, ok := e[k].(string); ok {
			return s
		}
	}
	s, _ := r.body[key].(string)
	return s
}

// call sends a request to the API with the given token ("" sends none).
func callAPI(t *testing.T, h http.Handler, method, path, token string, body any) apiReply {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	out := apiReply{code: rec.Code, raw: rec.Body.String()}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, want JSON; body %s", method, path, ct, out.raw)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out.body); err != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, path, err, out.raw)
	}
	return out
}

func (a *apiApp) call(method, path string, body any) apiReply {
	a.t.Helper()
	return callAPI(a.t, a.h, method, path, apiToken, body)
}

// storefrontOrder is an order as the storefront sends it: two mugs and a
// cookbook (48,90 €), under the 60 € of free shipping (6,90 €), with a
// 5 € code: 50,80 € paid by card.
func storefrontOrder(number string) map[string]any {
	addr := func() map[string]any {
		return map[string]any{"name": "Camille Martin", "line1": "12 rue des Lilas", "postal_code": "69003", "city": "Lyon", "country": "FR"}
	}
	return map[string]any{
		"number":           number,
		"customer":         map[string]any{"name": "Camille Martin", "email": "camille@example.fr", "phone": "+33 6 12 34 56 78", "locale": "fr"},
		"billing_address":  addr(),
		"delivery_address": addr(),
		"payment_method":   "card",
		"shipping_rules":   map[string]any{"method": "Colissimo domicile", "fee_cents": 690, "free_from_cents": 6000, "vat_rate_bp": 2000},
		"discount":         map[string]any{"kind": "fixed", "code": "BIENVENUE5", "amount_cents": 500},
		"lines": []any{
			map[string]any{"sku": "MUG-01", "name": "Mug Tour Eiffel", "unit_price_cents": 1250, "quantity": 2, "vat_rate_bp": 2000, "physical": true},
			map[string]any{"sku": "BOOK-01", "name": "Livre de cuisine lyonnaise", "unit_price_cents": 2390, "quantity": 1, "vat_rate_bp": 550, "physical": true},
		},
		"payment":     map[string]any{"amount_cents": 5080, "reference": "pi_3Nabc"},
		"total_cents": 5080,
	}
}

// unpaidOrder is the same order paid by bank transfer: no payment yet.
func unpaidOrder(number string) map[string]any {
	o := storefrontOrder(number)
	o["payment_method"] = "bank_transfer"
	delete(o, "payment")
	return o
}

// merchantEmails waits for the notify-new-order procedure of the order to
// end and returns the emails to the shop.
func (a *apiApp) merchantEmails(number string) []store.Email {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.start.Result(ctx, workflows.WorkflowID(workflows.ProcNotifyNewOrder, number, "arrival"), nil); err != nil {
		a.t.Fatalf("notify-new-order of %s: %v", number, err)
	}
	o, err := a.store.GetOrder(ctx, number)
	if err != nil {
		a.t.Fatal(err)
	}
	es, err := a.store.ListEmails(ctx, o.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	var out []store.Email
	for _, e := range es {
		if e.ToEmail == merchantEmail {
			out = append(out, e)
		}
	}
	return out
}

func countOrders(t *testing.T, st *store.Store) int {
	t.Helper()
	_, n, err := st.ListOrders(context.Background(), store.OrderFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The storefront hands over a paid order: it is recorded with the totals
// orderdesk computes, paid, awaiting printing, with its payment and its
// history, and the shop gets one email. The same POST again answers the
// same order and notifies no one twice; another order under its number is
// refused, naming what differs.
func TestAPICreateOrder(t *testing.T) {
	a := newAPIApp(t)
	ctx := context.Background()
	number := newOrderNumber()

	got := a.call(http.MethodPost, "/api/orders", storefrontOrder(number))
	if got.code != http.StatusCreated {
		t.Fatalf("POST: %d %s\nlogs: %s", got.code, got.raw, a.logs)
	}
	totals, _ := got.body["totals"].(map[string]any)
	if got.str("number") != number || got.str("status") != "paid" || got.str("logistics_status") != "awaiting_printing" ||
		totals["merchandise_cents"] != 4890.0 || totals["discount_cents"] != 500.0 || totals["shipping_cents"] != 690.0 || totals["total_cents"] != 5080.0 ||
		got.body["paid_net_cents"] != 5080.0 {
		t.Fatalf("POST answered %s", got.raw)
	}

	o, err := a.store.GetOrder(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != order.StatusPaid || o.Logistics != order.LogisticsAwaitingPrinting || o.ShippingFee != 690 ||
		o.Totals.Total != 5080 || len(o.Lines) != 2 || o.Lines[1].VATRate != 550 || o.Discount.Code != "BIENVENUE5" ||
		o.ShippingRules.FreeFrom != 6000 || o.Customer.Email != "camille@example.fr" || o.Delivery.City != "Lyon" {
		t.Fatalf("stored order: %+v", o)
	}
	ps, _ := a.store.ListPayments(ctx, o.ID)
	if len(ps) != 1 || ps[0].Amount != 5080 || ps[0].Reference != "pi_3Nabc" || ps[0].Method != "card" {
		t.Fatalf("payments: %+v", ps)
	}
	kinds := func() []string {
		evs, _ := a.store.ListEvents(ctx, o.ID)
		var ks []string
		for _, e := range evs {
			if e.Kind == "order_placed" || e.Kind == "payment_received" {
				ks = append(ks, e.Kind)
			}
		}
		return ks
	}
	if ks := kinds(); strings.Join(ks, ",") != "order_placed,payment_received" {
		t.Fatalf("history: %v", ks)
	}
	mails := a.merchantEmails(number)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject+mails[0].BodyText, number) || mails[0].Template != mail.TemplateMerchantNewOrder {
		t.Fatalf("merchant emails: %+v", mails)
	}

	// GET reads it back.
	got = a.call(http.MethodGet, "/api/orders/"+number, nil)
	if got.code != http.StatusOK || got.str("status") != "paid" || got.body["totals"].(map[string]any)["total_cents"] != 5080.0 {
		t.Fatalf("GET: %d %s", got.code, got.raw)
	}
	if got := a.call(http.MethodGet, "/api/orders/C-2026-999999", nil); got.code != http.StatusNotFound || !strings.Contains(got.str("error"), "C-2026-999999") {
		t.Fatalf("GET unknown: %d %s", got.code, got.raw)
	}

	// The storefront did not hear the answer and sends it again (spaced
	// differently, without the total): the same order, nothing twice.
	again := storefrontOrder(number)
	again["number"] = " " + number + " "
	delete(again, "total_cents")
	got = a.call(http.MethodPost, "/api/orders", again)
	if got.code != http.StatusOK || got.str("number") != number || got.str("status") != "paid" {
		t.Fatalf("second POST: %d %s", got.code, got.raw)
	}
	if n := countOrders(t, a.store); n != 1 {
		t.Fatalf("%d orders after the second POST", n)
	}
	if ps, _ := a.store.ListPayments(ctx, o.ID); len(ps) != 1 {
		t.Fatalf("payments after the second POST: %+v", ps)
	}
	if ks := kinds(); len(ks) != 2 {
		t.Fatalf("history after the second POST: %v", ks)
	}
	if mails := a.merchantEmails(number); len(mails) != 1 {
		t.Fatalf("merchant emails after the second POST: %d", len(mails))
	}

	// Another order under the same number.
	other := storefrontOrder(number)
	other["lines"].([]any)[1].(map[string]any)["quantity"] = 2 // 72,80 €: free shipping
	other["total_cents"] = 6780
	other["payment"].(map[string]any)["amount_cents"] = 6780
	got = a.call(http.MethodPost, "/api/orders", other)
	if got.code != http.StatusConflict || got.str("field") != "lines[1].quantity" || !strings.Contains(got.str("error"), number) {
		t.Fatalf("different order, same number: %d %s", got.code, got.raw)
	}
	if o2, _ := a.store.GetOrder(ctx, number); o2.Version != o.Version || o2.Lines[1].Quantity != 1 {
		t.Fatalf("the refused POST changed the order: %+v", o2)
	}
}

// The storefront's retries can cross: the same order posted five times at
// once is one order, one payment, one email, and exactly one 201.
func TestAPICreateOrderConcurrently(t *testing.T) {
	a := newAPIApp(t)
	number := newOrderNumber()
	codes := make(chan int, 5)
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			codes <- callAPI(t, a.h, http.MethodPost, "/api/orders", apiToken, storefrontOrder(number)).code
		})
	}
	wg.Wait()
	close(codes)
	created := 0
	for c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Errorf("a concurrent POST answered %d\nlogs: %s", c, a.logs)
		}
	}
	if created != 1 || countOrders(t, a.store) != 1 {
		t.Fatalf("%d answered 201, %d orders", created, countOrders(t, a.store))
	}
	o, _ := a.store.GetOrder(context.Background(), number)
	if ps, _ := a.store.ListPayments(context.Background(), o.ID); len(ps) != 1 {
		t.Fatalf("payments: %+v", ps)
	}
	if mails := a.merchantEmails(number); len(mails) != 1 {
		t.Fatalf("merchant emails: %d", len(mails))
	}
}

// An order stored by another way in (an import) and posted with the same
// content is taken as that order; with another content, 409.
func TestAPIOrderAlreadyThere(t *testing.T) {
	a := newAPIApp(t)
	ctx := context.Background()
	number := newOrderNumber()
	// What a first POST that stopped right after the order's row leaves.
	o := order.Order{
		Number: number, Status: order.StatusNew, PaymentMethod: order.PayBankTransfer, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille@example.fr", Phone: "+33 6 12 34 56 78", Locale: "fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 6000, VATRate: 2000},
		ShippingFee:   690,
		Discount:      order.Discount{Kind: order.DiscountFixed, Code: "BIENVENUE5", Amount: 500},
		Lines: []order.Line{
			{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
			{SKU: "BOOK-01", Name: "Livre de cuisine lyonnaise", UnitPrice: 2390, Quantity: 1, VATRate: 550, Physical: true},
		},
	}
	o.Totals = order.Reprice(o)
	if _, err := a.store.InsertOrder(ctx, o); err != nil {
		t.Fatal(err)
	}
	paid := unpaidOrder(number)
	paid["payment_method"] = "card"
	paid["payment"] = map[string]any{"amount_cents": 5080, "reference": "pi_1"}
	if got := a.call(http.MethodPost, "/api/orders", paid); got.code != http.StatusConflict || got.str("field") != "payment" {
		t.Fatalf("paid order over an unpaid one: %d %s", got.code, got.raw)
	}
	got := a.call(http.MethodPost, "/api/orders", unpaidOrder(number))
	if got.code != http.StatusOK || got.str("status") != "new" {
		t.Fatalf("same order: %d %s", got.code, got.raw)
	}
	if mails := a.merchantEmails(number); len(mails) != 1 {
		t.Fatalf("merchant emails: %d", len(mails))
	}
}

// Bad input is refused with 400 naming the member, and nothing is
// written: no order, no email, no procedure.
func TestAPIRefusesBadInput(t *testing.T) {
	a := newAPIApp(t)
	line := func(o map[string]any, i int) map[string]any { return o["lines"].([]any)[i].(map[string]any) }
	tests := []struct {
		name   string
		change func(o map[string]any)
		field  string
		says   string
	}{
		{"negative price", func(o map[string]any) { line(o, 1)["unit_price_cents"] = -1 }, "lines[1].unit_price_cents", "not a unit price"},
		{"price in euros", func(o map[string]any) { line(o, 1)["unit_price_cents"] = 23.9 }, "lines.unit_price_cents", "whole number"},
		{"price as text", func(o map[string]any) { line(o, 0)["unit_price_cents"] = "12,50" }, "lines.unit_price_cents", "whole number"},
		{"missing price", func(o map[string]any) { delete(line(o, 0), "unit_price_cents") }, "lines[0].unit_price_cents", "give the unit price"},
		{"quantity 0", func(o map[string]any) { line(o, 0)["quantity"] = 0 }, "lines[0].quantity", "1 to"},
		{"missing VAT", func(o map[string]any) { delete(line(o, 1), "vat_rate_bp") }, "lines[1].vat_rate_bp", "VAT rate"},
		{"VAT not French", func(o map[string]any) { line(o, 1)["vat_rate_bp"] = 700 }, "lines[1].vat_rate_bp", "not a French VAT rate"},
		{"physical unsaid", func(o map[string]any) { delete(line(o, 1), "physical") }, "lines[1].physical", "shipped"},
		{"no SKU", func(o map[string]any) { line(o, 0)["sku"] = "  " }, "lines[0].sku", "required"},
		{"no lines", func(o map[string]any) { o["lines"] = []any{} }, "lines", "at least one line"},
		{"unknown payment method", func(o map[string]any) { o["payment_method"] = "bitcoin" }, "payment_method", "not a payment method"},
		{"bad email", func(o map[string]any) { o["customer"].(map[string]any)["email"] = "camille@" }, "customer.email", "not an email address"},
		{"email with a name", func(o map[string]any) { o["customer"].(map[string]any)["email"] = "Camille <camille@example.fr>" }, "customer.email", "not an email address"},
		{"unknown locale", func(o map[string]any) { o["customer"].(map[string]any)["locale"] = "de" }, "customer.locale", "fr or en"},
		{"French postal code", func(o map[string]any) { o["delivery_address"].(map[string]any)["postal_code"] = "6900" }, "delivery_address.postal_code", "5 digits"},
		{"no city", func(o map[string]any) { delete(o["billing_address"].(map[string]any), "city") }, "billing_address.city", "required"},
		{"shipping VAT", func(o map[string]any) { o["shipping_rules"].(map[string]any)["vat_rate_bp"] = 1960 }, "shipping_rules.vat_rate_bp", "French"},
		{"negative fee", func(o map[string]any) { o["shipping_rules"].(map[string]any)["fee_cents"] = -690 }, "shipping_rules.fee_cents", "not a fee"},
		{"discount kind", func(o map[string]any) { o["discount"].(map[string]any)["kind"] = "bogo" }, "discount.kind", "fixed or percent"},
		{"wrong total", func(o map[string]any) { o["total_cents"] = 4390 }, "total_cents", "The total is €50.80"},
		{"payment not the total", func(o map[string]any) { o["payment"].(map[string]any)["amount_cents"] = 4390 }, "payment.amount_cents", "not the order's total"},
		{"payment without reference", func(o map[string]any) { o["payment"].(map[string]any)["reference"] = "" }, "payment.reference", "reference"},
		{"cheque already paid", func(o map[string]any) { o["payment_method"] = "cheque" }, "payment", "leave payment out"},
		{"currency", func(o map[string]any) { o["currency"] = "USD" }, "currency", "EUR"},
		{"number with a slash", func(o map[string]any) { o["number"] = "C/2026" }, "number", "not an order number"},
		{"misspelt member", func(o map[string]any) { line(o, 0)["unit_price"] = 1250 }, "lines[0].unit_price", "unknown member"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := storefrontOrder("C-2026-004100")
			tt.change(o)
			got := a.call(http.MethodPost, "/api/orders", o)
			if got.code != http.StatusUnprocessableEntity || got.str("field") != tt.field || !strings.Contains(got.str("error"), tt.says) || got.str("code") == "" {
				t.Fatalf("%d field %q error %q; want 422 with a code on %s saying %q\n%s", got.code, got.str("field"), got.str("error"), tt.field, tt.says, got.raw)
			}
		})
	}
	// What the decoder refuses says what the member takes, by the
	// catalog's codes too.
	for code, change := range map[string]func(o map[string]any){
		"refusal.json_whole_number_expected": func(o map[string]any) { line(o, 0)["quantity"] = "2" },
		"refusal.json_text_expected":         func(o map[string]any) { o["number"] = 12 },
		"refusal.json_bool_expected":         func(o map[string]any) { line(o, 0)["physical"] = "yes" },
		"refusal.json_array_expected":        func(o map[string]any) { o["lines"] = map[string]any{} },
		"refusal.json_object_expected":       func(o map[string]any) { o["customer"] = "Camille Martin" },
		"refusal.json_member_unknown":        func(o map[string]any) { o["colour"] = "blue" },
	} {
		o := storefrontOrder("C-2026-004101")
		change(o)
		if got := a.call(http.MethodPost, "/api/orders", o); got.code != http.StatusUnprocessableEntity || got.str("code") != code || got.str("field") == "" {
			t.Errorf("%s: %d %s", code, got.code, got.raw)
		}
	}
	for _, body := range []string{"", "{", `{"number": "C-1"} {}`, `[1]`} {
		if got := a.call(http.MethodPost, "/api/orders", body); got.code != http.StatusBadRequest {
			t.Errorf("body %q: %d %s", body, got.code, got.raw)
		}
	}
	if n := countOrders(t, a.store); n != 0 {
		t.Fatalf("%d orders written by refused requests", n)
	}
	if es, _ := a.store.ListOutbox(context.Background(), 10); len(es) != 0 {
		t.Fatalf("emails written by refused requests: %+v", es)
	}
}

// Without the right token nothing is read or written; without a token
// configured the API is off and says how to turn it on.
func TestAPIToken(t *testing.T) {
	a := newAPIApp(t)
	body := storefrontOrder("C-2026-004200")
	for _, token := range []string{"", "wrong", apiToken + "x", strings.ToUpper(apiToken)} {
		if got := callAPI(t, a.h, http.MethodPost, "/api/orders", token, body); got.code != http.StatusUnauthorized || !strings.Contains(got.str("error"), "Bearer") {
			t.Fatalf("token %q: %d %s", token, got.code, got.raw)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/api/orders/C-2026-004200", nil)
	req.Header.Set("Authorization", "Basic "+apiToken)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
		t.Fatalf("Basic auth: %d %v", rec.Code, rec.Header())
	}
	if n := countOrders(t, a.store); n != 0 {
		t.Fatalf("%d orders written without the token", n)
	}
	if !strings.Contains(a.logs.String(), "call refused") {
		t.Errorf("refused calls are not logged: %s", a.logs)
	}
	if got := a.call(http.MethodGet, "/api/nothing-here", nil); got.code != http.StatusNotFound {
		t.Fatalf("unknown endpoint: %d %s", got.code, got.raw)
	}

	off, err := api.New(api.Options{Store: a.store, Starter: a.start, Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if got := callAPI(t, off, http.MethodPost, "/api/orders", apiToken, body); got.code != http.StatusServiceUnavailable || !strings.Contains(got.str("error"), "ORDERDESK_API_TOKEN") {
		t.Fatalf("no token configured: %d %s", got.code, got.raw)
	}
}

// The warehouse moves an order through the API; while a modify-content
// procedure holds it the move is refused with 409 naming the procedure,
// and allowed once the procedure is done. A move the statuses do not
// allow is 409 naming both.
func TestAPILogisticsWhileHeld(t *testing.T) {
	a := newAPIApp(t)
	ctx := context.Background()
	number := newOrderNumber()
	path := "/api/orders/" + number + "/logistics"
	if got := a.call(http.MethodPost, "/api/orders", unpaidOrder(number)); got.code != http.StatusCreated {
		t.Fatalf("POST order: %d %s", got.code, got.raw)
	}
	o, err := a.store.GetOrder(ctx, number)
	if err != nil {
		t.Fatal(err)
	}

	// An agent takes the book out; the procedure holds the order while
	// the agent reviews the customer's email.
	run, err := a.start.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: number, RequestID: "req-1", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[1].ID, Quantity: 0}}, RecalcShipping: true},
		Notify: true, ReviewEmail: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var task store.Task
	deadline := time.Now().Add(30 * time.Second)
	for task.ID == 0 && time.Now().Before(deadline) {
		ts, err := a.store.ListTasks(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.Kind == workflows.TaskReviewEmail && x.Status == store.TaskOpen {
				task = x
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if held, _ := a.store.GetOrder(ctx, number); task.ID == 0 || held.HoldBy != run.WorkflowID {
		t.Fatalf("the procedure does not hold the order: task %+v, hold %q", task, held.HoldBy)
	}

	got := a.call(http.MethodPost, path, map[string]any{"status": "printing", "actor": "entrepôt Lyon"})
	if got.code != http.StatusConflict || got.str("held_by") != run.WorkflowID || !strings.Contains(got.str("error"), run.WorkflowID) {
		t.Fatalf("move while held: %d %s", got.code, got.raw)
	}
	if o, _ := a.store.GetOrder(ctx, number); o.Logistics != order.LogisticsAwaitingPrinting {
		t.Fatalf("moved while held: %s", o.Logistics)
	}

	if err := a.start.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerDontSend, Agent: "marie@boutique.fr"}); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := a.start.Result(rctx, run.WorkflowID, nil); err != nil {
		t.Fatalf("modify-content: %v", err)
	}

	got = a.call(http.MethodPost, path, map[string]any{"status": "printing", "actor": "entrepôt Lyon"})
	if got.code != http.StatusOK || got.str("logistics_status") != "printing" || got.body["held_by"] != nil {
		t.Fatalf("move after the procedure: %d %s", got.code, got.raw)
	}
	if got := a.call(http.MethodPost, path, map[string]any{"status": "printing"}); got.code != http.StatusOK {
		t.Fatalf("the same move again: %d %s", got.code, got.raw)
	}
	got = a.call(http.MethodPost, path, map[string]any{"status": "shipped"})
	if got.code != http.StatusConflict || got.str("from") != "printing" || got.str("to") != "shipped" ||
		!strings.Contains(got.str("error"), "printing") || !strings.Contains(got.str("error"), "shipped") {
		t.Fatalf("printing -> shipped: %d %s", got.code, got.raw)
	}
	if got := a.call(http.MethodPost, path, map[string]any{"status": "lost"}); got.code != http.StatusUnprocessableEntity || got.str("field") != "status" ||
		got.str("code") != "refusal.logistics_status_use_one_of" || !strings.Contains(got.str("error"), "use one of awaiting_printing, ") {
		t.Fatalf("unknown status: %d %s", got.code, got.raw)
	}
	if got := a.call(http.MethodPost, "/api/orders/C-2026-999999/logistics", map[string]any{"status": "printing"}); got.code != http.StatusNotFound {
		t.Fatalf("unknown order: %d %s", got.code, got.raw)
	}
	evs, _ := a.store.ListEvents(ctx, o.ID)
	moves := 0
	for _, e := range evs {
		if e.Kind == "logistics_status_changed" {
			moves++
			if e.Actor != "entrepôt Lyon" || e.ActorKind != store.ActorWarehouse {
				t.Errorf("move recorded as %s %q", e.ActorKind, e.Actor)
			}
		}
	}
	if moves != 1 {
		t.Errorf("%d logistics moves in the history, want 1", moves)
	}
}

// Every dependency of the API is required: a missing one stops start-up
// with an error naming it, rather than a 503 on the first call.
func TestNewNamesAMissingDependency(t *testing.T) {
	st := devstacktest.NewStore(t)
	c, _ := devstacktest.Temporal(t)
	col := starter.NewCollector(starter.New(c, st), st, starter.CollectOptions{})
	if _, err := api.New(api.Options{Store: st, Starter: col}); err != nil {
		t.Fatalf("New with every dependency: %v", err)
	}
	for field, opt := range map[string]api.Options{
		"Store":   {Starter: col, Token: apiToken},
		"Starter": {Store: st, Token: apiToken},
	} {
		if _, err := api.New(opt); err == nil || !strings.Contains(err.Error(), "Options."+field) {
			t.Errorf("New without %s: %v, want an error naming Options.%s", field, err, field)
		}
	}
}
