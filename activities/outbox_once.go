package activities

import (
	"context"
	"errors"
	"log/slog"

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
	maybeSent, err := c.Store.MarkEmailSending(ctx, e.ID)
	if err != nil {
		return "", err
	}
	if maybeSent {
		id, accepted, err := checker.Accepted(ctx, e.Key)
		switch {
		case err == nil && accepted:
			return id, nil
		case err == nil:
			// Not accepted: send it again, below.
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
