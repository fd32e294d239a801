// Package stripe is the payments.Gateway for card payments taken with
// Stripe, over the official client (stripe-go v85): a refund is
// POST /v1/refunds on the PaymentIntent or Charge, carrying the procedure's
// idempotency key as Stripe's Idempotency-Key header, so Stripe itself
// answers a retry with the first refund. Stripe has no payout to a
// customer's IBAN: Payout is payments.ErrUnsupported.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	stripeapi "github.com/stripe/stripe-go/v85"

	"github.com/orderdesk/orderdesk/payments"
)

// maxKey is Stripe's limit on an Idempotency-Key.
const maxKey = 255

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
			"idempotency_key": r.IdempotencyKey,
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
	res := payments.Result{ProviderRef: ref.ID, Status: status(ref.Status)}
	return res, nil
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
// decline (card errors and the codes above), invalid (other 4xx, an
// idempotency key reused with other parameters), or temporary (network,
// 5xx, 429, 401/403 which a configuration fix cures).
func classify(err error) error {
	var se *stripeapi.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("temporary: %w", err)
	}
	switch {
	case se.Type == stripeapi.ErrorTypeCard || declineCodes[se.Code]:
		code := string(se.Code)
		if se.DeclineCode != "" {
			code = string(se.DeclineCode)
		}
		return &payments.DeclinedError{Code: code, Message: se.Msg}
	case se.HTTPStatusCode == http.StatusTooManyRequests, se.HTTPStatusCode >= 500,
		se.HTTPStatusCode == http.StatusUnauthorized, se.HTTPStatusCode == http.StatusForbidden:
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
