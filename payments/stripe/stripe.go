// Package stripe is the payments.Gateway for card payments taken with
// Stripe, over the official client (stripe-go v85): a refund is
// POST /v1/refunds on the PaymentIntent or Charge, carrying the procedure's
// idempotency key as Stripe's Idempotency-Key header, so Stripe itself
// answers a retry with the first refund. Stripe has no payout to a
// customer's IBAN: Payout is payments.ErrUnsupported.
//
// The key also goes into the refund's metadata as orderdesk_key, because
// Stripe never gives the Idempotency-Key header back: it is how Find and
// List tell which refund a procedure sent. Stripe can neither search refunds
// nor filter their list by metadata (GET /v1/refunds filters by charge,
// payment_intent and created only), so Find walks the refunds newest first
// until it meets the key, and answers payments.ErrNotFound only once it has
// seen every refund of the account: a slow answer on a large account, never
// a wrong one. Refunds made in the Dashboard carry no key; List reports
// them with an empty IdempotencyKey. Refunds sent before orderdesk_key
// existed are found by their older idempotency_key metadata.
//
// A 401 or 403 (a wrong, revoked or restricted secret key) is
// payments.ErrAuth, not retried.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	stripeapi "github.com/stripe/stripe-go/v85"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
)

// maxKey is Stripe's limit on an Idempotency-Key.
const maxKey = 255

// maxMetadata is Stripe's limit on a metadata value.
const maxMetadata = 500

// metaKey is the refund metadata that carries the procedure's idempotency
// key; metaKeyOld is where it went before, still read for older refunds.
const (
	metaKey    = "orderdesk_key"
	metaKeyOld = "idempotency_key"
)

// declineCodes are the Stripe error codes that refuse a refund for good:
// retrying cannot help, the procedure must turn to "refund impossible".
var declineCodes = map[stripeapi.ErrorCode]bool{
	stripeapi.ErrorCodeCardDeclined:          true,
	stripeapi.ErrorCodeExpiredCard:           true,
	stripeapi.ErrorCodeChargeAlreadyRefunded: true,
	stripeapi.ErrorCodeAmountTooLarge:        true,
	stripeapi.ErrorCodeChargeDisputed:        true,
	stripeapi.ErrorCodeChargeNotRefundable:   true,
	stripeapi.ErrorCodeAccountClosed:         true,
}

// Gateway refunds Stripe payments.
type Gateway struct {
	client *stripeapi.Client
}

var _ payments.Gateway = (*Gateway)(nil)

// New returns the Stripe gateway for a secret key. baseURL is Stripe's API
// ("" means https://api.stripe.com) or, in tests, a fake's URL.
//
// The client's own network retries are off: Temporal retries the activity
// with the same idempotency key, and one retry story (visible in the Web UI)
// is easier to reason about than two stacked ones.
func New(apiKey, baseURL string) *Gateway {
	cfg := &stripeapi.BackendConfig{
		HTTPClient:        &http.Client{Timeout: 30 * time.Second},
		MaxNetworkRetries: stripeapi.Int64(0),
		LeveledLogger:     &stripeapi.LeveledLogger{Level: stripeapi.LevelNull},
	}
	if baseURL != "" {
		cfg.URL = stripeapi.String(strings.TrimSuffix(baseURL, "/"))
	}
	return &Gateway{client: stripeapi.NewClient(apiKey, stripeapi.WithBackends(stripeapi.NewBackendsWithConfig(cfg)))}
}

// Name is "stripe".
func (g *Gateway) Name() string { return "stripe" }

// Refund refunds r.Amount of the PaymentIntent ("pi_...") or Charge
// ("ch_..." / "py_...") named by r.PaymentRef. The free-text reason goes
// into metadata: Stripe's own reason field takes three fixed values.
func (g *Gateway) Refund(ctx context.Context, r payments.RefundRequest) (payments.Result, error) {
	if err := r.Validate(); err != nil {
		return payments.Result{}, err
	}
	params := &stripeapi.RefundCreateParams{
		Amount: stripeapi.Int64(r.Amount),
		Reason: stripeapi.String(string(stripeapi.RefundReasonRequestedByCustomer)),
		Metadata: map[string]string{
			metaKeyOld: r.IdempotencyKey,
			metaKey:    payments.ProviderKey(r.IdempotencyKey, maxMetadata),
		},
	}
	if r.Reason != "" {
		params.Metadata["reason"] = truncate(r.Reason, 500) // Stripe's limit on a metadata value
	}
	if r.Reference != "" {
		params.Metadata["reference"] = truncate(r.Reference, 500)
	}
	if strings.HasPrefix(r.PaymentRef, "ch_") || strings.HasPrefix(r.PaymentRef, "py_") {
		params.Charge = stripeapi.String(r.PaymentRef)
	} else {
		params.PaymentIntent = stripeapi.String(r.PaymentRef)
	}
	params.SetIdempotencyKey(payments.ProviderKey(r.IdempotencyKey, maxKey))
	ref, err := g.client.V1Refunds.Create(ctx, params)
	if err != nil {
		return payments.Result{}, fmt.Errorf("stripe refund %s of %d cents on %s: %w", r.IdempotencyKey, r.Amount, r.PaymentRef, classify(err))
	}
	if !strings.EqualFold(string(ref.Currency), r.Currency) {
		// The money moved in the payment's currency; say so loudly rather
		// than record an amount in the wrong unit.
		return payments.Result{}, fmt.Errorf("%w: stripe refund %s is in %s, the procedure asked for %s", payments.ErrInvalid, ref.ID, ref.Currency, r.Currency)
	}
	return result(ref)
}

