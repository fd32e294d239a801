package carrier

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/orderdesk/orderdesk/internal/sandboxhttp"
	"github.com/orderdesk/orderdesk/order"
)

// Client is a Carrier over a carrier's HTTP API (the sandbox's, and any
// carrier behind an adapter speaking it): JSON, a bearer API key, the
// return's number as the Idempotency-Key.
//
//	POST /v1/return-labels  {"key","reference","from","to","items"}  Idempotency-Key: <key>
//	  -> 201 (made) or 200 (the key's label again)
//	     {"id","key","tracking_number","label_url","carrier","created"}
//
// Errors are {"error":{"code","message"}}.
type Client struct {
	BaseURL string       // e.g. the URL sandbox.Server.Start returned
	APIKey  string       // sent as a Bearer token when set
	HTTP    *http.Client // nil: a client with a 10 s timeout
}

var _ Carrier = (*Client)(nil)

// LabelBody is the request of POST /v1/return-labels.
type LabelBody struct {
	Key       string        `json:"key"`
	Reference string        `json:"reference,omitempty"`
	From      order.Address `json:"from"`
	To        order.Address `json:"to,omitzero"`
	Items     int64         `json:"items,omitempty"`
}

// LabelReply is a label as the API answers it.
type LabelReply struct {
	ID       string    `json:"id"`
	Key      string    `json:"key"`
	Tracking string    `json:"tracking_number"`
	LabelURL string    `json:"label_url"`
	Carrier  string    `json:"carrier"`
	Created  time.Time `json:"created"`
}

// ReturnLabel asks for the return's prepaid label, keyed by r.Key.
func (c *Client) ReturnLabel(ctx context.Context, r LabelRequest) (Label, error) {
	if err := r.Validate(); err != nil {
		return Label{}, err
	}
	body := LabelBody(r)
	var out LabelReply
	if err := c.do(ctx, http.MethodPost, "/v1/return-labels", r.Key, body, &out); err != nil {
		return Label{}, fmt.Errorf("carrier label %s: %w", r.Key, err)
	}
	if out.LabelURL == "" || out.Tracking == "" {
		// A carrier that answers without a label has not made one we can
		// give the customer: ask again (the same key).
		return Label{}, fmt.Errorf("carrier label %s: temporary: the answer has no label_url or tracking_number", r.Key)
	}
	return Label{URL: out.LabelURL, Tracking: out.Tracking, Carrier: out.Carrier}, nil
}

// do sends one request and classifies its failure: 401/403 wrap ErrAuth,
// 400/404/409/422 wrap ErrInvalid, everything else (transport errors, a
// body cut halfway, 5xx, 429) is a plain error that Temporal retries with
// the same key.
func (c *Client) do(ctx context.Context, method, path, key string, in, out any) error {
	err := sandboxhttp.Client{BaseURL: c.BaseURL, APIKey: c.APIKey, HTTP: c.HTTP, Timeout: 10 * time.Second}.Do(ctx, method, path, key, in, out)
	var se *sandboxhttp.StatusError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity:
		return fmt.Errorf("%w: %s", ErrInvalid, se)
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w: %s", ErrAuth, se)
	default:
		return fmt.Errorf("temporary: %s", se)
	}
}
