package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/payments"
)

const testKey = "sk_test_orderdesk"

// fakeStripe is the part of Stripe's API the gateway uses: it checks what
// the real client sends (auth, Idempotency-Key, the form body) and answers
// with Stripe-shaped JSON, remembering idempotency keys as Stripe does.
// The payment reference chooses an error: pi_expired, pi_refunded, pi_500,
// pi_429, pi_missing, pi_html, pi_failed, pi_403. GET /v1/refunds lists the
// refunds newest first, by pages of at most pageSize whatever the limit
// asked, so the client's paging is exercised.
type fakeStripe struct {
	t        *testing.T
	mu       sync.Mutex
	byKey    map[string][]byte // idempotency key -> first response body
	refunds  map[string][]byte // id -> body
	ids      []string          // refund ids, oldest first
	created  int64             // the creation time of the next refund (Unix seconds)
	requests []*http.Request
	forms    []url.Values
	lists    []url.Values // the queries of GET /v1/refunds
}

// pageSize is the fake's largest page of a list.
const pageSize = 2

// fakeEpoch is when the fake's first refund is created; each next one a
// minute later.
var fakeEpoch = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func newFakeStripe(t *testing.T) (*fakeStripe, *Gateway) {
	f := &fakeStripe{t: t, byKey: map[string][]byte{}, refunds: map[string][]byte{}, created: fakeEpoch.Unix()}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, New(testKey, srv.URL)
}

// record keeps a new refund's body; f.mu is held.
func (f *fakeStripe) record(refund map[string]any) []byte {
	id := fmt.Sprintf("re_fake_%d", len(f.refunds)+1)
	refund["id"], refund["object"], refund["created"] = id, "refund", f.created
	f.created += 60
	body, _ := json.Marshal(refund)
	f.refunds[id] = body
	f.ids = append(f.ids, id)
	return body
}

// dashboardRefund is a refund an agent made by hand in Stripe's Dashboard:
// no metadata, no key.
func (f *fakeStripe) dashboardRefund(amount int64) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record(map[string]any{"amount": amount, "currency": "eur", "status": "succeeded", "payment_intent": "pi_dash", "metadata": map[string]string{}})
	return f.ids[len(f.ids)-1]
}

// list answers GET /v1/refunds: created[gte], payment_intent,
// starting_after and limit, as Stripe reads them. f.mu is held.
func (f *fakeStripe) list(w http.ResponseWriter, q url.Values) {
	f.lists = append(f.lists, q)
	var gte int64
	if v := q.Get("created[gte]"); v != "" {
		var err error
		if gte, err = strconv.ParseInt(v, 10, 64); err != nil {
			stripeError(w, 400, "invalid_request_error", "parameter_invalid", "created[gte]")
			return
		}
	}
	limit := 10
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	limit = min(limit, pageSize)
	var data []json.RawMessage
	after := q.Get("starting_after")
	skipping := after != ""
	hasMore := false
	for i := len(f.ids) - 1; i >= 0; i-- {
		id := f.ids[i]
		if skipping {
			skipping = id != after
			continue
		}
		var r struct {
			Created       int64  `json:"created"`
			PaymentIntent string `json:"payment_intent"`
		}
		_ = json.Unmarshal(f.refunds[id], &r)
		if r.Created < gte || q.Get("payment_intent") != "" && r.PaymentIntent != q.Get("payment_intent") {
			continue
		}
		if len(data) == limit {
			hasMore = true
			break
		}
		data = append(data, f.refunds[id])
	}
	if data == nil {
		data = []json.RawMessage{}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "url": "/v1/refunds", "has_more": hasMore, "data": data})
}

func stripeError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"type": typ, "code": code, "message": msg}})
}

