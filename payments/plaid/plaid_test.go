package plaid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/payments"
)

// fakePlaid answers the three Plaid endpoints the gateway uses, keeps every
// JSON body it received (numbers as they were written on the wire) and
// remembers idempotency keys as Plaid does. A payment_id or holder name
// chooses an error: "pay_refused", "pay_500", "pay_429", "pay_unknown",
// "pay_failed", holder "Closed Account".
type fakePlaid struct {
	t      *testing.T
	mu     sync.Mutex
	bodies map[string][]map[string]any // path -> bodies
	byKey  map[string]string           // idempotency key -> transaction id
	seq    int
	url    string
}

func newFakePlaid(t *testing.T, opts ...Option) (*fakePlaid, *Gateway) {
	f := &fakePlaid{t: t, bodies: map[string][]map[string]any{}, byKey: map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f, New("client-id-1", "secret-1", srv.URL, append([]Option{WithWallet("wallet-1")}, opts...)...)
}

func plaidError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error_type": typ, "error_code": code, "error_message": msg, "display_message": nil, "request_id": "req-1"})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakePlaid) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("PLAID-CLIENT-ID") != "client-id-1" || r.Header.Get("PLAID-SECRET") != "secret-1" {
		plaidError(w, 400, "INVALID_INPUT", "INVALID_API_KEYS", "invalid client_id or secret provided")
		return
	}
	if r.Header.Get("Plaid-Version") == "" || r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("%s: Plaid-Version %q, Content-Type %q", r.URL.Path, r.Header.Get("Plaid-Version"), r.Header.Get("Content-Type"))
	}
	raw, _ := io.ReadAll(r.Body)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep amounts as the text that was sent
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		f.t.Errorf("%s: body %s: %v", r.URL.Path, raw, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies[r.URL.Path] = append(f.bodies[r.URL.Path], body)
	key, _ := body["idempotency_key"].(string)
	switch r.URL.Path {
	case "/payment_initiation/payment/reverse":
		switch body["payment_id"] {
		case "pay_refused":
			plaidError(w, 400, "PAYMENT_ERROR", "PAYMENT_REJECTED", "the payment cannot be refunded")
			return
		case "pay_500":
			plaidError(w, 500, "API_ERROR", "INTERNAL_SERVER_ERROR", "an unexpected error occurred")
			return
		case "pay_429":
			plaidError(w, 429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "rate limit exceeded")
			return
		case "pay_401":
			plaidError(w, 401, "INVALID_REQUEST", "UNAUTHORIZED", "the credentials were revoked")
			return
		case "pay_403":
			plaidError(w, 400, "INVALID_REQUEST", "UNAUTHORIZED_ROUTE_ACCESS", "your client is not authorized for this product")
			return
		case "pay_unknown":
			plaidError(w, 400, "INVALID_INPUT", "INVALID_PAYMENT_ID", "payment_id not found")
			return
		}
		status := "INITIATED"
		if body["payment_id"] == "pay_failed" {
			status = "FAILED"
		}
		reply(w, map[string]any{"refund_id": f.id(key), "status": status, "request_id": "req-2"})
	case "/wallet/transaction/execute":
		cp, _ := body["counterparty"].(map[string]any)
		if cp["name"] == "Closed Account" {
			plaidError(w, 400, "TRANSACTION_ERROR", "TRANSACTION_IBAN_INVALID", "the recipient account is closed")
			return
		}
		reply(w, map[string]any{"transaction_id": f.id(key), "status": "EXECUTED", "request_id": "req-3"})
	case "/wallet/transaction/get":
		id, _ := body["transaction_id"].(string)
		if !strings.HasPrefix(id, "tx-") {
			plaidError(w, 400, "INVALID_INPUT", "TRANSACTION_NOT_FOUND", "not found")
			return
		}
		reply(w, map[string]any{
			"transaction_id": id, "wallet_id": "wallet-1", "reference": "C2026000123", "type": "PAYOUT",
			"amount":       map[string]any{"iso_currency_code": "EUR", "value": 12.9},
			"counterparty": map[string]any{"name": "Claire Martin", "numbers": map[string]any{"international": map[string]any{"iban": "FR7630006000011234567890189"}}},
			"status":       "SETTLED", "created_at": "2026-03-02T10:00:00Z", "last_status_update": "2026-03-02T10:05:00Z", "request_id": "req-4",
		})
	default:
		plaidError(w, 404, "INVALID_REQUEST", "NOT_FOUND", "unknown path "+r.URL.Path)
	}
}

