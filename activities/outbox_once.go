package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/store"
)

// deliverOnce is deliver, sent once even when the provider's answer is
// lost, for a provider that can say what it accepted
// (mail.AcceptanceChecker, SendGrid): the email is marked "sending"
// before the call (store.MarkEmailSending), under its outbox key, which
// the provider receives as a custom argument. A try that finds the mark
// (the try before it got no answer, or its sender died mid-call) first
// asks the provider whether it holds the email under that key: if so, the
// email is sent and its message id is the provider's; if not, it is sent
// again. A try known not to have reached the provider (a refusal, a
// failure before the request went out) clears the mark; an uncertain one
// (*mail.UncertainError) keeps it. A provider that cannot be asked (no
// access to its activity feed) is sent to again: at least once, as before.
func (c *Collect) deliverOnce(ctx context.Context, e store.Email) (string, error) {
	checker, ok := c.Sender.(mail.AcceptanceChecker)
	if !ok {
		return c.deliver(ctx, e)
	}
	maybeSent, since, err := c.Store.MarkEmailSending(ctx, e.ID)
	if err != nil {
		return "", err
	}
	if maybeSent {
		// The provider's activity feed shows an email some time after it
		// accepted it: asked too soon, it would say "no" to an email it
		// holds.
		if lag := c.acceptedLag(); since < lag {
			return "", &mail.UncertainError{Key: e.Key, Err: fmt.Errorf("the previous try began %s ago: the provider is asked after %s", since.Round(time.Second), lag)}
		}
		id, accepted, err := checker.Accepted(ctx, e.Key)
		switch {
		case err == nil && accepted:
			return id, nil
		case err == nil:
			// Not accepted: send it again, below, dating the mark anew.
			if err := c.Store.RestartEmailSending(ctx, e.ID); err != nil {
				return "", err
			}
		case errors.Is(err, mail.ErrPermanent):
			slog.Default().Warn("outbox: the mail provider cannot say whether it took an email whose answer was lost; it is sent again",
				"email", e.ID, "key", e.Key, "err", err)
		default:
			// Still unknown: keep the mark, try again later.
			return "", &mail.UncertainError{Key: e.Key, Err: err}
		}
	}
	id, err := c.deliver(ctx, e)
	var uncertain *mail.UncertainError
	if err != nil && !errors.As(err, &uncertain) {
		// The provider did not take it: the next try need not ask.
		if cerr := c.Store.ClearEmailSending(ctx, e.ID); cerr != nil {
			slog.Default().Warn("outbox: cannot clear an email's sending mark; its next try asks the provider first", "email", e.ID, "err", cerr)
		}
	}
	return id, err
}

// DefaultAcceptedLag is how long after a send whose answer was lost the
// provider is asked whether it took the email, when Collect.AcceptedLag
// does not say: SendGrid's activity feed shows a message within seconds
// to a minute or two of accepting it.
const DefaultAcceptedLag = 2 * time.Minute

func (c *Collect) acceptedLag() time.Duration {
	if c.AcceptedLag > 0 {
		return c.AcceptedLag
	}
	return DefaultAcceptedLag
}
