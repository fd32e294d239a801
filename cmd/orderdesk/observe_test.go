package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/observe"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// observedStack is the server and a worker wired as the commands wire
// them, observed by one Observer whose spans stay in memory.
type observedStack struct {
	t     *testing.T
	obs   *observe.Observer
	spans *tracetest.InMemoryExporter
	store *store.Store
	temp  client.Client
	web   http.Handler
	token string
}

func newObservedStack(t *testing.T) *observedStack {
	t.Helper()
	ctx := context.Background()
	spans := tracetest.NewInMemoryExporter()
	obs, err := observe.New(ctx, observe.Options{Service: "orderdesk-test", SpanExporter: spans})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = obs.Shutdown(context.Background()) })
	st, err := store.Open(ctx, devstacktest.NewDatabase(t), store.Options{Tracer: obs.SQLTracer()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	obs.Database(st)
	_, hostPort := devstacktest.Temporal(t)
	opts := devstacktest.ClientOptions(client.Options{HostPort: hostPort, Namespace: "default"})
	if err := obs.TemporalOptions(&opts); err != nil {
		t.Fatal(err)
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	queue := "test-" + strings.ReplaceAll(t.Name(), "/", "-")
	w := worker.New(c, worker.Deps{Store: st, Sender: mail.DevSender{}}, worker.Options{TaskQueue: queue})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	token := strings.Repeat("k", 32)
	s := &services{cfg: config{APIToken: token, Payment: paymentConfig{WebhookSecret: "whsec_test"}}, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		store: st, temporal: c, obs: obs, starter: starter.New(c, st, starter.Options{TaskQueue: queue})}
	h, err := webHandler(s)
	if err != nil {
		t.Fatal(err)
	}
	return &observedStack{t: t, obs: obs, spans: spans, store: st, temp: c, web: h, token: token}
}

// call sends a JSON API call to the server and returns its status and body.
func (s *observedStack) call(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	rec := httptest.NewRecorder()
	s.web.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// shipAnOrder takes an order from the storefront, then ships part of it
// (the fulfil procedure, started by the warehouse's API call) and waits
// for the procedure to end. It returns the procedure's workflow id.
func (s *observedStack) shipAnOrder(number string) string {
	s.t.Helper()
	addr := map[string]any{"name": "Camille Martin", "line1": "12 rue des Lilas", "postal_code": "69003", "city": "Lyon", "country": "FR"}
	code, got := s.call(http.MethodPost, "/api/orders", map[string]any{
		"number":           number,
		"customer":         map[string]any{"name": "Camille Martin", "email": "camille@example.fr", "phone": "+33 6 12 34 56 78", "locale": "fr"},
		"billing_address":  addr,
		"delivery_address": addr,
		"payment_method":   "card",
		"shipping_rules":   map[string]any{"method": "Colissimo domicile", "fee_cents": 690, "free_from_cents": 6000, "vat_rate_bp": 2000},
		"lines": []any{
			map[string]any{"sku": "MUG-01", "name": "Mug Tour Eiffel", "unit_price_cents": 1250, "quantity": 2, "vat_rate_bp": 2000, "physical": true},
		},
		"payment":     map[string]any{"amount_cents": 3190, "reference": "pi_3Nabc"},
		"total_cents": 3190,
	})
	if code != http.StatusCreated {
		s.t.Fatalf("POST /api/orders: %d %v", code, got)
	}
	code, got = s.call(http.MethodPost, "/api/orders/"+number+"/shipments", map[string]any{"request_id": "parcel-1", "carrier": "Colissimo", "tracking": "6A1",
		"lines": []any{map[string]any{"sku": "MUG-01", "quantity": 1}}})
	id, _ := got["workflow_id"].(string)
	if code != http.StatusAccepted || id == "" {
		s.t.Fatalf("POST shipments: %d %v", code, got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.temp.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		s.t.Fatalf("the fulfil procedure %s: %v", id, err)
	}
	return id
}

// scrape is GET /metrics as Prometheus reads it.
func (s *observedStack) scrape() string {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.obs.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		s.t.Fatalf("GET /metrics: %d\n%s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// An operator scraping /metrics sees the Temporal SDK's series and
// orderdesk's: the procedure the warehouse started, by type, the API call
// that started it by its route (never the order's own path), and the
// figures read from PostgreSQL.
func TestMetricsShowTheSDKAndTheProcedures(t *testing.T) {
	s := newObservedStack(t)
	s.shipAnOrder("C-2026-700001")
	wants := []string{
		"temporal_request_total{",
		"temporal_workflow_completed_total{",
		`orderdesk_procedures_started_total{procedure="` + workflows.ProcFulfil + `"} 1`,
		`orderdesk_procedures_completed_total{procedure="` + workflows.ProcFulfil + `"} 1`,
		`orderdesk_http_request_duration_seconds_count{code="202",method="POST",route="POST /api/orders/{number}/shipments"} 1`,
		`orderdesk_http_request_duration_seconds_count{code="201",method="POST",route="POST /api/orders"} 1`,
		"orderdesk_database_up 1",
		"orderdesk_outbox_pending ",
		"orderdesk_outbox_oldest_pending_seconds ",
	}
	// The worker counts a completed workflow once the server took its
	// last task, a moment after the procedure's result is known.
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		body = s.scrape()
		missing := false
		for _, want := range wants {
			missing = missing || !strings.Contains(body, want)
		}
		if !missing || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("GET /metrics has no %s", want)
		}
	}
	if strings.Contains(body, "C-2026-700001") {
		t.Errorf("a metric is labelled with the order's number: the raw path is never a label")
	}
	if t.Failed() {
		t.Logf("GET /metrics:\n%s", body)
	}
}

// One trace follows the warehouse's call from the HTTP request through the
// procedure it started to its steps and their SQL: the HTTP span is an
// ancestor of the workflow's span, which is an ancestor of an activity's
// span, under which the activity's statements are spans.
func TestOneTraceFromTheRequestToTheSQL(t *testing.T) {
	s := newObservedStack(t)
	s.shipAnOrder("C-2026-700002")
	spans := s.spans.GetSpans()
	byID := map[string]tracetest.SpanStub{}
	for _, sp := range spans {
		byID[sp.SpanContext.SpanID().String()] = sp
	}
	ancestor := func(of tracetest.SpanStub, is func(tracetest.SpanStub) bool) bool {
		for p, ok := byID[of.Parent.SpanID().String()]; ok; p, ok = byID[p.Parent.SpanID().String()] {
			if is(p) {
				return true
			}
		}
		return false
	}
	isHTTP := func(sp tracetest.SpanStub) bool { return sp.Name == "POST /api/orders/{number}/shipments" }
	isWorkflow := func(sp tracetest.SpanStub) bool {
		return sp.Name == "RunWorkflow:"+workflows.ProcFulfil && ancestor(sp, isHTTP)
	}
	isActivity := func(sp tracetest.SpanStub) bool {
		return strings.HasPrefix(sp.Name, "RunActivity:") && ancestor(sp, isWorkflow)
	}
	var found bool
	for _, sp := range spans {
		if strings.HasPrefix(sp.Name, "SQL ") && isActivity(byID[sp.Parent.SpanID().String()]) {
			found = true
			break
		}
	}
	if !found {
		var names []string
		for _, sp := range spans {
			names = append(names, sp.Name+" <- "+byID[sp.Parent.SpanID().String()].Name)
		}
		t.Fatalf("no SQL span under an activity under the fulfil workflow under the HTTP call; spans (name <- parent):\n%s", strings.Join(names, "\n"))
	}
}

// /readyz names Temporal when it cannot be reached, within its deadline
// (a load balancer's probe never hangs), and says ok when PostgreSQL and
// Temporal answer. /healthz, the liveness check, stays 200 meanwhile.
func TestReadyzNamesTemporalWhenItIsDown(t *testing.T) {
	st := devstacktest.NewStore(t)
	up, _ := devstacktest.Temporal(t)
	// A Temporal address nothing listens on: the lazy client connects on
	// its first call.
	down, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1", Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(down.Close)
	for _, tc := range []struct {
		temporal client.Client
		code     int
		says     string
	}{{up, http.StatusOK, "ok"}, {down, http.StatusServiceUnavailable, "Temporal"}} {
		s := &services{cfg: config{}, log: slog.New(slog.NewTextHandler(io.Discard, nil)), store: st, temporal: tc.temporal, starter: starter.New(tc.temporal, st)}
		h, err := webHandler(s)
		if err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		took := time.Since(began)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.says) || strings.Contains(rec.Body.String(), "PostgreSQL") {
			t.Errorf("GET /readyz: %d %q, want %d saying %q (and PostgreSQL up)", rec.Code, rec.Body, tc.code, tc.says)
		}
		if took > observe.ReadyTimeout+time.Second {
			t.Errorf("GET /readyz took %s, more than its deadline of %s", took, observe.ReadyTimeout)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET /healthz (liveness) with Temporal %s: %d", tc.says, rec.Code)
		}
	}
}

// The worker's admin address answers /healthz: 503 until its pollers run,
// 200 while they run and PostgreSQL and Temporal answer, 503 naming the
// service that does not.
func TestWorkerHealthOnTheAdminAddress(t *testing.T) {
	st := devstacktest.NewStore(t)
	c, _ := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := &services{store: st, temporal: c, health: observe.NewWorkerHealth(pingPostgres(st), pingTemporal(c))}
	obs, err := observe.New(context.Background(), observe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.obs = obs
	addr, stop, err := startAdmin("127.0.0.1:0", quiet, s.metricsRoute(), s.healthRoute())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "pollers") {
		t.Errorf("before the worker runs: %d %q, want 503 about its pollers", code, body)
	}
	s.health.Running(true) // as runWorker says once the worker started
	if code, body := get("/healthz"); code != http.StatusOK {
		t.Errorf("while the worker runs: %d %q, want 200", code, body)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("GET /metrics on the admin address: %d", code)
	}
	down, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1", Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(down.Close)
	h := observe.NewWorkerHealth(pingPostgres(st), pingTemporal(down))
	h.Running(true)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "Temporal") {
		t.Errorf("with Temporal unreachable: %d %q, want 503 naming Temporal", rec.Code, rec.Body)
	}
	s.health.Running(false)
	if code, _ := get("/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("once the worker stopped: %d, want 503", code)
	}
}