func (f *fakeStripe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		stripeError(w, 401, "invalid_request_error", "", "Invalid API Key provided")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodGet && r.URL.Path == "/v1/refunds" {
		f.list(w, r.URL.Query())
		return
	}
	if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/refunds/") {
		body, ok := f.refunds[strings.TrimPrefix(r.URL.Path, "/v1/refunds/")]
		if !ok {
			stripeError(w, 404, "invalid_request_error", "resource_missing", "No such refund")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v1/refunds" {
		stripeError(w, 404, "invalid_request_error", "", "Unrecognized request URL")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		f.t.Errorf("Content-Type %q, want a form", ct)
	}
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("form: %v", err)
	}
	f.requests = append(f.requests, r)
	f.forms = append(f.forms, r.PostForm)
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		f.t.Error("POST /v1/refunds without an Idempotency-Key")
	}
	if body, ok := f.byKey[key]; ok {
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
		return
	}
	ref := r.PostForm.Get("payment_intent") + r.PostForm.Get("charge")
	switch ref {
	case "pi_expired":
		stripeError(w, 402, "card_error", "expired_card", "Your card has expired.")
		return
	case "pi_refunded":
		stripeError(w, 400, "invalid_request_error", "charge_already_refunded", "Charge ch_1 has already been refunded.")
		return
	case "pi_toolarge":
		stripeError(w, 400, "invalid_request_error", "amount_too_large", "Refund amount (€50.00) is greater than unrefunded amount on charge (€20.00)")
		return
	case "pi_500":
		stripeError(w, 500, "api_error", "", "An unknown error occurred")
		return
	case "pi_429":
		stripeError(w, 429, "invalid_request_error", "rate_limit", "Too many requests")
		return
	case "pi_missing":
		stripeError(w, 404, "invalid_request_error", "resource_missing", "No such payment_intent: 'pi_missing'")
		return
	case "pi_html":
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html>Bad Gateway</html>"))
		return
	case "pi_403":
		stripeError(w, 403, "invalid_request_error", "", "The provided key 'rk_test_***' does not have the required permissions for this endpoint.")
		return
	}
	status := "succeeded"
	if ref == "pi_failed" {
		status = "failed"
	}
	metadata := map[string]string{}
	for field, v := range r.PostForm {
		if k, ok := strings.CutPrefix(field, "metadata["); ok {
			metadata[strings.TrimSuffix(k, "]")] = v[0]
		}
	}
	refund := map[string]any{
		"amount": json.Number(r.PostForm.Get("amount")), "currency": "eur",
		"status": status, "reason": r.PostForm.Get("reason"), "metadata": metadata,
	}
	if status == "failed" {
		refund["failure_reason"] = "expired_or_canceled_card"
	}
	if pi := r.PostForm.Get("payment_intent"); pi != "" {
		refund["payment_intent"] = pi
	} else {
		refund["charge"] = r.PostForm.Get("charge")
	}
	body := f.record(refund)
	f.byKey[key] = body
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func req(ref, key string) payments.RefundRequest {
	return payments.RefundRequest{Amount: 1290, Currency: "EUR", PaymentRef: ref, IdempotencyKey: key, Reason: "Produit retiré de la commande", Reference: "C-2026-000123"}
}

func TestRefundSendsTheKeyTheFormAndTheAuth(t *testing.T) {
	f, g := newFakeStripe(t)
	ctx := context.Background()
	res, err := g.Refund(ctx, req("pi_3Abc", "modify-content/C-2026-000123/req-1/refund"))
	if err != nil {
		t.Fatal(err)
	}
	if res.ProviderRef != "re_fake_1" || res.Status != payments.StatusSucceeded {
		t.Errorf("result %+v", res)
	}
	again, err := g.Refund(ctx, req("pi_3Abc", "modify-content/C-2026-000123/req-1/refund"))
	if err != nil || again != res {
		t.Errorf("retry: %+v, %v; want %+v", again, err, res)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) != 2 {
		t.Fatalf("%d requests, want 2", len(f.requests))
	}
	for _, r := range f.requests {
		if got := r.Header.Get("Idempotency-Key"); got != "modify-content/C-2026-000123/req-1/refund" {
			t.Errorf("Idempotency-Key %q", got)
		}
	}
	form := f.forms[0]
	for field, want := range map[string]string{
		"amount": "1290", "payment_intent": "pi_3Abc", "reason": "requested_by_customer",
		"metadata[reason]": "Produit retiré de la commande", "metadata[reference]": "C-2026-000123",
		"metadata[idempotency_key]": "modify-content/C-2026-000123/req-1/refund",
		"metadata[orderdesk_key]":   "modify-content/C-2026-000123/req-1/refund",
	} {
		if got := form.Get(field); got != want {
			t.Errorf("form %s = %q, want %q", field, got, want)
		}
	}
	if form.Has("charge") || form.Has("currency") {
		t.Errorf("form has charge or currency: %v", form)
	}
}

