// Package carrier is the seam between the return procedure and the parcel
// carrier that takes returns back to the shop: one small interface, a
// prepaid return label for a return, and the HTTP client of a carrier's
// API (Client). carrier/sandbox is the carrier of `make dev` and the
// tests.
//
// Exactly-once is shared as with the payment providers: the caller gives
// the return's number as the idempotency key, the carrier answers a key it
// knows with the label it made for it first, and a client never retries on
// its own (Temporal retries, with the same key).
//
// Failures come in three kinds, so an activity classifies them once:
//   - ErrAuth: the carrier refused our API key (401/403); nothing was made
//     and no retry helps until an operator fixes the configuration;
//   - ErrInvalid: the carrier refused the request itself (400/404/409/422):
//     a bug or bad data, not retried;
//   - anything else (timeouts, 5xx, 429, connection refused, a response
//     cut): temporary, retried with the same key.
package carrier

import (
	"context"
	"errors"
	"strings"

	"github.com/orderdesk/orderdesk/order"
)

// LabelRequest asks for the prepaid label of one return's parcel.
type LabelRequest struct {
	// Key is the idempotency key: the return's number (R-2026-000001).
	// The same key always means the same label.
	Key string
	// Reference is printed on the label for the warehouse: the order's
	// number.
	Reference string
	// From is where the parcel leaves: the customer's delivery address.
	From order.Address
	// To is where it goes: the shop's return address (zero: the address
	// the carrier holds for the shop's account).
	To order.Address
	// Items is how many items the parcel holds.
	Items int64
}

// Validate refuses a request without a key or a sender, naming the field.
func (r LabelRequest) Validate() error {
	switch {
	case strings.TrimSpace(r.Key) == "":
		return order.Refuse("key", "refusal.carrier_key_missing")
	case strings.TrimSpace(r.From.Name) == "" || strings.TrimSpace(r.From.PostalCode) == "":
		return order.Refuse("from", "refusal.carrier_sender_missing")
	}
	return nil
}

// Label is a prepaid return label as the carrier made it.
type Label struct {
	// URL is the label to print: a PDF the customer opens from the email.
	URL string `json:"url"`
	// Tracking is the parcel's tracking number at the carrier.
	Tracking string `json:"tracking"`
	// Carrier is the carrier's name, as the customer knows it.
	Carrier string `json:"carrier"`
}

// IsZero reports a label not made (no carrier, or none yet).
func (l Label) IsZero() bool { return l.URL == "" && l.Tracking == "" }

// Carrier makes the prepaid return labels. ReturnLabel is idempotent by
// LabelRequest.Key: asked again with the same key, the carrier answers with
// the label it made the first time.
type Carrier interface {
	ReturnLabel(ctx context.Context, r LabelRequest) (Label, error)
}

// The permanent failures of a carrier (see the package's comment).
var (
	ErrAuth    = errors.New("carrier refused the API key")
	ErrInvalid = errors.New("carrier refused the request")
)
