package mail

import (
	"context"
	"errors"
	"fmt"
)

// ErrPermanent marks a failure to send that retrying will not fix: the
// provider refused the message itself (bad address, bad key, bad request).
// Activities turn it into a non-retryable error; anything else is retried.
var ErrPermanent = errors.New("permanent failure")

// Envelope is what a Sender sends.
type Envelope struct {
	Key     string // the outbox key: unique per email, the same on every retry
	ToEmail string
	ToName  string
	Subject string
	Text    string
	HTML    string
}

// Sender delivers an email and returns the provider's message id. An error
// wrapping ErrPermanent means the email will never go as it is.
type Sender interface {
	Send(ctx context.Context, e Envelope) (providerMessageID string, err error)
}

// check refuses an envelope no provider would deliver.
func (e Envelope) check() error {
	switch {
	case e.Key == "":
		return fmt.Errorf("mail: envelope without an outbox key: %w", ErrPermanent)
	case e.ToEmail == "":
		return fmt.Errorf("mail: envelope %s has no recipient: %w", e.Key, ErrPermanent)
	case e.Subject == "":
		return fmt.Errorf("mail: envelope %s has no subject: %w", e.Key, ErrPermanent)
	case e.Text == "" && e.HTML == "":
		return fmt.Errorf("mail: envelope %s has no body: %w", e.Key, ErrPermanent)
	}
	return nil
}

// DevSender is the Sender of `make dev` and of tests: it delivers nowhere.
// The outbox shown in the agent UI is the mailbox.
type DevSender struct{}

// Send accepts a well-formed envelope and returns "dev-" + its key.
func (DevSender) Send(ctx context.Context, e Envelope) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := e.check(); err != nil {
		return "", err
	}
	return "dev-" + e.Key, nil
}
