package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/store"
)

// OutboxSender delivers the outbox emails written for it (store.Email's
// BySender): a procedure that leaves its email to the sender ends once the
// email is written, without a step of its own waiting for the mail
// provider. The sender runs in the worker, beside the activities: it
// claims the emails whose try is due, sends them, records each one sent,
// and puts back with a later try (5 s, then twice as long each time, up to
// 10 min) one the provider did not take. A provider's refusal for good
// marks the email failed and writes it in the order's history (an agent
// resends it from the outbox once the address is corrected). Several
// senders, one per worker, share the outbox: each claims its own emails.
type OutboxSender struct {
	Collect *Collect // the store, the mail provider, the documents to attach
	Log     *slog.Logger
	// Every is how often the sender looks for due emails when it found
	// none the last time; 0: 500 ms.
	Every time.Duration
}

// The sender's limits.
const (
	outboxBatch      = 32              // emails claimed at once
	outboxConcurrent = 8               // sent at once
	outboxLease      = 2 * time.Minute // how long a claimed email is left to its sender
	outboxFirstRetry = 5 * time.Second
	outboxMaxRetry   = 10 * time.Minute
)

// Run sends due emails until ctx is done. A database that does not answer
// is tried again at the next look: the emails wait in the outbox.
func (o *OutboxSender) Run(ctx context.Context) {
	every := o.Every
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	failing := false
	for {
		n, err := o.SendDue(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && !failing:
			o.log().Error("outbox sender: cannot read the outbox; it looks again in a moment", "err", err)
			failing = true
		case err == nil && failing:
			o.log().Info("outbox sender: the outbox answers again")
			failing = false
		}
		if n == outboxBatch {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// SendDue claims the emails due now and sends them; it returns how many it
// claimed.
func (o *OutboxSender) SendDue(ctx context.Context) (int, error) {
	es, err := o.Collect.Store.ClaimDueEmails(ctx, outboxBatch, outboxLease)
	if err != nil {
		return 0, err
	}
	sem := make(chan struct{}, outboxConcurrent)
	var wg sync.WaitGroup
	for _, e := range es {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			o.send(ctx, e)
		}()
	}
	wg.Wait()
	return len(es), nil
}

// send delivers one claimed email and records what happened. A record that
// fails leaves the email claimed: it is tried again after the lease. Sent
// once even when the provider's answer is lost (deliverOnce): the email is
// marked sending under its key first, and a try after an uncertain one
// asks the provider whether it holds it before sending again.
func (o *OutboxSender) send(ctx context.Context, e store.Email) {
	st := o.Collect.Store
	id, err := o.Collect.deliverOnce(ctx, e)
	switch {
	case err == nil:
		err = st.MarkEmailSent(ctx, e.ID, id)
	case errors.Is(err, mail.ErrPermanent):
		o.log().Warn("outbox sender: the mail provider refused an email for good", "email", e.ID, "order", e.OrderNumber, "err", err)
		if err = st.MarkEmailFailed(ctx, e.ID, err.Error()); err == nil && e.OrderID != 0 {
			_, err = st.AddEvent(ctx, store.Event{
				OrderID: e.OrderID, ActorKind: store.ActorSystem, Actor: "outbox", Kind: "email_failed",
				Key:    fmt.Sprintf("outbox/%d/failed", e.ID),
				Phrase: locale.Phr("history.email_failed", textArg(e.Subject), textArg(e.ToEmail)),
			})
		}
	default:
		wait := retryAfter(e.Attempts)
		o.log().Warn("outbox sender: an email was not sent; it is tried again", "email", e.ID, "order", e.OrderNumber, "attempt", e.Attempts+1, "retry_in", wait, "err", err)
		err = st.RetryEmailAt(ctx, e.ID, err.Error(), time.Now().Add(wait))
	}
	if err != nil && ctx.Err() == nil {
		o.log().Error("outbox sender: cannot record an email's sending; it is tried again later", "email", e.ID, "err", err)
	}
}

// retryAfter is the wait before the next try of an email tried attempts
// times already.
func retryAfter(attempts int) time.Duration {
	d := outboxFirstRetry
	for range attempts {
		if d *= 2; d >= outboxMaxRetry {
			return outboxMaxRetry
		}
	}
	return d
}

func (o *OutboxSender) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}
