// Package sandbox is the payment provider of `make dev` and of the tests: a
// real HTTP service, in memory, that refunds and pays out like a provider
// does (idempotency keys, declines, refunds capped by the payment) and
// breaks on demand (error rate, latency, outage window, a response cut after
// the money moved), so the exactly-once promise of the money procedures can
// be shown and tested over the wire rather than through a mock.
//
// The API (JSON; errors are {"error":{"type","code","message"}}):
//
//	POST /v1/refunds      {"payment_ref","amount","currency","reason"}   Idempotency-Key header
//	POST /v1/payouts      {"amount","currency","iban","name","reference"} Idempotency-Key header
//	GET  /v1/refunds/{id}
//	GET  /v1/payouts/{id}
//	GET  /v1/refunds?idempotency_key=K    {"data":[...]}: the refund sent with key K, if any
//	GET  /v1/refunds?created_gte=T        {"data":[...]}: refunds created at or after T (RFC 3339), oldest first
//	GET  /v1/payouts?idempotency_key=K | ?created_gte=T   the same for payouts
//	GET|PUT|DELETE /admin/faults   read, set, clear the faults (see faultsJSON)
//	POST /admin/payments  {"ref","amount","currency"}  register a payment
//	GET  /admin/state     every refund and payout, and the faults
//	GET  /healthz
//
// Status codes, like Stripe's: 402 a decline (permanent), 400/404 a bad
// request, 409 an idempotency key reused with other values, 401 a wrong API
// key (or the Unauthorized fault), 503 an injected failure or outage
// (temporary).
//
// Payments: a refund may not exceed what is left of its payment. A payment
// is registered with AddPayment (or POST /admin/payments); a payment
// reference seen for the first time without that is taken as a payment of
// Options.DefaultPaymentAmount (10 000 € unless set), so `make dev` works on
// any order while tests can pin exact amounts. Payment references carrying a
// marker are declined for good: "expired" -> expired_card, "closed" ->
// account_closed, "declined" -> card_declined; a payout whose holder name
// carries "closed" is declined with account_closed.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orderdesk/orderdesk/internal/sandboxhttp"
	"github.com/orderdesk/orderdesk/order"
)

// DefaultPaymentAmount is the amount of a payment the sandbox first sees in
// a refund, when Options.DefaultPaymentAmount is 0: large enough that any
// demo order can be refunded.
const DefaultPaymentAmount int64 = 1_000_000 // 10 000,00 €

// Options configure a Server.
type Options struct {
	// APIKey, when set, must come as "Authorization: Bearer <key>" on /v1
	// requests, so a client misconfiguration shows up as it would in production.
	APIKey string
	// DefaultPaymentAmount is the amount of a payment first seen in a
	// refund without AddPayment; 0 means DefaultPaymentAmount.
	DefaultPaymentAmount int64
	// PendingFor keeps a new refund or payout "pending" for this long before
	// it reads "succeeded", to exercise Status; 0: succeeded at once.
	PendingFor time.Duration
	// Faults are in force from the start.
	Faults Faults
	// Now is the clock of outage windows and statuses; nil is time.Now.
	Now func() time.Time
	// AfterCommit, when set, runs after a new refund or payout is recorded
	// and before the response is written. A test stops a worker here (or
	// blocks) to reproduce a crash between the provider moving the money and
	// the caller hearing of it. It must not call back into the server's
	// mutating methods while the request waits on it.
	AfterCommit func(Transfer)
}

