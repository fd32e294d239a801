// Package plaid is the payments.Gateway over Plaid's European payments
// (plaid-go v20): a payout to a customer's IBAN from the shop's virtual
// account (/wallet/transaction/execute: the refund by bank transfer when a
// card refund is impossible), the refund of a pay-by-bank payment
// (/payment_initiation/payment/reverse), and the status of either
// (/wallet/transaction/get). Both money moves carry the procedure's
// idempotency key, so Plaid answers a retry with the first transaction.
//
// Plaid keeps the idempotency key to itself: no endpoint of plaid-go v20
// returns it (a WalletTransaction has an id, a reference and a payment id,
// and /wallet/transaction/list filters by time only), so Find and List are
// payments.ErrUnsupported. A compensation that must know whether a Plaid
// transfer happened asks a person; reconciliation skips Plaid and says so.
//
// Credentials: Plaid answers a wrong client id or secret with HTTP 400
// INVALID_API_KEYS, and a product or environment the keys may not use with
// UNAUTHORIZED_* codes; these, and any 401/403, are payments.ErrAuth.
//
// Amounts: Plaid takes a JSON decimal number of currency units ("value":
// 12.9 for 12,90 €) and the Go client holds it as a float64. Cents are
// converted as float64(cents)/100, which IEEE division rounds to the double
// nearest the exact decimal; Go's JSON encoder then writes the shortest text
// that reads back as that double, which is exactly the two-decimal amount.
// Each conversion is checked by formatting it back to cents (and amounts are
// capped far below 2^53 cents), so a float can never turn 12,90 € into
// 12,89 € on the wire. No arithmetic is ever done on the float.
package plaid

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	plaidapi "github.com/plaid/plaid-go/v20/plaid"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"

	"github.com/orderdesk/orderdesk/locale"
)

// maxKey is Plaid's limit on an idempotency_key.
const maxKey = 128

// maxCents caps what one call may move, far below the 2^53 where float64
// stops holding every integer: 100 billion euros.
const maxCents int64 = 10_000_000_000_000

// Gateway pays out and refunds through Plaid.
type Gateway struct {
	api      *plaidapi.PlaidApiService
	walletID string
}

var _ payments.Gateway = (*Gateway)(nil)

// Option configures a Gateway.
type Option func(*plaidapi.Configuration, *Gateway)

// WithWallet names the shop's Plaid virtual account that payouts leave
// from. Without it Payout is payments.ErrUnsupported (refund by hand).
func WithWallet(walletID string) Option {
	return func(_ *plaidapi.Configuration, g *Gateway) { g.walletID = walletID }
}

// WithHTTPClient replaces the HTTP client (30 s timeout by default).
func WithHTTPClient(c *http.Client) Option {
	return func(cfg *plaidapi.Configuration, _ *Gateway) { cfg.HTTPClient = c }
}

// New returns the Plaid gateway. baseURL is Plaid's environment
// (https://production.plaid.com, https://sandbox.plaid.com) or a fake's URL.
func New(clientID, secret, baseURL string, opts ...Option) *Gateway {
	cfg := plaidapi.NewConfiguration()
	cfg.UseEnvironment(plaidapi.Environment(strings.TrimSuffix(baseURL, "/")))
	cfg.AddDefaultHeader("PLAID-CLIENT-ID", clientID)
	cfg.AddDefaultHeader("PLAID-SECRET", secret)
	cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	g := &Gateway{}
	for _, o := range opts {
		o(cfg, g)
	}
	g.api = plaidapi.NewAPIClient(cfg).PlaidApi
	return g
}

// Name is "plaid".
func (g *Gateway) Name() string { return "plaid" }