// id returns the transaction of a key, the first one for a repeated key.
func (f *fakePlaid) id(key string) string {
	if id, ok := f.byKey[key]; ok {
		return id
	}
	f.seq++
	id := "tx-" + string(rune('0'+f.seq))
	f.byKey[key] = id
	return id
}

func (f *fakePlaid) sent(path string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[path]
}

func payout(key string) payments.PayoutRequest {
	return payments.PayoutRequest{Amount: 1290, Currency: "EUR", IBAN: "fr76 3000 6000 0112 3456 7890 189", Name: "Claire Martin", Reference: "C-2026-000123", IdempotencyKey: key}
}

func TestPayoutSendsTheKeyTheIBANAndTheAmountAsADecimal(t *testing.T) {
	f, g := newFakePlaid(t)
	ctx := context.Background()
	res, err := g.Payout(ctx, payout("settle/C-2026-000123/r1/payout"))
	if err != nil {
		t.Fatal(err)
	}
	if res.ProviderRef != "tx-1" || res.Status != payments.StatusSucceeded {
		t.Errorf("result %+v", res)
	}
	again, err := g.Payout(ctx, payout("settle/C-2026-000123/r1/payout"))
	if err != nil || again != res {
		t.Errorf("retry: %+v, %v; want %+v", again, err, res)
	}
	bodies := f.sent("/wallet/transaction/execute")
	if len(bodies) != 2 {
		t.Fatalf("%d payout requests, want 2", len(bodies))
	}
	b := bodies[0]
	if b["idempotency_key"] != "settle/C-2026-000123/r1/payout" || b["wallet_id"] != "wallet-1" || b["reference"] != "C2026000123" {
		t.Errorf("body %v", b)
	}
	amount := b["amount"].(map[string]any)
	if amount["value"] != json.Number("12.9") || amount["iso_currency_code"] != "EUR" {
		t.Errorf("amount on the wire %v, want 12.9 EUR", amount)
	}
	cp := b["counterparty"].(map[string]any)
	iban := cp["numbers"].(map[string]any)["international"].(map[string]any)["iban"]
	if cp["name"] != "Claire Martin" || iban != "FR7630006000011234567890189" {
		t.Errorf("counterparty %v", cp)
	}
	if _, ok := b["secret"]; ok {
		t.Error("the secret went in the body as well as the header")
	}
}

