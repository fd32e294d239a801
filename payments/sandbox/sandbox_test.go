package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/payments"
)

// clock is a settable time for outage windows and pending statuses.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// start runs a sandbox on a free port and returns it with a client.
func start(t *testing.T, opts Options) (*Server, *Client) {
	t.Helper()
	s := NewServer(opts)
	url, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, &Client{BaseURL: url, APIKey: opts.APIKey, HTTP: &http.Client{Timeout: 5 * time.Second}}
}

func refund(key string, amount int64, ref string) payments.RefundRequest {
	return payments.RefundRequest{Amount: amount, Currency: "EUR", PaymentRef: ref, IdempotencyKey: key, Reason: "produit retiré"}
}

// temporary asserts err is the kind Temporal retries: neither a decline nor invalid.
func temporary(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want a temporary error, got success")
	}
	if errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) || errors.Is(err, payments.ErrUnsupported) || errors.Is(err, payments.ErrAuth) {
		t.Fatalf("want a temporary error, got a permanent one: %v", err)
	}
}

func TestRepeatedKeyReturnsTheFirstRefundAndMovesMoneyOnce(t *testing.T) {
	s, c := start(t, Options{})
	s.AddPayment("pi_1", 5000)
	ctx := context.Background()
	first, err := c.Refund(ctx, refund("modify-content/C-1/r1/refund", 1200, "pi_1"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != payments.StatusSucceeded || !strings.HasPrefix(first.ProviderRef, "re_") {
		t.Errorf("first refund = %+v", first)
	}
	for range 3 {
		again, err := c.Refund(ctx, refund("modify-content/C-1/r1/refund", 1200, "pi_1"))
		if err != nil {
			t.Fatal(err)
		}
		if again != first {
			t.Errorf("repeated key gave %+v, want the first result %+v", again, first)
		}
	}
	if rs := s.Refunds(); len(rs) != 1 || rs[0].Amount != 1200 || rs[0].PaymentRef != "pi_1" || rs[0].IdempotencyKey != "modify-content/C-1/r1/refund" {
		t.Errorf("the sandbox holds %+v, want one refund of 1200 on pi_1", rs)
	}
	if got := s.Refunded("pi_1"); got != 1200 {
		t.Errorf("refunded %d on pi_1, want 1200", got)
	}
	if n := s.Requests("modify-content/C-1/r1/refund"); n != 4 {
		t.Errorf("%d requests seen with the key, want 4", n)
	}
}

func TestKeyReusedForAnotherAmountIsRefused(t *testing.T) {
	s, c := start(t, Options{})
	ctx := context.Background()
	if _, err := c.Refund(ctx, refund("k", 1200, "pi_1")); err != nil {
		t.Fatal(err)
	}
	_, err := c.Refund(ctx, refund("k", 1300, "pi_1"))
	if !errors.Is(err, payments.ErrInvalid) || !strings.Contains(err.Error(), "409") {
		t.Fatalf("same key, other amount: %v; want a 409 that wraps ErrInvalid", err)
	}
	if n := s.KeyCount("k"); n != 1 {
		t.Errorf("KeyCount = %d, want 1", n)
	}
}

func TestRefundsNeverExceedThePayment(t *testing.T) {
	s, c := start(t, Options{})
	s.AddPayment("pi_2", 5000)
	ctx := context.Background()
	if _, err := c.Refund(ctx, refund("a", 3000, "pi_2")); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the decline is remembered with the key
		_, err := c.Refund(ctx, refund("b", 2500, "pi_2"))
		var d *payments.DeclinedError
		if !errors.As(err, &d) || d.Code != "amount_too_large" || !errors.Is(err, payments.ErrDeclined) {
			t.Fatalf("refund above what is left: %v; want DeclinedError amount_too_large", err)
		}
	}
	if _, err := c.Refund(ctx, refund("c", 2000, "pi_2")); err != nil {
		t.Fatalf("refund of exactly what is left: %v", err)
	}
	if got := s.Refunded("pi_2"); got != 5000 {
		t.Errorf("refunded %d, want 5000", got)
	}
}

func TestPaymentsFirstSeenTakeTheDefaultAmount(t *testing.T) {
	_, c := start(t, Options{DefaultPaymentAmount: 1000})
	ctx := context.Background()
	if _, err := c.Refund(ctx, refund("a", 1000, "pi_new")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refund(ctx, refund("b", 1, "pi_new")); !errors.Is(err, payments.ErrDeclined) {
		t.Fatalf("second refund on a fully refunded payment: %v, want a decline", err)
	}
}

func TestMarkedPaymentsAndAccountsAreDeclined(t *testing.T) {
	s, c := start(t, Options{})
	ctx := context.Background()
	for ref, code := range map[string]string{"pi_expired_42": "expired_card", "pi_closed_1": "account_closed", "ch_declined": "card_declined"} {
		_, err := c.Refund(ctx, refund("key-"+ref, 500, ref))
		var d *payments.DeclinedError
		if !errors.As(err, &d) || d.Code != code {
			t.Errorf("refund on %s: %v, want DeclinedError %s", ref, err, code)
		}
	}
	_, err := c.Payout(ctx, payments.PayoutRequest{Amount: 500, Currency: "EUR", IBAN: "FR7630006000011234567890189", Name: "Compte closed", IdempotencyKey: "p"})
	var d *payments.DeclinedError
	if !errors.As(err, &d) || d.Code != "account_closed" {
		t.Errorf("payout to a closed account: %v", err)
	}
	if len(s.Refunds())+len(s.Payouts()) != 0 {
		t.Errorf("declines moved money: %+v %+v", s.Refunds(), s.Payouts())
	}
}

func TestPayoutIsIdempotentAndNormalizesTheIBAN(t *testing.T) {
	s, c := start(t, Options{})
	ctx := context.Background()
	p := payments.PayoutRequest{Amount: 4590, Currency: "eur", IBAN: "fr76 3000 6000 0112 3456 7890 189", Name: "Claire Martin", Reference: "C-2026-000123", IdempotencyKey: "settle/C-2026-000123/payout"}
	a, err := c.Payout(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Payout(ctx, p)
	if err != nil || a != b {
		t.Fatalf("repeated payout: %+v, %v; want %+v", b, err, a)
	}
	ps := s.Payouts()
	if len(ps) != 1 || ps[0].IBAN != "FR7630006000011234567890189" || ps[0].Amount != 4590 || ps[0].Currency != "EUR" {
		t.Errorf("payouts: %+v", ps)
	}
	if st, err := c.Status(ctx, a.ProviderRef); err != nil || st.Status != payments.StatusSucceeded {
		t.Errorf("Status(%s) = %+v, %v", a.ProviderRef, st, err)
	}
}

// TestHalfTheRequestsFailAndEachKeyRefundsOnce is the outage test at the
// provider's level: half the requests fail before anything
// happens, a fifth of the accepted ones lose their response, callers retry
// with their key until they hear back, and the sandbox ends with exactly one
// refund per key.
func TestHalfTheRequestsFailAndEachKeyRefundsOnce(t *testing.T) {
	s, c := start(t, Options{Faults: Faults{ErrorRate: 0.5, DropRate: 0.2, Seed: 42}})
	const procedures = 40
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, procedures)
	for i := range procedures {
		wg.Go(func() {
			key := fmt.Sprintf("refund/C-2026-%06d/r1/refund", i)
			req := refund(key, int64(100+i), fmt.Sprintf("pi_%d", i))
			for attempt := 1; ; attempt++ {
				res, err := c.Refund(ctx, req)
				if err == nil {
					if res.ProviderRef == "" {
						errs <- fmt.Errorf("%s: empty provider ref", key)
					}
					return
				}
				if errors.Is(err, payments.ErrDeclined) || errors.Is(err, payments.ErrInvalid) || attempt == 100 {
					errs <- fmt.Errorf("%s attempt %d: %w", key, attempt, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rs := s.Refunds()
	if len(rs) != procedures {
		t.Errorf("the sandbox holds %d refunds, want %d", len(rs), procedures)
	}
	requests := 0
	for i := range procedures {
		key := fmt.Sprintf("refund/C-2026-%06d/r1/refund", i)
		if n := s.KeyCount(key); n != 1 {
			t.Errorf("%s: %d refunds, want exactly 1", key, n)
		}
		if got := s.Refunded(fmt.Sprintf("pi_%d", i)); got != int64(100+i) {
			t.Errorf("pi_%d refunded %d, want %d", i, got, 100+i)
		}
		requests += s.Requests(key)
	}
	if requests < procedures*3/2 {
		t.Errorf("only %d requests for %d refunds: the faults did not bite", requests, procedures)
	}
}

func TestOutageWindowRefusesThenRecovers(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	s, c := start(t, Options{Now: clk.Now})
	ctx := context.Background()
	s.OutageFor(30 * time.Second)
	_, err := c.Refund(ctx, refund("k", 700, "pi_1"))
	temporary(t, err)
	if !strings.Contains(err.Error(), "503") {
		t.Errorf("outage error %q does not say 503", err)
	}
	if len(s.Refunds()) != 0 {
		t.Fatal("a refund was recorded during the outage")
	}
	clk.Advance(29 * time.Second)
	_, err = c.Refund(ctx, refund("k", 700, "pi_1"))
	temporary(t, err)
	clk.Advance(2 * time.Second)
	if _, err := c.Refund(ctx, refund("k", 700, "pi_1")); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
	if s.KeyCount("k") != 1 || s.Requests("k") != 3 {
		t.Errorf("KeyCount %d, Requests %d; want 1 and 3", s.KeyCount("k"), s.Requests("k"))
	}
}

// TestAcceptThenDropThenRetry is the crash after the provider committed: the provider
// records the refund, the caller never hears back, and its retry with the
// same key gets the recorded refund instead of a second one.
func TestAcceptThenDropThenRetry(t *testing.T) {
	var committed []Transfer
	var mu sync.Mutex
	s, c := start(t, Options{Faults: Faults{DropNext: 1}, AfterCommit: func(tr Transfer) {
		mu.Lock()
		defer mu.Unlock()
		committed = append(committed, tr)
	}})
	ctx := context.Background()
	_, err := c.Refund(ctx, refund("modify-content/C-9/r/refund", 2590, "pi_9"))
	temporary(t, err)
	rs := s.Refunds()
	if len(rs) != 1 {
		t.Fatalf("after the cut response the sandbox holds %d refunds, want 1 (it committed)", len(rs))
	}
	res, err := c.Refund(ctx, refund("modify-content/C-9/r/refund", 2590, "pi_9"))
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if res.ProviderRef != rs[0].ID {
		t.Errorf("retry got %s, want the recorded %s", res.ProviderRef, rs[0].ID)
	}
	if len(s.Refunds()) != 1 || s.Refunded("pi_9") != 2590 {
		t.Errorf("refunds after retry: %+v", s.Refunds())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(committed) != 1 || committed[0].ID != rs[0].ID || committed[0].Amount != 2590 {
		t.Errorf("AfterCommit saw %+v", committed)
	}
	if f := s.Faults(); f.DropNext != 0 {
		t.Errorf("DropNext = %d after one drop, want 0", f.DropNext)
	}
}

func TestAdminEndpointSetsAndClearsFaults(t *testing.T) {
	s, c := start(t, Options{})
	ctx := context.Background()
	admin := func(method, path, body string) int {
		req, _ := http.NewRequestWithContext(ctx, method, c.BaseURL+path, strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := admin(http.MethodPut, "/admin/faults", `{"error_rate":1,"latency_ms":5}`); code != 200 {
		t.Fatalf("PUT /admin/faults: %d", code)
	}
	if f := s.Faults(); f.ErrorRate != 1 || f.Latency != 5*time.Millisecond {
		t.Errorf("faults after PUT: %+v", f)
	}
	_, err := c.Refund(ctx, refund("k", 100, "pi_1"))
	temporary(t, err)
	if code := admin(http.MethodPut, "/admin/faults", `{"error_rate":2}`); code != 400 {
		t.Errorf("an error rate of 2 was accepted: %d", code)
	}
	if code := admin(http.MethodPut, "/admin/faults", `{"outage_seconds":60}`); code != 200 {
		t.Fatal(code)
	}
	if f := s.Faults(); f.OutageUntil.Sub(f.OutageFrom) != time.Minute || f.ErrorRate != 0 {
		t.Errorf("faults after outage_seconds: %+v", f)
	}
	_, err = c.Refund(ctx, refund("k", 100, "pi_1"))
	temporary(t, err)
	if code := admin(http.MethodDelete, "/admin/faults", ""); code != 200 {
		t.Fatal(code)
	}
	if code := admin(http.MethodPost, "/admin/payments", `{"ref":"pi_admin","amount":150}`); code != 200 {
		t.Fatal(code)
	}
	if _, err := c.Refund(ctx, refund("k", 100, "pi_admin")); err != nil {
		t.Fatalf("after DELETE /admin/faults: %v", err)
	}
	if _, err := c.Refund(ctx, refund("k2", 100, "pi_admin")); !errors.Is(err, payments.ErrDeclined) {
		t.Errorf("payment registered at 150 took 200 of refunds: %v", err)
	}
}

func TestPendingThenSucceeded(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	_, c := start(t, Options{Now: clk.Now, PendingFor: time.Hour})
	ctx := context.Background()
	res, err := c.Refund(ctx, refund("k", 100, "pi_1"))
	if err != nil || res.Status != payments.StatusPending {
		t.Fatalf("refund = %+v, %v; want pending", res, err)
	}
	clk.Advance(time.Hour)
	st, err := c.Status(ctx, res.ProviderRef)
	if err != nil || st != (payments.Result{ProviderRef: res.ProviderRef, Status: payments.StatusSucceeded}) {
		t.Errorf("Status = %+v, %v; want succeeded", st, err)
	}
	if _, err := c.Status(ctx, "re_unknown"); !errors.Is(err, payments.ErrInvalid) {
		t.Errorf("Status of an unknown refund: %v, want ErrInvalid", err)
	}
}

// TestTimeoutIsTemporaryAndTheRetryFindsTheRefund: the caller gives up
// while the provider is slow, and the provider still commits (as a real one
// may). The timeout must read as temporary, and the retry with the same key
// must find that refund rather than make a second one.
func TestTimeoutIsTemporaryAndTheRetryFindsTheRefund(t *testing.T) {
	s, c := start(t, Options{Faults: Faults{Latency: 300 * time.Millisecond}})
	c.HTTP = &http.Client{Timeout: 50 * time.Millisecond}
	ctx := context.Background()
	_, err := c.Refund(ctx, refund("k", 100, "pi_1"))
	temporary(t, err)
	time.Sleep(400 * time.Millisecond) // the slow request finishes on the provider's side
	if n := len(s.Refunds()); n != 1 {
		t.Fatalf("the sandbox holds %d refunds after the timed-out request, want 1", n)
	}
	c.HTTP = &http.Client{Timeout: 5 * time.Second}
	res, err := c.Refund(ctx, refund("k", 100, "pi_1"))
	if err != nil {
		t.Fatal(err)
	}
	if rs := s.Refunds(); len(rs) != 1 || rs[0].ID != res.ProviderRef || s.Refunded("pi_1") != 100 {
		t.Errorf("after the retry: %+v, result %+v", rs, res)
	}
}

// TestAPIKeyAndConnectionRefused: a wrong API key is ErrAuth, which no
// retry cures (an operator fixes the configuration); a connection refused
// is temporary.
func TestAPIKeyAndConnectionRefused(t *testing.T) {
	s, c := start(t, Options{APIKey: "sk_sandbox"})
	ctx := context.Background()
	bad := *c
	bad.APIKey = "wrong"
	_, err := bad.Refund(ctx, refund("k", 100, "pi_1"))
	if !errors.Is(err, payments.ErrAuth) || errors.Is(err, payments.ErrInvalid) {
		t.Errorf("wrong API key: %v, want ErrAuth", err)
	}
	if _, err := bad.Find(ctx, "k"); !errors.Is(err, payments.ErrAuth) || errors.Is(err, payments.ErrNotFound) {
		t.Errorf("Find with a wrong API key: %v, want ErrAuth, never \"not found\"", err)
	}
	if _, err := c.Refund(ctx, refund("k", 100, "pi_1")); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Refunds()); n != 1 {
		t.Errorf("%d refunds, want 1: the refused request moved nothing", n)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	down := &Client{BaseURL: "http://" + addr}
	_, err = down.Refund(ctx, refund("k", 100, "pi_1"))
	temporary(t, err)
}

func TestInvalidRequestsNeverReachTheSandbox(t *testing.T) {
	s, c := start(t, Options{})
	_, err := c.Refund(context.Background(), refund("", 100, "pi_1"))
	if err == nil || !strings.Contains(err.Error(), "idempotency_key") {
		t.Errorf("refund without key: %v", err)
	}
	_, err = c.Payout(context.Background(), payments.PayoutRequest{Amount: 100, Currency: "EUR", IBAN: "FR7630006000011234567890188", Name: "X", IdempotencyKey: "k"})
	if err == nil || !strings.Contains(err.Error(), "iban") {
		t.Errorf("payout to a typo'd IBAN: %v", err)
	}
	if s.Requests("k") != 0 {
		t.Error("an invalid request was sent")
	}
}

func TestServeRunsUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, addr) }()
	c := &Client{BaseURL: "http://" + addr}
	var res payments.Result
	for range 50 { // until it listens
		if res, err = c.Refund(ctx, refund("k", 100, "pi_1")); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || res.ProviderRef == "" {
		t.Fatalf("refund through Serve: %+v, %v", res, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop")
	}
}

func TestMaxStreakCapsFailuresPerKey(t *testing.T) {
	srv := NewServer(Options{Faults: Faults{ErrorRate: 1, MaxStreak: 2}})
	url, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := &Client{BaseURL: url}
	req := payments.RefundRequest{Amount: 100, Currency: "EUR", PaymentRef: "ch_streak", IdempotencyKey: "streak-key"}
	var errs int
	for range 3 {
		if _, err := c.Refund(context.Background(), req); err != nil {
			errs++
		}
	}
	if errs != 2 {
		t.Fatalf("with every request failing and MaxStreak 2, %d of 3 tries failed; want 2, then a success", errs)
	}
	if n := srv.KeyCount("streak-key"); n != 1 {
		t.Fatalf("the provider holds %d refunds for the key, want 1", n)
	}
}

// A cut response counts against MaxStreak like a 503: a key whose new
// refund was recorded and its answer cut does not start a fresh run of
// failures on its retries.
func TestMaxStreakCountsCutResponsesToo(t *testing.T) {
	srv := NewServer(Options{Faults: Faults{ErrorRate: 1, DropRate: 1, MaxStreak: 3}})
	url, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := &Client{BaseURL: url}
	req := payments.RefundRequest{Amount: 100, Currency: "EUR", PaymentRef: "ch_cut", IdempotencyKey: "cut-key"}
	var errs int
	for range 6 {
		if _, err := c.Refund(context.Background(), req); err != nil {
			errs++
		}
	}
	if errs != 3 {
		t.Fatalf("with every request failing or cut and MaxStreak 3, %d of 6 tries failed; want 3, then successes", errs)
	}
	if n := srv.KeyCount("cut-key"); n != 1 {
		t.Fatalf("the provider holds %d refunds for the key, want 1", n)
	}
}

// TestRevokedKeyFaultAnswers401: the Unauthorized fault makes the sandbox
// answer every request as a provider does once the key is revoked; the
// client reads ErrAuth, and nothing moves. The fault is settable over the
// admin endpoint too.
func TestRevokedKeyFaultAnswers401(t *testing.T) {
	s, c := start(t, Options{Faults: Faults{Unauthorized: true}})
	ctx := context.Background()
	_, err := c.Refund(ctx, refund("settle/C-1/r/refund", 100, "pi_1"))
	if !errors.Is(err, payments.ErrAuth) {
		t.Errorf("refund with a revoked key: %v, want ErrAuth", err)
	}
	_, err = c.Payout(ctx, payments.PayoutRequest{Amount: 100, Currency: "EUR", IBAN: "FR7630006000011234567890189", Name: "Claire Martin", IdempotencyKey: "p"})
	if !errors.Is(err, payments.ErrAuth) {
		t.Errorf("payout with a revoked key: %v, want ErrAuth", err)
	}
	if _, err := c.List(ctx, time.Time{}.Add(time.Hour)); !errors.Is(err, payments.ErrAuth) {
		t.Errorf("List with a revoked key: %v, want ErrAuth", err)
	}
	if len(s.Refunds())+len(s.Payouts()) != 0 {
		t.Error("money moved with a revoked key")
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, c.BaseURL+"/admin/faults", strings.NewReader(`{"unauthorized":false}`))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, err := c.Refund(ctx, refund("settle/C-1/r/refund", 100, "pi_1")); err != nil {
		t.Errorf("after the key is fixed: %v", err)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPut, c.BaseURL+"/admin/faults", strings.NewReader(`{"unauthorized":true}`))
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !s.Faults().Unauthorized {
		t.Error("PUT /admin/faults {\"unauthorized\":true} did not set the fault")
	}
}

// TestForbiddenIsAuth: a 403 (a key without the permission) is ErrAuth too.
func TestForbiddenIsAuth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, &apiError{Status: http.StatusForbidden, Type: "invalid_request_error", Code: "permission_denied", Message: "this key may not refund"})
	}))
	t.Cleanup(srv.Close)
	_, err := (&Client{BaseURL: srv.URL}).Refund(context.Background(), refund("k", 100, "pi_1"))
	if !errors.Is(err, payments.ErrAuth) || !strings.Contains(err.Error(), "this key may not refund") {
		t.Errorf("403: %v, want ErrAuth with the provider's words", err)
	}
}

// TestFindByKeyTellsMovedFromNeverSent is what a compensation asks: the
// refund or payout sent with a key, with its amount and status, even when
// the response was cut after the sandbox committed; ErrNotFound for a key
// it never received, or one it declined (no money moved either way).
func TestFindByKeyTellsMovedFromNeverSent(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	s, c := start(t, Options{Now: clk.Now, PendingFor: time.Hour, Faults: Faults{DropNext: 1}})
	ctx := context.Background()
	_, err := c.Refund(ctx, refund("cancel-refund/C-2026-000101/r1/refund", 2590, "pi_1"))
	temporary(t, err) // the response was cut: the caller does not know
	got, err := c.Find(ctx, "cancel-refund/C-2026-000101/r1/refund")
	want := payments.Result{ProviderRef: s.Refunds()[0].ID, Status: payments.StatusPending, Kind: payments.KindRefund, Amount: 2590, Currency: "EUR"}
	if err != nil || got != want {
		t.Errorf("Find = %+v, %v; want %+v", got, err, want)
	}
	clk.Advance(time.Hour)
	if got, err := c.Find(ctx, "cancel-refund/C-2026-000101/r1/refund"); err != nil || got.Status != payments.StatusSucceeded {
		t.Errorf("Find an hour later = %+v, %v; want succeeded", got, err)
	}

	po, err := c.Payout(ctx, payments.PayoutRequest{Amount: 4000, Currency: "EUR", IBAN: "FR7630006000011234567890189", Name: "Claire Martin", IdempotencyKey: "settle/C-2026-000101/r1/payout"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Find(ctx, "settle/C-2026-000101/r1/payout"); err != nil || got.ProviderRef != po.ProviderRef || got.Kind != payments.KindPayout || got.Amount != 4000 {
		t.Errorf("Find of a payout = %+v, %v", got, err)
	}

	if _, err := c.Refund(ctx, refund("declined/refund", 100, "pi_expired")); !errors.Is(err, payments.ErrDeclined) {
		t.Fatalf("pi_expired: %v", err)
	}
	for _, key := range []string{"never/sent", "declined/refund"} {
		if _, err := c.Find(ctx, key); !errors.Is(err, payments.ErrNotFound) {
			t.Errorf("Find(%q) = %v, want ErrNotFound", key, err)
		}
	}
	if _, err := c.Find(ctx, ""); err == nil || !strings.Contains(err.Error(), "idempotency_key") {
		t.Errorf("Find without a key: %v", err)
	}
	if n := s.Requests("cancel-refund/C-2026-000101/r1/refund"); n != 1 {
		t.Errorf("the key was sent %d times, want 1: Find must not send it as a request", n)
	}
}

// TestListSinceGivesRefundsAndPayoutsWithTheirKeys: what reconciliation
// reads, bounded by the creation time.
func TestListSinceGivesRefundsAndPayoutsWithTheirKeys(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	_, c := start(t, Options{Now: clk.Now})
	ctx := context.Background()
	if _, err := c.Refund(ctx, refund("old/refund", 100, "pi_1")); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	since := clk.Now()
	if _, err := c.Refund(ctx, refund("modify-content/C-2026-000102/r/settle/refund", 1290, "pi_2")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Payout(ctx, payments.PayoutRequest{Amount: 4000, Currency: "eur", IBAN: "FR7630006000011234567890189", Name: "Claire Martin", IdempotencyKey: "settle/C-2026-000103/r/payout"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.List(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	want := []payments.Transfer{
		{Result: payments.Result{Status: payments.StatusSucceeded, Kind: payments.KindRefund, Amount: 1290, Currency: "EUR"}, IdempotencyKey: "modify-content/C-2026-000102/r/settle/refund", Created: since},
		{Result: payments.Result{Status: payments.StatusSucceeded, Kind: payments.KindPayout, Amount: 4000, Currency: "EUR"}, IdempotencyKey: "settle/C-2026-000103/r/payout", Created: since},
	}
	if len(got) != len(want) {
		t.Fatalf("List = %+v, want %d transfers", got, len(want))
	}
	for i := range want {
		got[i].ProviderRef = ""
		if !got[i].Created.Equal(want[i].Created) {
			t.Errorf("transfer %d created %v, want %v", i, got[i].Created, want[i].Created)
		}
		got[i].Created = want[i].Created
		if got[i] != want[i] {
			t.Errorf("transfer %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
