// Package payments is the seam between the money procedures and the payment
// providers: one Gateway interface (refund, payout, status, and the look-ups
// by idempotency key that compensation and reconciliation need), the
// requests they take, the way failures are classified, and a Registry that
// says which gateway sends money back for each payment method.
//
// Exactly-once is shared between the caller and the provider: the caller
// derives the idempotency key from the workflow (workflow id + step) and
// writes its refund row before calling; every gateway sends that key to its
// provider, which answers a repeated key with the first result and moves no
// money again. A gateway therefore never invents a key and never retries on
// its own behind the caller's back: Temporal retries, with the same key.
//
// A procedure that must undo or settle a refund whose outcome it never heard
// (a crash, a response cut after the provider committed) asks Find with the
// same key rather than assume: a Result means the provider holds a transfer
// under that key, ErrNotFound that it never received one (no money moved),
// ErrUnsupported that it cannot say (a person must look). List gives the
// transfers of a period with their keys, for the daily reconciliation.
//
// Failures come in five kinds, so an activity classifies them once:
//   - *DeclinedError (errors.Is(err, ErrDeclined)): the provider refused for
//     good (expired card, closed account, refund above the charge). Never
//     retried; the procedure turns it into "refund impossible".
//   - ErrUnsupported: the provider has no API for this; nothing was sent and
//     the procedure falls back to a refund by hand.
//   - ErrInvalid: the provider refused the request itself (unknown payment,
//     an idempotency key reused with other values). A bug or bad data: not
//     retried, shown to an operator.
//   - ErrAuth: the provider refused our credentials (HTTP 401/403: a wrong,
//     revoked or under-privileged API key). Nothing was done; retrying with
//     the same key cannot help until an operator fixes the configuration,
//     so it is not retried either.
//   - anything else (timeouts, 5xx, 429, connection refused, a response cut
//     after the provider committed): temporary, retried with the same key.
package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// The statuses of a Result. A provider's own vocabulary is mapped onto these.
const (
	// StatusSucceeded: the money has left (or the provider guarantees it will).
	StatusSucceeded = "succeeded"
	// StatusPending: accepted, not final yet; ask Status again later.
	StatusPending = "pending"
	// StatusFailed: accepted earlier, then failed at the bank. Only Status
	// reports it; a refusal at request time is a *DeclinedError instead.
	StatusFailed = "failed"
)

// RefundRequest asks a provider to send back (part of) a payment it took.
type RefundRequest struct {
	Amount   int64  // cents, > 0
	Currency string // ISO 4217, "EUR"
	// PaymentRef is the original payment at the provider (a Stripe
	// PaymentIntent or Charge id, a Plaid payment id).
	PaymentRef string
	// IdempotencyKey is derived from the workflow: workflow id + step. The
	// same key always means the same refund.
	IdempotencyKey string
	// Reason is free text kept with the refund at the provider, for the
	// shop's own reconciliation.
	Reason string
	// Reference is what the customer may see on their statement (the order
	// number). Optional; providers that need one derive it otherwise.
	Reference string
}

// PayoutRequest asks a provider to send a bank transfer to the customer's
// IBAN: the way back when a refund to the original means is impossible.
type PayoutRequest struct {
	Amount         int64  // cents, > 0
	Currency       string // ISO 4217, "EUR"
	IBAN           string // checked with order.CheckIBAN
	Name           string // the account holder, as the bank knows them
	Reference      string // on the customer's statement: the order number
	IdempotencyKey string // workflow id + step, as for a refund
}

// The kinds of transfer a provider holds.
const (
	KindRefund = "refund" // money back to the payment it came from
	KindPayout = "payout" // a bank transfer to an IBAN
)

// Result is what a provider says about a refund or a payout. Refund and
// Payout fill ProviderRef and Status; Find also fills what the provider
// holds: Kind, Amount and Currency.
type Result struct {
	ProviderRef string // the provider's id, kept on the refund row for Status and for people
	Status      string // StatusSucceeded or StatusPending (Status and Find may also say StatusFailed)
	Kind        string // Find, List: KindRefund or KindPayout
	Amount      int64  // Find, List: cents, as the provider holds it
	Currency    string // Find, List: ISO 4217, upper case
}

