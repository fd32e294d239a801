package activities_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/store"
)

// flakySender answers each Send with the next of its answers (nil: taken),
// then takes everything.
type flakySender struct {
	mu      sync.Mutex
	answers []error
	sent    []string
}

func (f *flakySender) Send(_ context.Context, e mail.Envelope) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.answers) > 0 {
		err := f.answers[0]
		f.answers = f.answers[1:]
		if err != nil {
			return "", err
		}
	}
	f.sent = append(f.sent, e.Key)
	return fmt.Sprintf("sg-%d", len(f.sent)), nil
}

// The outbox sender delivers what a procedure left to it: a provider
// outage puts the email back for a later try, a refusal for good marks it
// failed and says so in the order's history, and an email is sent once.
func TestOutboxSenderDeliversRetriesAndReportsRefusals(t *testing.T) {
	t.Parallel()
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	o := cardOrder(t, st)
	write := func(key string) store.Email {
		t.Helper()
		e, err := st.EnqueueEmail(ctx, store.Email{
			Key: key, OrderID: o.ID, ToEmail: o.Customer.Email, Template: "content_modified",
			Subject: "Votre commande a été modifiée", BodyText: "Bonjour", BodyHTML: "<p>Bonjour</p>", BySender: true,
		})
		require.NoError(t, err)
		return e
	}
	sender := &flakySender{answers: []error{errors.New("sendgrid: 503 Service Unavailable")}}
	out := &activities.OutboxSender{Collect: &activities.Collect{Store: st, Sender: sender}}

	first := write("modify-content/" + o.Number + "/r1/email")
	n, err := out.SendDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	after, err := st.GetEmail(ctx, first.ID)
	require.NoError(t, err)
	require.Equal(t, store.EmailPending, after.Status, "an outage leaves the email to send")
	require.Equal(t, 1, after.Attempts)
	require.Contains(t, after.LastError, "503")
	n, err = out.SendDue(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "not tried again before its time (5 s)")
	require.Empty(t, sender.sent)

	// A refusal for good: failed, in the history, not tried again.
	sender.answers = []error{fmt.Errorf("sendgrid: 400 invalid address: %w", mail.ErrPermanent)}
	refused := write("cancel-refund/" + o.Number + "/r2/email")
	_, err = out.SendDue(ctx)
	require.NoError(t, err)
	got, err := st.GetEmail(ctx, refused.ID)
	require.NoError(t, err)
	require.Equal(t, store.EmailFailed, got.Status)
	events, err := st.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	var said []string
	for _, ev := range events {
		if ev.Kind == "email_failed" {
			said = append(said, ev.Message)
		}
	}
	require.Len(t, said, 1)
	require.True(t, strings.Contains(said[0], "refusé") && strings.Contains(said[0], o.Customer.Email), said[0])

	// Sent: once, with the provider's id, whatever the later looks.
	third := write("edit-details/" + o.Number + "/r3/email")
	_, err = out.SendDue(ctx)
	require.NoError(t, err)
	_, err = out.SendDue(ctx)
	require.NoError(t, err)
	sent, err := st.GetEmail(ctx, third.ID)
	require.NoError(t, err)
	require.Equal(t, store.EmailSent, sent.Status)
	require.Equal(t, "sg-1", sent.ProviderMessageID)
	require.Equal(t, []string{third.Key}, sender.sent)

	// Run delivers as emails arrive, and stops with its context.
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&activities.OutboxSender{Collect: out.Collect, Every: 20 * time.Millisecond}).Run(rctx)
	}()
	fourth := write("modify-content/" + o.Number + "/r4/email")
	require.Eventually(t, func() bool {
		e, err := st.GetEmail(ctx, fourth.ID)
		return err == nil && e.Status == store.EmailSent
	}, 10*time.Second, 20*time.Millisecond)
	stop()
	<-done
}