// Faults are the failures the sandbox injects, settable at run time with
// SetFaults or PUT /admin/faults. They apply to /v1 requests only.
type Faults struct {
	// ErrorRate is the share (0..1) of requests answered 503 before
	// anything happens: nothing moves, a retry is safe.
	ErrorRate float64
	// DropRate is the share (0..1) of new refunds and payouts that are
	// recorded and then have their response cut: the money moved, the
	// caller saw a broken connection.
	DropRate float64
	// DropNext cuts the response of the next N new refunds or payouts after
	// recording them ("accept then drop"), deterministically.
	DropNext int
	// Latency is added before each request is handled.
	Latency time.Duration
	// OutageFrom and OutageUntil bound a window in which every request is
	// 503. A zero OutageFrom means "from now".
	OutageFrom, OutageUntil time.Time
	// Seed seeds the draws of ErrorRate and DropRate, so a run with the
	// same seed and the same order of requests fails the same requests.
	Seed uint64
	// MaxStreak, when above 0, caps the failures drawn by ErrorRate and
	// DropRate that one idempotency key sees, a 503 and a cut response
	// alike, over all of its requests: the rates stay what they are, but a
	// caller retrying with exponential backoff is not kept waiting for
	// minutes by a run of bad luck (tests bound their time with it). A
	// count that started again after each success would not bound it: a
	// new refund's cut response is a success at the provider, and the
	// retries after it could fail MaxStreak times more.
	MaxStreak int
	// Unauthorized answers every request 401 api_key_invalid, as a
	// provider does once the shop's API key is revoked: nothing moves, and
	// no retry can help until the key is fixed.
	Unauthorized bool
}

// Transfer is a refund or a payout as AfterCommit sees it.
type Transfer struct {
	Kind           string // "refund" or "payout"
	ID             string
	IdempotencyKey string
	Amount         int64
}

// Refund is a refund the sandbox holds: money that went back to a payment.
type Refund struct {
	ID             string    `json:"id"`
	PaymentRef     string    `json:"payment_ref"`
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	Reason         string    `json:"reason,omitempty"`
	IdempotencyKey string    `json:"idempotency_key"`
	Status         string    `json:"status"`
	Created        time.Time `json:"created"`
}

// Payout is a bank transfer the sandbox holds.
type Payout struct {
	ID             string    `json:"id"`
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	IBAN           string    `json:"iban"`
	Name           string    `json:"name"`
	Reference      string    `json:"reference,omitempty"`
	IdempotencyKey string    `json:"idempotency_key"`
	Status         string    `json:"status"`
	Created        time.Time `json:"created"`
}

type payment struct {
	amount, refunded int64
	currency         string
}

// keyEntry is what an idempotency key stands for: the request it first came
// with (fingerprint) and its outcome, a transfer id or a decline.
type keyEntry struct {
	kind, fingerprint, id string
	decline               *apiError
}

// Server is the sandbox provider: an http.Handler with its state.
type Server struct {
	opts   Options
	mux    *http.ServeMux
	prefix string // per server, so ids of two runs of `make dev` never collide

	mu       sync.Mutex
	faults   Faults
	rng      *mrand.Rand
	seq      int
	payments map[string]*payment
	refunds  []Refund
	payouts  []Payout
	keys     map[string]*keyEntry
	requests map[string]int
	streak   map[string]int // injected failures per idempotency key (MaxStreak)

	bg sandboxhttp.Background
}

// NewServer returns a sandbox with no refunds, the given options and faults.
func NewServer(opts Options) *Server {
	if opts.DefaultPaymentAmount <= 0 {
		opts.DefaultPaymentAmount = DefaultPaymentAmount
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	s := &Server{
		opts:     opts,
		prefix:   hex.EncodeToString(b[:]),
		payments: map[string]*payment{},
		keys:     map[string]*keyEntry{},
		requests: map[string]int{},
		streak:   map[string]int{},
	}
	s.SetFaults(opts.Faults)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v1/refunds", s.v1(s.createRefund))
	s.mux.HandleFunc("POST /v1/payouts", s.v1(s.createPayout))
	s.mux.HandleFunc("GET /v1/refunds", s.v1(s.listRefunds))
	s.mux.HandleFunc("GET /v1/payouts", s.v1(s.listPayouts))
	s.mux.HandleFunc("GET /v1/refunds/{id}", s.v1(s.getRefund))
	s.mux.HandleFunc("GET /v1/payouts/{id}", s.v1(s.getPayout))
	s.mux.HandleFunc("GET /admin/faults", s.getFaults)
	s.mux.HandleFunc("PUT /admin/faults", s.putFaults)
	s.mux.HandleFunc("POST /admin/faults", s.putFaults)
	s.mux.HandleFunc("DELETE /admin/faults", s.deleteFaults)
	s.mux.HandleFunc("POST /admin/payments", s.postPayment)
	s.mux.HandleFunc("GET /admin/state", s.getState)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	return s
}

// ServeHTTP serves the sandbox API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Start serves the sandbox on a free port of 127.0.0.1 and returns its base
// URL (http://127.0.0.1:port). Close stops it.
func (s *Server) Start() (url string, err error) { return s.Listen("127.0.0.1:0") }

// Listen serves the sandbox on addr ("127.0.0.1:8299", ":0") in the
// background and returns its base URL. Close stops it.
func (s *Server) Listen(addr string) (url string, err error) { return s.bg.Listen("sandbox", addr, s) }

// Close stops a server started with Start or Listen, cutting open
// connections. The state stays readable.
func (s *Server) Close() error { return s.bg.Close() }

// ListenAndServe serves the sandbox on addr until ctx is done, then shuts
// down gracefully (in-flight requests get 5 seconds).
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	return s.bg.ListenAndServe(ctx, "sandbox", addr, s)
}