// Transfer is a refund or payout as List reports it: what the provider
// holds, under the idempotency key it was sent with.
type Transfer struct {
	Result
	// IdempotencyKey is the key the transfer was sent with, as the
	// procedure derived it; "" for a transfer made outside orderdesk (by
	// hand in the provider's dashboard).
	IdempotencyKey string
	Created        time.Time
}

// Gateway is one payment provider seen from the money procedures.
type Gateway interface {
	// Name identifies the provider in history, logs and the UI ("stripe").
	Name() string
	// Refund sends money back to the means the customer paid with. The same
	// IdempotencyKey returns the first result and moves no money again.
	Refund(ctx context.Context, r RefundRequest) (Result, error)
	// Payout sends a bank transfer to an IBAN, with the same idempotency
	// promise. ErrUnsupported when the provider cannot.
	Payout(ctx context.Context, p PayoutRequest) (Result, error)
	// Status asks again about a refund or payout by the provider's reference.
	Status(ctx context.Context, providerRef string) (Result, error)
	// Find asks about a refund or payout by the idempotency key it was (or
	// may have been) sent with, for a step that must not assume money did
	// not move. It returns what the provider holds under the key (its
	// Status may be StatusFailed), ErrNotFound when the provider never
	// received that key (then, and only then, no money moved), or
	// ErrUnsupported when the provider cannot look transfers up by key.
	Find(ctx context.Context, idempotencyKey string) (Result, error)
	// List returns the refunds and payouts created since the given time,
	// with their keys, amounts and statuses, for reconciliation.
	// ErrUnsupported when the provider cannot list them with their keys.
	List(ctx context.Context, since time.Time) ([]Transfer, error)
}

// ErrUnsupported means the provider has no API for the operation. Nothing
// was sent: the procedure falls back to a refund by hand.
var ErrUnsupported = errors.New("payments: the provider has no API for this")

// ErrNotFound means the provider holds no refund or payout under the key
// Find asked about: it never received the request, so no money moved and a
// compensation may say so.
var ErrNotFound = errors.New("payments: the provider holds no transfer under this key")

// ErrAuth means the provider refused our credentials (HTTP 401 or 403).
// Nothing was done; it is not temporary: an operator fixes the API key or
// its permissions, then the procedure is retried.
var ErrAuth = errors.New("payments: the provider refused our credentials")

// ErrDeclined is matched by every *DeclinedError, so callers test
// errors.Is(err, payments.ErrDeclined) without caring about the provider.
var ErrDeclined = errors.New("payments: declined by the provider")

// ErrInvalid means the provider refused the request as malformed or
// inconsistent (unknown payment, idempotency key reused with another
// amount). Retrying the same request cannot help and no money moved; it is
// a bug or bad data for an operator, not a decision about the customer.
var ErrInvalid = errors.New("payments: request refused by the provider")

// DeclinedError is a permanent refusal by the provider or the bank: expired
// card, closed account, refund above what the charge has left. It is never
// retried; the procedure records "refund impossible" and asks the agent how
// the customer wants to be paid back.
type DeclinedError struct {
	Code    string // the provider's code, e.g. "expired_card", "account_closed"
	Message string // the provider's words, for the agent and history
}

func (e *DeclinedError) Error() string {
	if e.Message == "" {
		return "payments: declined: " + e.Code
	}
	return "payments: declined: " + e.Code + ": " + e.Message
}

// Is makes errors.Is(err, ErrDeclined) true for every DeclinedError.
func (e *DeclinedError) Is(target error) bool { return target == ErrDeclined }

// Validate refuses a refund request that must never reach a provider,
// naming the field. Gateways call it before any network call.
func (r RefundRequest) Validate() error {
	if err := checkAmount(r.Amount, r.Currency); err != nil {
		return err
	}
	if strings.TrimSpace(r.PaymentRef) == "" {
		return order.Refuse("payment_ref", "refusal.payment_ref_missing")
	}
	return checkKey(r.IdempotencyKey)
}

// Validate refuses a payout request that must never reach a provider,
// naming the field; the IBAN goes through order.CheckIBAN.
func (p PayoutRequest) Validate() error {
	if err := checkAmount(p.Amount, p.Currency); err != nil {
		return err
	}
	if _, err := order.CheckIBAN(p.IBAN); err != nil {
		return err
	}
	if strings.TrimSpace(p.Name) == "" {
		return order.Refuse("name", "refusal.account_holder_missing")
	}
	return checkKey(p.IdempotencyKey)
}