// Refund reverses (part of) a pay-by-bank payment; r.PaymentRef is the
// Plaid payment_id.
func (g *Gateway) Refund(ctx context.Context, r payments.RefundRequest) (payments.Result, error) {
	if err := r.Validate(); err != nil {
		return payments.Result{}, err
	}
	// The generated FromValue constructors accept anything; IsValid checks
	// the currencies this client version knows Plaid takes.
	cur := plaidapi.PaymentAmountCurrency(strings.ToUpper(r.Currency))
	if !cur.IsValid() {
		return payments.Result{}, fmt.Errorf("plaid refund in %s: %w", r.Currency, payments.ErrUnsupported)
	}
	value, err := unitsFromCents(r.Amount, r.Currency)
	if err != nil {
		return payments.Result{}, err
	}
	req := plaidapi.NewPaymentInitiationPaymentReverseRequest(r.PaymentRef, payments.ProviderKey(r.IdempotencyKey, maxKey), reference(r.Reference, r.IdempotencyKey))
	req.SetAmount(*plaidapi.NewPaymentAmountToRefund(cur, value))
	res, httpRes, err := g.api.PaymentInitiationPaymentReverse(ctx).PaymentInitiationPaymentReverseRequest(*req).Execute()
	if err != nil {
		return payments.Result{}, fmt.Errorf("plaid refund %s of %d cents on %s: %w", r.IdempotencyKey, r.Amount, r.PaymentRef, classify(err, httpRes))
	}
	return created(res.RefundId, res.Status)
}

// Payout sends a bank transfer from the shop's wallet to p.IBAN.
func (g *Gateway) Payout(ctx context.Context, p payments.PayoutRequest) (payments.Result, error) {
	if err := p.Validate(); err != nil {
		return payments.Result{}, err
	}
	if g.walletID == "" {
		return payments.Result{}, fmt.Errorf("plaid payout: no wallet configured: %w", payments.ErrUnsupported)
	}
	cur := plaidapi.WalletISOCurrencyCode(strings.ToUpper(p.Currency))
	if !cur.IsValid() {
		return payments.Result{}, fmt.Errorf("plaid payout in %s: %w", p.Currency, payments.ErrUnsupported)
	}
	value, err := unitsFromCents(p.Amount, p.Currency)
	if err != nil {
		return payments.Result{}, err
	}
	iban, _ := order.CheckIBAN(p.IBAN) // Validate checked it
	numbers := plaidapi.NewWalletTransactionCounterpartyNumbers()
	intl := plaidapi.NewWalletTransactionCounterpartyInternational()
	intl.SetIban(iban)
	numbers.SetInternational(*intl)
	req := plaidapi.NewWalletTransactionExecuteRequest(
		payments.ProviderKey(p.IdempotencyKey, maxKey),
		g.walletID,
		*plaidapi.NewWalletTransactionCounterparty(p.Name, *numbers),
		*plaidapi.NewWalletTransactionAmount(cur, value),
		reference(p.Reference, p.IdempotencyKey),
	)
	res, httpRes, err := g.api.WalletTransactionExecute(ctx).WalletTransactionExecuteRequest(*req).Execute()
	if err != nil {
		return payments.Result{}, fmt.Errorf("plaid payout %s of %d cents: %w", p.IdempotencyKey, p.Amount, classify(err, httpRes))
	}
	return created(res.TransactionId, res.Status)
}

// Status reads a wallet transaction again: a payout's transaction_id or a
// refund's refund_id (Plaid books a refund as a wallet transaction).
func (g *Gateway) Status(ctx context.Context, providerRef string) (payments.Result, error) {
	res, httpRes, err := g.api.WalletTransactionGet(ctx).WalletTransactionGetRequest(*plaidapi.NewWalletTransactionGetRequest(providerRef)).Execute()
	if err != nil {
		return payments.Result{}, fmt.Errorf("plaid status of %s: %w", providerRef, classify(err, httpRes))
	}
	return payments.Result{ProviderRef: res.TransactionId, Status: status(res.Status)}, nil
}

// Find is payments.ErrUnsupported: Plaid cannot look a transfer up by the
// idempotency key it was sent with (see the package comment).
func (g *Gateway) Find(context.Context, string) (payments.Result, error) {
	return payments.Result{}, fmt.Errorf("plaid find by idempotency key: %w", payments.ErrUnsupported)
}

// List is payments.ErrUnsupported: Plaid's transaction list does not carry
// the idempotency keys reconciliation matches on.
func (g *Gateway) List(context.Context, time.Time) ([]payments.Transfer, error) {
	return nil, fmt.Errorf("plaid list with idempotency keys: %w", payments.ErrUnsupported)
}