func TestRefundOfAChargeAndALongKey(t *testing.T) {
	f, g := newFakeStripe(t)
	long := "modify-content/C-2026-000123/" + strings.Repeat("r", 300)
	if _, err := g.Refund(context.Background(), req("ch_1", long)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := f.forms[0].Get("charge"); got != "ch_1" {
		t.Errorf("charge = %q", got)
	}
	if k := f.requests[0].Header.Get("Idempotency-Key"); len(k) > maxKey || k != payments.ProviderKey(long, maxKey) {
		t.Errorf("a key over 255 characters went as %q", k)
	}
}

func TestStripeErrorsAreClassified(t *testing.T) {
	_, g := newFakeStripe(t)
	ctx := context.Background()
	for _, tc := range []struct {
		ref, kind, code string
	}{
		{"pi_expired", "declined", "expired_card"},
		{"pi_refunded", "declined", "charge_already_refunded"},
		{"pi_toolarge", "declined", "amount_too_large"},
		{"pi_failed", "declined", "expired_or_canceled_card"},
		{"pi_500", "temporary", ""},
		{"pi_429", "temporary", ""},
		{"pi_html", "temporary", ""},
		{"pi_missing", "invalid", ""},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			_, err := g.Refund(ctx, req(tc.ref, "k-"+tc.ref))
			if err == nil {
				t.Fatal("no error")
			}
			var d *payments.DeclinedError
			switch tc.kind {
			case "declined":
				if !errors.As(err, &d) || d.Code != tc.code || !errors.Is(err, payments.ErrDeclined) {
					t.Errorf("%v: want DeclinedError %s", err, tc.code)
				}
			case "invalid":
				if !errors.Is(err, payments.ErrInvalid) || errors.Is(err, payments.ErrDeclined) {
					t.Errorf("%v: want ErrInvalid", err)
				}
			case "temporary":
				if errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) {
					t.Errorf("%v: want a temporary error", err)
				}
			}
		})
	}
}

// TestWrongKeyIsAuthAndNetworkIsTemporary: a 401 (wrong or revoked secret
// key) or a 403 (a restricted key without the permission) is ErrAuth, which
// no retry cures; a server that is down is temporary.
func TestWrongKeyIsAuthAndNetworkIsTemporary(t *testing.T) {
	srv := httptest.NewServer(&fakeStripe{t: t, byKey: map[string][]byte{}, refunds: map[string][]byte{}})
	ctx := context.Background()
	g := New("sk_wrong", srv.URL)
	_, err := g.Refund(ctx, req("pi_1", "k"))
	if !errors.Is(err, payments.ErrAuth) || errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) {
		t.Errorf("wrong API key: %v, want ErrAuth", err)
	}
	if _, err := g.Find(ctx, "k"); !errors.Is(err, payments.ErrAuth) || errors.Is(err, payments.ErrNotFound) {
		t.Errorf("Find with a wrong API key: %v, want ErrAuth (never \"not found\")", err)
	}
	if _, err := g.List(ctx, fakeEpoch); !errors.Is(err, payments.ErrAuth) {
		t.Errorf("List with a wrong API key: %v, want ErrAuth", err)
	}
	if _, err := New(testKey, srv.URL).Refund(ctx, req("pi_403", "k")); !errors.Is(err, payments.ErrAuth) {
		t.Errorf("403 from a restricted key: %v, want ErrAuth", err)
	}
	srv.Close()
	_, err = New(testKey, srv.URL).Refund(ctx, req("pi_1", "k"))
	if err == nil || errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) || errors.Is(err, payments.ErrAuth) {
		t.Errorf("server down: %v, want temporary", err)
	}
	if _, err := New(testKey, srv.URL).Find(ctx, "k"); err == nil || errors.Is(err, payments.ErrNotFound) {
		t.Errorf("Find with the server down: %v, want temporary (never \"not found\")", err)
	}
}