// Payout is unsupported: Stripe does not send money to a customer's IBAN.
func (g *Gateway) Payout(context.Context, payments.PayoutRequest) (payments.Result, error) {
	return payments.Result{}, fmt.Errorf("stripe payout: %w", payments.ErrUnsupported)
}

// Status reads a refund ("re_...") again.
func (g *Gateway) Status(ctx context.Context, providerRef string) (payments.Result, error) {
	ref, err := g.client.V1Refunds.Retrieve(ctx, providerRef, nil)
	if err != nil {
		return payments.Result{}, fmt.Errorf("stripe status of %s: %w", providerRef, classify(err))
	}
	return payments.Result{ProviderRef: ref.ID, Status: status(ref.Status)}, nil
}

// Find walks the account's refunds, newest first, for the one sent with
// key (see the package comment): payments.ErrNotFound once every refund
// was seen without it.
func (g *Gateway) Find(ctx context.Context, key string) (payments.Result, error) {
	if strings.TrimSpace(key) == "" {
		return payments.Result{}, order.Refuse("idempotency_key", "refusal.find_key_empty")
	}
	params := &stripeapi.RefundListParams{}
	params.Limit = stripeapi.Int64(100)
	for ref, err := range g.client.V1Refunds.List(ctx, params).All(ctx) {
		if err != nil {
			return payments.Result{}, fmt.Errorf("stripe find %s: %w", key, classify(err))
		}
		if refundKey(ref) == key || ref.Metadata[metaKey] == payments.ProviderKey(key, maxMetadata) {
			return held(ref).Result, nil
		}
	}
	return payments.Result{}, fmt.Errorf("stripe find %s: %w", key, payments.ErrNotFound)
}

// List returns the refunds created since the given time (to the second,
// Stripe's precision), newest first, with the key each was sent with.
func (g *Gateway) List(ctx context.Context, since time.Time) ([]payments.Transfer, error) {
	params := &stripeapi.RefundListParams{CreatedRange: &stripeapi.RangeQueryParams{GreaterThanOrEqual: since.Unix()}}
	params.Limit = stripeapi.Int64(100)
	var out []payments.Transfer
	for ref, err := range g.client.V1Refunds.List(ctx, params).All(ctx) {
		if err != nil {
			return nil, fmt.Errorf("stripe list of refunds since %s: %w", since.Format(time.RFC3339), classify(err))
		}
		out = append(out, held(ref))
	}
	return out, nil
}

// held is a refund as Stripe holds it, with the key it was sent with.
func held(ref *stripeapi.Refund) payments.Transfer {
	return payments.Transfer{
		Result: payments.Result{
			ProviderRef: ref.ID, Status: status(ref.Status), Kind: payments.KindRefund,
			Amount: ref.Amount, Currency: strings.ToUpper(string(ref.Currency)),
		},
		IdempotencyKey: refundKey(ref),
		Created:        time.Unix(ref.Created, 0),
	}
}

// refundKey is the procedure's key of a refund, "" for a refund made in
// the Dashboard. A key longer than Stripe's metadata limit is in
// orderdesk_key as its hash only, so the full one comes from the older
// metadata when it is there.
func refundKey(ref *stripeapi.Refund) string {
	if k := ref.Metadata[metaKeyOld]; k != "" {
		return k
	}
	return ref.Metadata[metaKey]
}

// result maps a refund Stripe just created. A refund that is already
// failed or canceled moved no money: that is a decline.
func result(ref *stripeapi.Refund) (payments.Result, error) {
	st := status(ref.Status)
	if st == payments.StatusFailed {
		code := string(ref.FailureReason)
		if code == "" {
			code = "refund_" + string(ref.Status)
		}
		return payments.Result{}, &payments.DeclinedError{Code: code, Message: fmt.Sprintf("stripe refund %s is %s", ref.ID, ref.Status)}
	}
	return payments.Result{ProviderRef: ref.ID, Status: st}, nil
}

func status(s stripeapi.RefundStatus) string {
	switch s {
	case stripeapi.RefundStatusSucceeded:
		return payments.StatusSucceeded
	case stripeapi.RefundStatusFailed, stripeapi.RefundStatusCanceled:
		return payments.StatusFailed
	default: // pending, requires_action
		return payments.StatusPending
	}
}

// classify sorts a Stripe error into the kinds of package payments: a
// decline (card errors and the codes above), auth (401/403: the secret key
// is wrong, revoked or lacks the permission), invalid (other 4xx, an
// idempotency key reused with other parameters), or temporary (network,
// 5xx, 429).
func classify(err error) error {
	var se *stripeapi.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("temporary: %w", err)
	}
	switch {
	case se.HTTPStatusCode == http.StatusUnauthorized, se.HTTPStatusCode == http.StatusForbidden:
		return fmt.Errorf("%w: %d %s: %s", payments.ErrAuth, se.HTTPStatusCode, se.Code, se.Msg)
	case se.Type == stripeapi.ErrorTypeCard || declineCodes[se.Code]:
		code := string(se.Code)
		if se.DeclineCode != "" {
			code = string(se.DeclineCode)
		}
		return &payments.DeclinedError{Code: code, Message: se.Msg}
	case se.HTTPStatusCode == http.StatusTooManyRequests, se.HTTPStatusCode >= 500:
		return fmt.Errorf("temporary: %d %s: %s", se.HTTPStatusCode, se.Code, se.Msg)
	case se.HTTPStatusCode >= 400:
		return fmt.Errorf("%w: %d %s %s: %s", payments.ErrInvalid, se.HTTPStatusCode, se.Type, se.Code, se.Msg)
	default:
		return fmt.Errorf("temporary: %w", err)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