// Serve runs a sandbox with default options on addr until ctx is done: the
// one call `make dev` needs (point a Client at http://addr).
func Serve(ctx context.Context, addr string) error {
	return NewServer(Options{}).ListenAndServe(ctx, addr)
}

// SetFaults replaces the faults in force; Faults{} clears them. A new Seed
// restarts the sequence of draws.
func (s *Server) SetFaults(f Faults) {
	f.ErrorRate = clamp01(f.ErrorRate)
	f.DropRate = clamp01(f.DropRate)
	f.DropNext = max(f.DropNext, 0)
	f.Latency = max(f.Latency, 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rng == nil || f.Seed != s.faults.Seed {
		s.rng = mrand.New(mrand.NewPCG(f.Seed, 0x5eed))
	}
	s.faults = f
}

// Faults returns the faults in force (DropNext counts down as drops happen).
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// OutageFor makes every request fail with 503 from now for d, keeping the
// other faults.
func (s *Server) OutageFor(d time.Duration) {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.OutageFrom, s.faults.OutageUntil = now, now.Add(d)
}

// AddPayment registers a payment of amount cents (EUR) at ref, which
// refunds may not exceed in total. Registering a ref again resets its
// amount and keeps what was refunded.
func (s *Server) AddPayment(ref string, amount int64) {
	s.addPayment(ref, amount, order.DefaultCurrency)
}

func (s *Server) addPayment(ref string, amount int64, currency string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.payments[ref]; ok {
		p.amount, p.currency = amount, currency
		return
	}
	s.payments[ref] = &payment{amount: amount, currency: currency}
}

// Refunds returns every refund the sandbox holds, oldest first.
func (s *Server) Refunds() []Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.refunds)
	for i := range out {
		out[i].Status = s.statusAt(out[i].Created)
	}
	return out
}

// Payouts returns every payout the sandbox holds, oldest first.
func (s *Server) Payouts() []Payout {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.payouts)
	for i := range out {
		out[i].Status = s.statusAt(out[i].Created)
	}
	return out
}

// KeyCount is how many refunds and payouts the sandbox holds under an
// idempotency key: 1 after any number of retries, or the money moved twice.
func (s *Server) KeyCount(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.refunds {
		if r.IdempotencyKey == key {
			n++
		}
	}
	for _, p := range s.payouts {
		if p.IdempotencyKey == key {
			n++
		}
	}
	return n
}

// Requests is how many requests carried an idempotency key, failed ones
// included: proof that a test really retried.
func (s *Server) Requests(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[key]
}

// Refunded is the total refunded on a payment.
func (s *Server) Refunded(paymentRef string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.payments[paymentRef]; ok {
		return p.refunded
	}
	return 0
}

// statusAt is the status of a transfer created at t; s.mu is held.
func (s *Server) statusAt(t time.Time) string {
	if s.opts.PendingFor > 0 && s.opts.Now().Before(t.Add(s.opts.PendingFor)) {
		return "pending"
	}
	return "succeeded"
}