// TestFindByKeyWalksEveryPage: the refund a procedure sent is found by its
// key, with what Stripe holds, whatever page it is on; a key Stripe never
// received is ErrNotFound only after every refund was seen.
func TestFindByKeyWalksEveryPage(t *testing.T) {
	f, g := newFakeStripe(t)
	ctx := context.Background()
	first, err := g.Refund(ctx, req("pi_1", "cancel-refund/C-2026-000101/r1/refund"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := g.Refund(ctx, req("pi_1", fmt.Sprintf("other/%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	f.dashboardRefund(500)

	got, err := g.Find(ctx, "cancel-refund/C-2026-000101/r1/refund")
	want := payments.Result{ProviderRef: first.ProviderRef, Status: payments.StatusSucceeded, Kind: payments.KindRefund, Amount: 1290, Currency: "EUR"}
	if err != nil || got != want {
		t.Errorf("Find = %+v, %v; want %+v", got, err, want)
	}
	f.mu.Lock()
	pages := len(f.lists)
	f.lists = nil
	f.mu.Unlock()
	if pages != 3 {
		t.Errorf("Find read %d pages, want 3 (6 refunds, newest first, the sought one oldest)", pages)
	}

	if _, err := g.Find(ctx, "cancel-refund/C-2026-000101/never-sent/refund"); !errors.Is(err, payments.ErrNotFound) {
		t.Errorf("Find of a key never sent: %v, want ErrNotFound", err)
	}
	if _, err := g.Find(ctx, ""); err == nil || !strings.Contains(err.Error(), "idempotency_key") {
		t.Errorf("Find without a key: %v", err)
	}

	// A refund sent before orderdesk_key existed carries only idempotency_key.
	f.mu.Lock()
	f.record(map[string]any{"amount": 700, "currency": "eur", "status": "pending", "metadata": map[string]string{"idempotency_key": "settle/C-2026-000099/r/refund"}})
	f.mu.Unlock()
	if got, err := g.Find(ctx, "settle/C-2026-000099/r/refund"); err != nil || got.Amount != 700 || got.Status != payments.StatusPending {
		t.Errorf("Find of an older refund = %+v, %v", got, err)
	}
}

// TestListSinceGivesKeysAmountsAndStatuses: List returns the refunds of the
// period with the key each was sent with; a Dashboard refund has none.
func TestListSinceGivesKeysAmountsAndStatuses(t *testing.T) {
	f, g := newFakeStripe(t)
	ctx := context.Background()
	if _, err := g.Refund(ctx, req("pi_1", "old/refund")); err != nil { // created at fakeEpoch
		t.Fatal(err)
	}
	if _, err := g.Refund(ctx, req("pi_2", "modify-content/C-2026-000102/r/settle/refund")); err != nil {
		t.Fatal(err)
	}
	dash := f.dashboardRefund(4500)
	if _, err := g.Refund(ctx, req("pi_failed", "failed/refund")); err == nil {
		t.Fatal("pi_failed refunded")
	}

	got, err := g.List(ctx, fakeEpoch.Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("List = %+v, want the 3 refunds after the first", got)
	}
	byKey := map[string]payments.Transfer{}
	for _, tr := range got {
		byKey[tr.IdempotencyKey] = tr
	}
	if tr := byKey["modify-content/C-2026-000102/r/settle/refund"]; tr.Amount != 1290 || tr.Currency != "EUR" || tr.Status != payments.StatusSucceeded ||
		tr.Kind != payments.KindRefund || !tr.Created.Equal(fakeEpoch.Add(time.Minute)) {
		t.Errorf("listed refund %+v", tr)
	}
	if tr := byKey[""]; tr.ProviderRef != dash || tr.Amount != 4500 {
		t.Errorf("the Dashboard refund is listed as %+v", tr)
	}
	if tr := byKey["failed/refund"]; tr.Status != payments.StatusFailed {
		t.Errorf("a failed refund is listed as %+v", tr)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if q := f.lists[0]; q.Get("created[gte]") != fmt.Sprint(fakeEpoch.Add(30*time.Second).Unix()) || q.Get("limit") != "100" {
		t.Errorf("list query %v", q)
	}
}

func TestStatusPayoutAndValidation(t *testing.T) {
	f, g := newFakeStripe(t)
	ctx := context.Background()
	res, err := g.Refund(ctx, req("pi_1", "k"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := g.Status(ctx, res.ProviderRef)
	if err != nil || st != res {
		t.Errorf("Status = %+v, %v; want %+v", st, err, res)
	}
	if _, err := g.Status(ctx, "re_nope"); !errors.Is(err, payments.ErrInvalid) {
		t.Errorf("Status of an unknown refund: %v", err)
	}
	if _, err := g.Payout(ctx, payments.PayoutRequest{}); !errors.Is(err, payments.ErrUnsupported) {
		t.Errorf("Payout: %v, want ErrUnsupported", err)
	}
	bad := req("pi_1", "")
	if _, err := g.Refund(ctx, bad); err == nil || !strings.Contains(err.Error(), "idempotency_key") {
		t.Errorf("refund without a key: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) != 1 {
		t.Errorf("%d POSTs reached Stripe, want 1 (the invalid one must not)", len(f.requests))
	}
}
