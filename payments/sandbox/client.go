package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/internal/sandboxhttp"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
)

// Client is the payments.Gateway of the sandbox, over its HTTP API, so the
// procedures in `make dev` and in tests go through a real network hop with
// real failures.
type Client struct {
	BaseURL string       // e.g. the URL Server.Start returned
	APIKey  string       // sent as a Bearer token when set
	HTTP    *http.Client // nil: a client with a 30 s timeout
}

var _ payments.Gateway = (*Client)(nil)

// Name is "sandbox".
func (c *Client) Name() string { return "sandbox" }

// Refund posts the refund with its idempotency key.
func (c *Client) Refund(ctx context.Context, r payments.RefundRequest) (payments.Result, error) {
	if err := r.Validate(); err != nil {
		return payments.Result{}, err
	}
	body := refundBody{PaymentRef: r.PaymentRef, Amount: r.Amount, Currency: strings.ToUpper(r.Currency), Reason: r.Reason}
	var out Refund
	if err := c.do(ctx, http.MethodPost, "/v1/refunds", r.IdempotencyKey, body, &out); err != nil {
		return payments.Result{}, fmt.Errorf("sandbox refund %s of %d cents on %s: %w", r.IdempotencyKey, r.Amount, r.PaymentRef, err)
	}
	return payments.Result{ProviderRef: out.ID, Status: out.Status}, nil
}

// Payout posts a bank transfer to the IBAN with its idempotency key.
func (c *Client) Payout(ctx context.Context, p payments.PayoutRequest) (payments.Result, error) {
	if err := p.Validate(); err != nil {
		return payments.Result{}, err
	}
	iban, _ := order.CheckIBAN(p.IBAN) // Validate checked it
	body := payoutBody{Amount: p.Amount, Currency: strings.ToUpper(p.Currency), IBAN: iban, Name: p.Name, Reference: p.Reference}
	var out Payout
	if err := c.do(ctx, http.MethodPost, "/v1/payouts", p.IdempotencyKey, body, &out); err != nil {
		return payments.Result{}, fmt.Errorf("sandbox payout %s of %d cents: %w", p.IdempotencyKey, p.Amount, err)
	}
	return payments.Result{ProviderRef: out.ID, Status: out.Status}, nil
}

// Status reads a refund ("re_...") or a payout ("po_...") again.
func (c *Client) Status(ctx context.Context, providerRef string) (payments.Result, error) {
	var path string
	switch {
	case strings.HasPrefix(providerRef, "re_"):
		path = "/v1/refunds/"
	case strings.HasPrefix(providerRef, "po_"):
		path = "/v1/payouts/"
	default:
		return payments.Result{}, fmt.Errorf("%w: %q is not a sandbox refund or payout id", payments.ErrInvalid, providerRef)
	}
	var out struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := c.do(ctx, http.MethodGet, path+providerRef, "", nil, &out); err != nil {
		return payments.Result{}, fmt.Errorf("sandbox status of %s: %w", providerRef, err)
	}
	return payments.Result{ProviderRef: out.ID, Status: out.Status}, nil
}

// Find asks the sandbox for the refund, then the payout, sent with key:
// payments.ErrNotFound when it holds neither (a declined key holds none).
func (c *Client) Find(ctx context.Context, key string) (payments.Result, error) {
	if strings.TrimSpace(key) == "" {
		return payments.Result{}, order.Refuse("idempotency_key", "refusal.find_key_empty")
	}
	q := "?idempotency_key=" + url.QueryEscape(key)
	var refunds struct{ Data []Refund }
	if err := c.do(ctx, http.MethodGet, "/v1/refunds"+q, "", nil, &refunds); err != nil {
		return payments.Result{}, fmt.Errorf("sandbox find %s: %w", key, err)
	}
	if len(refunds.Data) > 0 {
		return refundTransfer(refunds.Data[0]).Result, nil
	}
	var payouts struct{ Data []Payout }
	if err := c.do(ctx, http.MethodGet, "/v1/payouts"+q, "", nil, &payouts); err != nil {
		return payments.Result{}, fmt.Errorf("sandbox find %s: %w", key, err)
	}
	if len(payouts.Data) > 0 {
		return payoutTransfer(payouts.Data[0]).Result, nil
	}
	return payments.Result{}, fmt.Errorf("sandbox find %s: %w", key, payments.ErrNotFound)
}

// List returns the refunds, then the payouts, created since the given time.
func (c *Client) List(ctx context.Context, since time.Time) ([]payments.Transfer, error) {
	q := "?created_gte=" + url.QueryEscape(since.UTC().Format(time.RFC3339Nano))
	var refunds struct{ Data []Refund }
	if err := c.do(ctx, http.MethodGet, "/v1/refunds"+q, "", nil, &refunds); err != nil {
		return nil, fmt.Errorf("sandbox list of refunds: %w", err)
	}
	var payouts struct{ Data []Payout }
	if err := c.do(ctx, http.MethodGet, "/v1/payouts"+q, "", nil, &payouts); err != nil {
		return nil, fmt.Errorf("sandbox list of payouts: %w", err)
	}
	out := make([]payments.Transfer, 0, len(refunds.Data)+len(payouts.Data))
	for _, r := range refunds.Data {
		out = append(out, refundTransfer(r))
	}
	for _, p := range payouts.Data {
		out = append(out, payoutTransfer(p))
	}
	return out, nil
}

func refundTransfer(r Refund) payments.Transfer {
	return payments.Transfer{
		Result:         payments.Result{ProviderRef: r.ID, Status: r.Status, Kind: payments.KindRefund, Amount: r.Amount, Currency: strings.ToUpper(r.Currency)},
		IdempotencyKey: r.IdempotencyKey, Created: r.Created,
	}
}

func payoutTransfer(p Payout) payments.Transfer {
	return payments.Transfer{
		Result:         payments.Result{ProviderRef: p.ID, Status: p.Status, Kind: payments.KindPayout, Amount: p.Amount, Currency: strings.ToUpper(p.Currency)},
		IdempotencyKey: p.IdempotencyKey, Created: p.Created,
	}
}

// do sends one request and classifies its failure: 402 is a
// *payments.DeclinedError, 400/404/409 wrap payments.ErrInvalid, 401/403
// wrap payments.ErrAuth (a wrong or revoked API key: no retry helps until
// it is fixed), and everything else (transport errors, a body cut halfway,
// 5xx, 429) is a plain error that Temporal retries with the same key.
func (c *Client) do(ctx context.Context, method, path, key string, in, out any) error {
	err := sandboxhttp.Client{BaseURL: c.BaseURL, APIKey: c.APIKey, HTTP: c.HTTP, Timeout: 30 * time.Second}.Do(ctx, method, path, key, in, out)
	var se *sandboxhttp.StatusError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Status {
	case http.StatusPaymentRequired:
		return &payments.DeclinedError{Code: se.Code, Message: se.Message}
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity:
		return fmt.Errorf("%w: %s", payments.ErrInvalid, se)
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w: %s", payments.ErrAuth, se)
	default:
		return fmt.Errorf("temporary: %s", se)
	}
}