// apiError is the sandbox's error body, shaped like Stripe's.
type apiError struct {
	Status  int    `json:"-"`
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func declined(code, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusPaymentRequired, Type: "card_error", Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalid(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Type: "invalid_request_error", Code: code, Message: fmt.Sprintf(format, args...)}
}

func writeError(w http.ResponseWriter, e *apiError) {
	sandboxhttp.WriteJSON(w, e.Status, map[string]*apiError{"error": e})
}

// v1 wraps an API handler with authentication and the injected faults that
// strike before anything happens (latency, outage, error rate).
func (s *Server) v1(h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if key := r.Header.Get("Idempotency-Key"); key != "" {
			s.mu.Lock()
			s.requests[key]++
			s.mu.Unlock()
		}
		if s.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
			writeError(w, &apiError{Status: http.StatusUnauthorized, Type: "invalid_request_error", Code: "api_key_invalid", Message: "invalid API key"})
			return
		}
		s.mu.Lock()
		f := s.faults
		if f.Unauthorized {
			s.mu.Unlock()
			writeError(w, &apiError{Status: http.StatusUnauthorized, Type: "invalid_request_error", Code: "api_key_invalid", Message: "invalid API key (injected: the key was revoked)"})
			return
		}
		now := s.opts.Now()
		outage := !f.OutageUntil.IsZero() && now.Before(f.OutageUntil) && !now.Before(f.OutageFrom)
		fail := !outage && f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate
		if key := r.Header.Get("Idempotency-Key"); key != "" && fail {
			fail = s.mayFail(key)
		}
		s.mu.Unlock()
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case outage:
			w.Header().Set("Retry-After", fmt.Sprint(int(f.OutageUntil.Sub(now).Seconds())+1))
			writeError(w, &apiError{Status: http.StatusServiceUnavailable, Type: "api_error", Code: "outage", Message: "the sandbox is in an outage window until " + f.OutageUntil.Format(time.RFC3339)})
		case fail:
			writeError(w, &apiError{Status: http.StatusServiceUnavailable, Type: "api_error", Code: "injected_error", Message: "injected temporary failure: nothing was done, retry"})
		default:
			h(w, r)
		}
	}
}

type refundBody struct {
	PaymentRef string `json:"payment_ref"`
	Amount     int64  `json:"amount"`
	Currency   string `json:"currency"`
	Reason     string `json:"reason"`
}

type payoutBody struct {
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	IBAN      string `json:"iban"`
	Name      string `json:"name"`
	Reference string `json:"reference"`
}

func decode(r *http.Request, v any) *apiError {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid(http.StatusBadRequest, "parameter_invalid", "body: %v", err)
	}
	return nil
}

func checkMoney(amount int64, currency string) *apiError {
	if amount <= 0 {
		return invalid(http.StatusBadRequest, "amount_invalid", "amount must be a positive number of cents, got %d", amount)
	}
	if len(currency) != 3 {
		return invalid(http.StatusBadRequest, "currency_invalid", "currency must be an ISO 4217 code, got %q", currency)
	}
	return nil
}

func (s *Server) createRefund(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		writeError(w, invalid(http.StatusBadRequest, "idempotency_key_missing", "the Idempotency-Key header is required: without it a retry would refund twice"))
		return
	}
	var b refundBody
	if e := decode(r, &b); e != nil {
		writeError(w, e)
		return
	}
	b.Currency = strings.ToUpper(b.Currency)
	if e := checkMoney(b.Amount, b.Currency); e != nil {
		writeError(w, e)
		return
	}
	if b.PaymentRef == "" {
		writeError(w, invalid(http.StatusBadRequest, "payment_ref_missing", "payment_ref is required"))
		return
	}
	fp := fmt.Sprintf("refund|%s|%d|%s", b.PaymentRef, b.Amount, b.Currency)

	s.mu.Lock()
	if e, ok := s.keys[key]; ok {
		s.replay(w, key, e, fp) // unlocks
		return
	}
	p, ok := s.payments[b.PaymentRef]
	if !ok {
		p = &payment{amount: s.opts.DefaultPaymentAmount, currency: b.Currency}
		s.payments[b.PaymentRef] = p
	}
	var decline *apiError
	switch ref := strings.ToLower(b.PaymentRef); {
	case strings.Contains(ref, "expired"):
		decline = declined("expired_card", "the card of payment %s has expired", b.PaymentRef)
	case strings.Contains(ref, "closed"):
		decline = declined("account_closed", "the account behind payment %s is closed", b.PaymentRef)
	case strings.Contains(ref, "declined"):
		decline = declined("card_declined", "the card issuer declined the refund of %s", b.PaymentRef)
	case p.currency != b.Currency:
		decline = declined("currency_mismatch", "payment %s was taken in %s, not %s", b.PaymentRef, p.currency, b.Currency)
	case b.Amount > p.amount-p.refunded:
		decline = declined("amount_too_large", "refund of %d cents is more than the %d cents left on payment %s", b.Amount, p.amount-p.refunded, b.PaymentRef)
	}
	if decline != nil {
		// Like Stripe, a key keeps its decline: a retry gets the same answer.
		s.keys[key] = &keyEntry{kind: "refund", fingerprint: fp, decline: decline}
		s.mu.Unlock()
		writeError(w, decline)
		return
	}
	s.seq++
	ref := Refund{
		ID: fmt.Sprintf("re_%s_%06d", s.prefix, s.seq), PaymentRef: b.PaymentRef, Amount: b.Amount,
		Currency: b.Currency, Reason: b.Reason, IdempotencyKey: key, Created: s.opts.Now(),
	}
	p.refunded += b.Amount
	s.refunds = append(s.refunds, ref)
	s.keys[key] = &keyEntry{kind: "refund", fingerprint: fp, id: ref.ID}
	ref.Status = s.statusAt(ref.Created)
	drop := s.drawDrop(key)
	s.mu.Unlock()
	s.committed(w, Transfer{Kind: "refund", ID: ref.ID, IdempotencyKey: key, Amount: ref.Amount}, ref, drop)
}