func checkAmount(amount int64, currency string) error {
	if amount <= 0 {
		return order.Refuse("amount", "refusal.amount_not_positive", locale.Amount(amount, currency))
	}
	if len(currency) != 3 || !isLetters(currency) {
		return order.Refuse("currency", "refusal.currency_invalid", locale.Text(currency))
	}
	return nil
}

func checkKey(key string) error {
	if strings.TrimSpace(key) == "" {
		return order.Refuse("idempotency_key", "refusal.idempotency_key_empty")
	}
	if key != strings.TrimSpace(key) {
		// Stripe trims the header; a key that differs only by spaces would
		// then mean two things on two providers.
		return order.Refuse("idempotency_key", "refusal.idempotency_key_spaces")
	}
	for _, r := range key {
		if r < 0x20 || r > 0x7e {
			return order.Refuse("idempotency_key", "refusal.idempotency_key_not_ascii", locale.Text(strconv.QuoteRuneToASCII(r)))
		}
	}
	return nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// ProviderKey fits an idempotency key into a provider's length limit
// (Stripe 255, Plaid 128). A key that fits is sent as it is, so it can be
// read in the provider's dashboard; a longer one becomes its SHA-256 in hex,
// which is deterministic, so a retry still sends the same key.
func ProviderKey(key string, limit int) string {
	if len(key) <= limit {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	if len(h) > limit {
		h = h[:limit]
	}
	return h
}

// Registry says which gateway sends money back for each payment method. A
// method with no gateway (PayPal, HiPay, Paybox today, cheques) is refunded
// by hand. By convention the gateway registered for order.PayBankTransfer is
// the one that pays out to an IBAN (Plaid in production, the sandbox in dev).
type Registry struct {
	mu       sync.RWMutex
	gateways map[order.PaymentMethod]Gateway
}

// NewRegistry returns an empty registry: every refund by hand until Set.
func NewRegistry() *Registry {
	return &Registry{gateways: map[order.PaymentMethod]Gateway{}}
}

// Set makes g the gateway for payment method m; a nil g removes it.
func (r *Registry) Set(m order.PaymentMethod, g Gateway) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if g == nil {
		delete(r.gateways, m)
		return
	}
	r.gateways[m] = g
}

// For returns the gateway for payment method m; false means refund by hand.
func (r *Registry) For(m order.PaymentMethod) (Gateway, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	g, ok := r.gateways[m]
	return g, ok
}

// RefundsAutomatically reports whether a provider refunds payment method m
// through its API (false: an agent refunds by hand).
func (r *Registry) RefundsAutomatically(m order.PaymentMethod) bool {
	_, ok := r.For(m)
	return ok
}

// Registered is one gateway of a Registry and the payment methods it
// serves.
type Registered struct {
	Gateway Gateway
	Methods []order.PaymentMethod
}

// Gateways lists each registered gateway once (one provider often serves
// several methods), with its methods, in the order of order.PaymentMethods:
// what reconciliation walks. Gateways are told apart by identity, so the
// same *Client set for two methods is one gateway.
func (r *Registry) Gateways() []Registered {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Registered
	seen := map[Gateway]int{}
	for _, m := range order.PaymentMethods {
		g, ok := r.gateways[m]
		if !ok {
			continue
		}
		i, ok := seen[g]
		if !ok {
			i = len(out)
			seen[g] = i
			out = append(out, Registered{Gateway: g})
		}
		out[i].Methods = append(out[i].Methods, m)
	}
	return out
}

// Describe lists the registered gateways ("card=stripe bank_transfer=plaid")
// for the start-up log, so an operator sees which refunds are automatic.
func (r *Registry) Describe() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var parts []string
	for _, m := range order.PaymentMethods {
		if g, ok := r.gateways[m]; ok {
			parts = append(parts, fmt.Sprintf("%s=%s", m, g.Name()))
		}
	}
	if len(parts) == 0 {
		return "(none: every refund by hand)"
	}
	return strings.Join(parts, " ")
}
