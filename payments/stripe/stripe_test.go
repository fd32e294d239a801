package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/orderdesk/orderdesk/payments"
)

const testKey = "sk_test_orderdesk"

// fakeStripe is the part of Stripe's API the gateway uses: it checks what
// the real client sends (auth, Idempotency-Key, the form body) and answers
// with Stripe-shaped JSON, remembering idempotency keys as Stripe does.
// The payment reference chooses an error: pi_expired, pi_refunded, pi_500,
// pi_429, pi_missing, pi_html, pi_failed.
type fakeStripe struct {
	t        *testing.T
	mu       sync.Mutex
	byKey    map[string][]byte // idempotency key -> first response body
	refunds  map[string][]byte // id -> body
	requests []*http.Request
	forms    []url.Values
}

func newFakeStripe(t *testing.T) (*fakeStripe, *Gateway) {
	f := &fakeStripe{t: t, byKey: map[string][]byte{}, refunds: map[string][]byte{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, New(testKey, srv.URL)
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
	}
	status := "succeeded"
	if ref == "pi_failed" {
		status = "failed"
	}
	id := fmt.Sprintf("re_fake_%d", len(f.refunds)+1)
	refund := map[string]any{
		"id": id, "object": "refund", "amount": json.Number(r.PostForm.Get("amount")), "currency": "eur",
		"status": status, "reason": r.PostForm.Get("reason"),
		"metadata": map[string]string{"reason": r.PostForm.Get("metadata[reason]")},
	}
	if status == "failed" {
		refund["failure_reason"] = "expired_or_canceled_card"
	}
	if pi := r.PostForm.Get("payment_intent"); pi != "" {
		refund["payment_intent"] = pi
	} else {
		refund["charge"] = r.PostForm.Get("charge")
	}
	body, _ := json.Marshal(refund)
	f.byKey[key] = body
	f.refunds[id] = body
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

func TestWrongKeyAndNetworkAreTemporary(t *testing.T) {
	srv := httptest.NewServer(&fakeStripe{t: t, byKey: map[string][]byte{}, refunds: map[string][]byte{}})
	g := New("sk_wrong", srv.URL)
	_, err := g.Refund(context.Background(), req("pi_1", "k"))
	if err == nil || errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) {
		t.Errorf("wrong API key: %v, want temporary", err)
	}
	srv.Close()
	_, err = New(testKey, srv.URL).Refund(context.Background(), req("pi_1", "k"))
	if err == nil || errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) {
		t.Errorf("server down: %v, want temporary", err)
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