func (s *Server) createPayout(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		writeError(w, invalid(http.StatusBadRequest, "idempotency_key_missing", "the Idempotency-Key header is required: without it a retry would pay twice"))
		return
	}
	var b payoutBody
	if e := decode(r, &b); e != nil {
		writeError(w, e)
		return
	}
	b.Currency = strings.ToUpper(b.Currency)
	if e := checkMoney(b.Amount, b.Currency); e != nil {
		writeError(w, e)
		return
	}
	iban, err := order.CheckIBAN(b.IBAN)
	if err != nil {
		writeError(w, invalid(http.StatusBadRequest, "iban_invalid", "%v", err))
		return
	}
	if strings.TrimSpace(b.Name) == "" {
		writeError(w, invalid(http.StatusBadRequest, "name_missing", "the account holder's name is required"))
		return
	}
	fp := fmt.Sprintf("payout|%s|%d|%s", iban, b.Amount, b.Currency)

	s.mu.Lock()
	if e, ok := s.keys[key]; ok {
		s.replay(w, key, e, fp) // unlocks
		return
	}
	if strings.Contains(strings.ToLower(b.Name), "closed") {
		decline := declined("account_closed", "the account %s of %s is closed", order.FormatIBAN(iban), b.Name)
		s.keys[key] = &keyEntry{kind: "payout", fingerprint: fp, decline: decline}
		s.mu.Unlock()
		writeError(w, decline)
		return
	}
	s.seq++
	po := Payout{
		ID: fmt.Sprintf("po_%s_%06d", s.prefix, s.seq), Amount: b.Amount, Currency: b.Currency,
		IBAN: iban, Name: b.Name, Reference: b.Reference, IdempotencyKey: key, Created: s.opts.Now(),
	}
	s.payouts = append(s.payouts, po)
	s.keys[key] = &keyEntry{kind: "payout", fingerprint: fp, id: po.ID}
	po.Status = s.statusAt(po.Created)
	drop := s.drawDrop(key)
	s.mu.Unlock()
	s.committed(w, Transfer{Kind: "payout", ID: po.ID, IdempotencyKey: key, Amount: po.Amount}, po, drop)
}

// replay answers a request whose idempotency key is known: the first
// outcome if the request is the same, 409 if the key is reused for another
// one. It is called with s.mu held and releases it.
func (s *Server) replay(w http.ResponseWriter, key string, e *keyEntry, fp string) {
	if e.fingerprint != fp {
		s.mu.Unlock()
		writeError(w, &apiError{Status: http.StatusConflict, Type: "idempotency_error", Code: "idempotency_key_reused",
			Message: fmt.Sprintf("idempotency key %q was first used for another request (%s)", key, e.fingerprint)})
		return
	}
	w.Header().Set("Idempotent-Replayed", "true")
	if e.decline != nil {
		s.mu.Unlock()
		writeError(w, e.decline)
		return
	}
	var v any
	if e.kind == "refund" {
		v = s.refundByID(e.id)
	} else {
		v = s.payoutByID(e.id)
	}
	s.mu.Unlock()
	sandboxhttp.WriteJSON(w, http.StatusOK, v)
}