// created maps the answer to a new transaction. FAILED or BLOCKED at once
// means nothing moved and nothing will: a decline.
func created(id string, s plaidapi.WalletTransactionStatus) (payments.Result, error) {
	st := status(s)
	if st == payments.StatusFailed {
		return payments.Result{}, &payments.DeclinedError{Code: string(s), Message: fmt.Sprintf("plaid transaction %s is %s", id, s)}
	}
	return payments.Result{ProviderRef: id, Status: st}, nil
}

func status(s plaidapi.WalletTransactionStatus) string {
	switch s {
	case plaidapi.WALLETTRANSACTIONSTATUS_EXECUTED, plaidapi.WALLETTRANSACTIONSTATUS_SETTLED:
		return payments.StatusSucceeded
	case plaidapi.WALLETTRANSACTIONSTATUS_FAILED, plaidapi.WALLETTRANSACTIONSTATUS_BLOCKED:
		return payments.StatusFailed
	default: // AUTHORISING, INITIATED, and any status newer than this client
		return payments.StatusPending
	}
}

// unitsFromCents converts cents to the float64 of currency units Plaid's
// client carries, refusing any amount whose conversion would not read back
// as the same cents (see the package comment).
func unitsFromCents(cents int64, currency string) (float64, error) {
	if cents <= 0 || cents > maxCents {
		return 0, order.Refuse("amount", "refusal.plaid_amount_out_of_range", locale.Amount(cents, currency))
	}
	v := float64(cents) / 100
	if strconv.FormatFloat(v, 'f', 2, 64) != fmt.Sprintf("%d.%02d", cents/100, cents%100) {
		return 0, fmt.Errorf("plaid: %d cents do not convert exactly to a decimal amount", cents)
	}
	return v, nil
}

// reference makes Plaid's reference (6 to 18 letters and digits, shown on
// the customer's statement) from ours: "C-2026-000123" becomes
// "C2026000123". Too short or empty, it is completed from a hash of the
// idempotency key, so a retry sends the same reference.
func reference(ref, key string) string {
	var b strings.Builder
	for _, r := range ref {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) < 6 {
		sum := sha256.Sum256([]byte(key))
		out += strings.ToUpper(hex.EncodeToString(sum[:]))
	}
	if len(out) > 18 {
		out = out[:18]
	}
	return out
}

// authCodes are Plaid's error codes for credentials it refuses, which come
// with HTTP 400: no retry helps until an operator fixes the configuration.
var authCodes = map[string]bool{
	"INVALID_API_KEYS":          true,
	"UNAUTHORIZED_ENVIRONMENT":  true,
	"UNAUTHORIZED_ROUTE_ACCESS": true,
}

// classify sorts a Plaid error into the kinds of package payments, decoding
// Plaid's error body with plaid.ToPlaidError.
func classify(err error, httpRes *http.Response) error {
	pe, decodeErr := plaidapi.ToPlaidError(err)
	if decodeErr != nil {
		// A transport error, or a body that is not Plaid's (a proxy's 502).
		return fmt.Errorf("temporary: %w", err)
	}
	code := 0
	if httpRes != nil {
		code = httpRes.StatusCode
	} else if pe.Status.IsSet() && pe.Status.Get() != nil {
		code = int(*pe.Status.Get())
	}
	msg := fmt.Sprintf("%d %s %s: %s", code, pe.ErrorType, pe.ErrorCode, pe.ErrorMessage)
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden, authCodes[pe.ErrorCode]:
		return fmt.Errorf("%w: %s", payments.ErrAuth, msg)
	case code == http.StatusTooManyRequests || code >= 500,
		pe.ErrorType == plaidapi.PLAIDERRORTYPE_RATE_LIMIT_EXCEEDED,
		pe.ErrorType == plaidapi.PLAIDERRORTYPE_API_ERROR,
		pe.ErrorType == plaidapi.PLAIDERRORTYPE_INSTITUTION_ERROR:
		return fmt.Errorf("temporary: %s", msg)
	case pe.ErrorType == plaidapi.PLAIDERRORTYPE_PAYMENT_ERROR,
		pe.ErrorType == "TRANSACTION_ERROR": // virtual-account errors: insufficient funds, IBAN refused...
		return &payments.DeclinedError{Code: pe.ErrorCode, Message: pe.ErrorMessage}
	default:
		return fmt.Errorf("%w: %s", payments.ErrInvalid, msg)
	}
}