func TestRefundReversesThePaymentWithTheKey(t *testing.T) {
	f, g := newFakePlaid(t)
	ctx := context.Background()
	res, err := g.Refund(ctx, payments.RefundRequest{Amount: 4599, Currency: "EUR", PaymentRef: "payment-id-sandbox-1", IdempotencyKey: "modify-content/C-7/r/refund", Reference: "C-7"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != payments.StatusPending || res.ProviderRef == "" {
		t.Errorf("result %+v", res)
	}
	b := f.sent("/payment_initiation/payment/reverse")[0]
	if b["payment_id"] != "payment-id-sandbox-1" || b["idempotency_key"] != "modify-content/C-7/r/refund" {
		t.Errorf("body %v", b)
	}
	if ref := b["reference"].(string); len(ref) < 6 || len(ref) > 18 || !strings.HasPrefix(ref, "C7") {
		t.Errorf("reference %q: want 6-18 alphanumerics starting with the order number", ref)
	}
	if amount := b["amount"].(map[string]any); amount["value"] != json.Number("45.99") || amount["currency"] != "EUR" {
		t.Errorf("amount on the wire %v, want 45.99 EUR", amount)
	}
	st, err := g.Status(ctx, res.ProviderRef)
	if err != nil || st.Status != payments.StatusSucceeded {
		t.Errorf("Status = %+v, %v", st, err)
	}
}

func TestPlaidErrorsAreClassified(t *testing.T) {
	f, g := newFakePlaid(t)
	ctx := context.Background()
	for _, tc := range []struct{ ref, kind, code string }{
		{"pay_refused", "declined", "PAYMENT_REJECTED"},
		{"pay_failed", "declined", "FAILED"},
		{"pay_500", "temporary", ""},
		{"pay_429", "temporary", ""},
		{"pay_unknown", "invalid", ""},
		{"pay_401", "auth", ""},
		{"pay_403", "auth", ""},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			_, err := g.Refund(ctx, payments.RefundRequest{Amount: 100, Currency: "EUR", PaymentRef: tc.ref, IdempotencyKey: "k-" + tc.ref})
			checkKind(t, err, tc.kind, tc.code)
		})
	}
	_, err := g.Payout(ctx, payments.PayoutRequest{Amount: 100, Currency: "EUR", IBAN: "DE89370400440532013000", Name: "Closed Account", IdempotencyKey: "p"})
	checkKind(t, err, "declined", "TRANSACTION_IBAN_INVALID")
	// A wrong secret is not temporary: retrying with the same key cannot
	// help until an operator fixes PLAID_SECRET.
	_, err = New("client-id-1", "wrong", f.url).Refund(ctx, payments.RefundRequest{Amount: 100, Currency: "EUR", PaymentRef: "p", IdempotencyKey: "k"})
	checkKind(t, err, "auth", "")
	_, err = New("client-id-1", "wrong", f.url, WithWallet("wallet-1")).Payout(ctx, payout("k-auth"))
	checkKind(t, err, "auth", "")
	_, err = New("c", "s", "http://127.0.0.1:1").Refund(ctx, payments.RefundRequest{Amount: 100, Currency: "EUR", PaymentRef: "p", IdempotencyKey: "k"})
	checkKind(t, err, "temporary", "")
	if _, err := g.Status(ctx, "nope"); !errors.Is(err, payments.ErrInvalid) {
		t.Errorf("Status of an unknown transaction: %v", err)
	}
}

func checkKind(t *testing.T, err error, kind, code string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var d *payments.DeclinedError
	switch kind {
	case "declined":
		if !errors.As(err, &d) || d.Code != code {
			t.Errorf("%v: want DeclinedError %s", err, code)
		}
	case "invalid":
		if !errors.Is(err, payments.ErrInvalid) || errors.Is(err, payments.ErrDeclined) {
			t.Errorf("%v: want ErrInvalid", err)
		}
	case "auth":
		if !errors.Is(err, payments.ErrAuth) || errors.Is(err, payments.ErrInvalid) || errors.Is(err, payments.ErrDeclined) {
			t.Errorf("%v: want ErrAuth", err)
		}
	case "temporary":
		if errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) || errors.Is(err, payments.ErrAuth) {
			t.Errorf("%v: want temporary", err)
		}
	}
}