// drawDrop decides whether the response of the new transfer of key is
// cut; s.mu is held. DropNext cuts as asked; a drop drawn by DropRate
// counts against the key's MaxStreak.
func (s *Server) drawDrop(key string) bool {
	if s.faults.DropNext > 0 {
		s.faults.DropNext--
		return true
	}
	return s.faults.DropRate > 0 && s.rng.Float64() < s.faults.DropRate && s.mayFail(key)
}

// mayFail reports whether key may see one more failure drawn by a rate
// (MaxStreak), and counts it when it may; s.mu is held.
func (s *Server) mayFail(key string) bool {
	if s.faults.MaxStreak > 0 && s.streak[key] >= s.faults.MaxStreak {
		return false
	}
	s.streak[key]++
	return true
}

// committed answers a request whose transfer is recorded: it runs the
// AfterCommit hook, then writes the result or, to fake a crash or a network
// cut after the provider committed, starts the response and aborts the
// connection halfway through the body.
func (s *Server) committed(w http.ResponseWriter, t Transfer, v any, drop bool) {
	if s.opts.AfterCommit != nil {
		s.opts.AfterCommit(t)
	}
	if !drop {
		sandboxhttp.WriteJSON(w, http.StatusOK, v)
		return
	}
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	// net/http closes the connection without logging for this value.
	panic(http.ErrAbortHandler)
}

func (s *Server) refundByID(id string) *Refund {
	for i := range s.refunds {
		if s.refunds[i].ID == id {
			r := s.refunds[i]
			r.Status = s.statusAt(r.Created)
			return &r
		}
	}
	return nil
}

func (s *Server) payoutByID(id string) *Payout {
	for i := range s.payouts {
		if s.payouts[i].ID == id {
			p := s.payouts[i]
			p.Status = s.statusAt(p.Created)
			return &p
		}
	}
	return nil
}

func (s *Server) getRefund(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ref := s.refundByID(r.PathValue("id"))
	s.mu.Unlock()
	if ref == nil {
		writeError(w, invalid(http.StatusNotFound, "resource_missing", "no refund %q", r.PathValue("id")))
		return
	}
	sandboxhttp.WriteJSON(w, http.StatusOK, ref)
}

func (s *Server) getPayout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	po := s.payoutByID(r.PathValue("id"))
	s.mu.Unlock()
	if po == nil {
		writeError(w, invalid(http.StatusNotFound, "resource_missing", "no payout %q", r.PathValue("id")))
		return
	}
	sandboxhttp.WriteJSON(w, http.StatusOK, po)
}

// listQuery reads the filters of a list request: an idempotency key, or a
// lower bound on the creation time.
func listQuery(r *http.Request) (key string, since time.Time, e *apiError) {
	q := r.URL.Query()
	key = q.Get("idempotency_key")
	if v := q.Get("created_gte"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return "", time.Time{}, invalid(http.StatusBadRequest, "parameter_invalid", "created_gte must be an RFC 3339 time, got %q", v)
		}
		since = t
	}
	if key == "" && since.IsZero() {
		return "", time.Time{}, invalid(http.StatusBadRequest, "parameter_missing", "give idempotency_key or created_gte")
	}
	return key, since, nil
}

// listRefunds answers GET /v1/refunds?idempotency_key=K or ?created_gte=T.
// A declined key holds no refund: its list is empty.
func (s *Server) listRefunds(w http.ResponseWriter, r *http.Request) {
	key, since, e := listQuery(r)
	if e != nil {
		writeError(w, e)
		return
	}
	out := []Refund{}
	for _, ref := range s.Refunds() {
		if (key == "" || ref.IdempotencyKey == key) && !ref.Created.Before(since) {
			out = append(out, ref)
		}
	}
	sandboxhttp.WriteJSON(w, http.StatusOK, map[string]any{"data": out})
}