// TestFindAndListAreUnsupported: Plaid does not give idempotency keys
// back, so a compensation asking whether a Plaid transfer happened is told
// "cannot say", never "no money moved"; and nothing is asked of Plaid.
func TestFindAndListAreUnsupported(t *testing.T) {
	f, g := newFakePlaid(t)
	ctx := context.Background()
	if _, err := g.Payout(ctx, payout("settle/C-2026-000123/r1/payout")); err != nil {
		t.Fatal(err)
	}
	_, err := g.Find(ctx, "settle/C-2026-000123/r1/payout")
	if !errors.Is(err, payments.ErrUnsupported) || errors.Is(err, payments.ErrNotFound) {
		t.Errorf("Find: %v, want ErrUnsupported", err)
	}
	if _, err := g.List(ctx, time.Now().Add(-time.Hour)); !errors.Is(err, payments.ErrUnsupported) {
		t.Errorf("List: %v, want ErrUnsupported", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bodies) != 1 {
		t.Errorf("Find or List reached Plaid: %v", f.bodies)
	}
}

func TestUnsupportedAndInvalidNeverReachPlaid(t *testing.T) {
	f, g := newFakePlaid(t)
	ctx := context.Background()
	noWallet := New("client-id-1", "secret-1", f.url)
	if _, err := noWallet.Payout(ctx, payout("k")); !errors.Is(err, payments.ErrUnsupported) {
		t.Errorf("payout without a wallet: %v", err)
	}
	p := payout("k")
	p.Currency = "USD"
	if _, err := g.Payout(ctx, p); !errors.Is(err, payments.ErrUnsupported) {
		t.Errorf("payout in USD: %v", err)
	}
	p = payout("k")
	p.IBAN = "FR7630006000011234567890188"
	if _, err := g.Payout(ctx, p); err == nil || !strings.Contains(err.Error(), "iban") {
		t.Errorf("payout to a typo'd IBAN: %v", err)
	}
	if n := len(f.sent("/wallet/transaction/execute")); n != 0 {
		t.Errorf("%d requests reached Plaid", n)
	}
}

func TestLongKeysAreShortenedStably(t *testing.T) {
	f, g := newFakePlaid(t)
	long := "modify-content/C-2026-000123/" + strings.Repeat("x", 200) + "/payout"
	for range 2 {
		if _, err := g.Payout(context.Background(), payout(long)); err != nil {
			t.Fatal(err)
		}
	}
	bodies := f.sent("/wallet/transaction/execute")
	k0, k1 := bodies[0]["idempotency_key"].(string), bodies[1]["idempotency_key"].(string)
	if k0 != k1 || len(k0) > maxKey {
		t.Errorf("keys %q and %q: want the same, at most %d characters", k0, k1, maxKey)
	}
}

// TestCentsConvertExactly walks amounts where a careless float conversion
// goes wrong (0.1 + 0.2 territory, large sums) and checks the JSON text.
func TestCentsConvertExactly(t *testing.T) {
	for cents, want := range map[int64]string{
		1: "0.01", 10: "0.1", 29: "0.29", 57: "0.57", 1290: "12.9", 4599: "45.99", 100: "1",
		1005: "10.05", 123456789: "1234567.89", 999999999999: "9999999999.99", 9007199254740: "90071992547.4",
	} {
		v, err := unitsFromCents(cents, "EUR")
		if err != nil {
			t.Fatalf("%d: %v", cents, err)
		}
		got, _ := json.Marshal(v)
		if string(got) != want {
			t.Errorf("%d cents went on the wire as %s, want %s", cents, got, want)
		}
	}
	for _, bad := range []int64{0, -1, maxCents + 1} {
		if _, err := unitsFromCents(bad, "EUR"); err == nil {
			t.Errorf("%d cents accepted", bad)
		}
	}
}

func FuzzCentsConvertExactly(f *testing.F) {
	f.Add(int64(1290))
	f.Fuzz(func(t *testing.T, cents int64) {
		v, err := unitsFromCents(cents, "EUR")
		if err != nil {
			return
		}
		var back json.Number
		raw, _ := json.Marshal(v)
		_ = json.Unmarshal(raw, &back)
		whole, frac, _ := strings.Cut(back.String(), ".")
		for len(frac) < 2 {
			frac += "0"
		}
		if want := strings.TrimLeft(whole+frac, "0"); want != strings.TrimLeft(jsonInt(cents), "0") {
			t.Fatalf("%d cents became %s on the wire", cents, raw)
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