// listPayouts answers GET /v1/payouts?idempotency_key=K or ?created_gte=T.
func (s *Server) listPayouts(w http.ResponseWriter, r *http.Request) {
	key, since, e := listQuery(r)
	if e != nil {
		writeError(w, e)
		return
	}
	out := []Payout{}
	for _, po := range s.Payouts() {
		if (key == "" || po.IdempotencyKey == key) && !po.Created.Before(since) {
			out = append(out, po)
		}
	}
	sandboxhttp.WriteJSON(w, http.StatusOK, map[string]any{"data": out})
}

// faultsJSON is the admin endpoint's view of Faults: durations in
// milliseconds and seconds so they can be typed in a curl command.
type faultsJSON struct {
	ErrorRate     float64   `json:"error_rate"`
	DropRate      float64   `json:"drop_rate"`
	DropNext      int       `json:"drop_next"`
	LatencyMS     int64     `json:"latency_ms"`
	OutageSeconds float64   `json:"outage_seconds,omitempty"` // input only: an outage from now for this long
	OutageFrom    time.Time `json:"outage_from,omitzero"`
	OutageUntil   time.Time `json:"outage_until,omitzero"`
	Seed          uint64    `json:"seed"`
	MaxStreak     int       `json:"max_streak,omitempty"`
	Unauthorized  bool      `json:"unauthorized,omitempty"`
}

func toJSON(f Faults) faultsJSON {
	return faultsJSON{ErrorRate: f.ErrorRate, DropRate: f.DropRate, DropNext: f.DropNext,
		LatencyMS: f.Latency.Milliseconds(), OutageFrom: f.OutageFrom, OutageUntil: f.OutageUntil, Seed: f.Seed, MaxStreak: f.MaxStreak,
		Unauthorized: f.Unauthorized}
}

func (s *Server) getFaults(w http.ResponseWriter, _ *http.Request) {
	sandboxhttp.WriteJSON(w, http.StatusOK, toJSON(s.Faults()))
}

// putFaults replaces the faults: curl -X PUT -d '{"error_rate":0.5,"outage_seconds":30}' .../admin/faults
func (s *Server) putFaults(w http.ResponseWriter, r *http.Request) {
	var in faultsJSON
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	if in.ErrorRate < 0 || in.ErrorRate > 1 || in.DropRate < 0 || in.DropRate > 1 {
		writeError(w, invalid(http.StatusBadRequest, "rate_invalid", "error_rate and drop_rate are between 0 and 1"))
		return
	}
	f := Faults{ErrorRate: in.ErrorRate, DropRate: in.DropRate, DropNext: in.DropNext,
		Latency: time.Duration(in.LatencyMS) * time.Millisecond, OutageFrom: in.OutageFrom, OutageUntil: in.OutageUntil, Seed: in.Seed,
		MaxStreak: in.MaxStreak, Unauthorized: in.Unauthorized}
	if in.OutageSeconds > 0 {
		now := s.opts.Now()
		f.OutageFrom, f.OutageUntil = now, now.Add(time.Duration(in.OutageSeconds*float64(time.Second)))
	}
	s.SetFaults(f)
	sandboxhttp.WriteJSON(w, http.StatusOK, toJSON(s.Faults()))
}

func (s *Server) deleteFaults(w http.ResponseWriter, _ *http.Request) {
	s.SetFaults(Faults{})
	sandboxhttp.WriteJSON(w, http.StatusOK, toJSON(s.Faults()))
}

func (s *Server) postPayment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Ref      string `json:"ref"`
		Amount   int64  `json:"amount"`
		Currency string `json:"currency"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	if in.Currency == "" {
		in.Currency = order.DefaultCurrency
	}
	if in.Ref == "" {
		writeError(w, invalid(http.StatusBadRequest, "ref_missing", "ref is required"))
		return
	}
	if e := checkMoney(in.Amount, in.Currency); e != nil {
		writeError(w, e)
		return
	}
	s.addPayment(in.Ref, in.Amount, strings.ToUpper(in.Currency))
	sandboxhttp.WriteJSON(w, http.StatusOK, in)
}

func (s *Server) getState(w http.ResponseWriter, _ *http.Request) {
	sandboxhttp.WriteJSON(w, http.StatusOK, map[string]any{"refunds": s.Refunds(), "payouts": s.Payouts(), "faults": toJSON(s.Faults())})
}

func clamp01(x float64) float64 { return min(max(x, 0), 1) }
