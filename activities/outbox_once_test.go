package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/mail/sendgridtest"
	"github.com/orderdesk/orderdesk/store"
)

// SendGrid accepts a customer email and the answer is lost (the
// connection closes before the status): the outbox sender does not know
// and tries again, but first asks SendGrid, by the email's key, whether
// it holds it. The customer gets one email, recorded sent with SendGrid's
// message id. A sender that died after marking an email sending and
// before SendGrid got it leaves it to the next try, which finds nothing
// at SendGrid and sends it: one email too.
func TestOutboxSenderSendsOnceWhenSendGridsAnswerIsLost(t *testing.T) {
	t.Parallel()
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	o := cardOrder(t, st)
	fake := sendgridtest.New(t)
	sg := mail.SendGrid{APIKey: sendgridtest.APIKey, BaseURL: fake.URL, FromEmail: "service@boutique.example"}
	out := &activities.OutboxSender{Collect: &activities.Collect{Store: st, Sender: sg, AcceptedLag: time.Millisecond}}
	write := func(key string) store.Email {
		t.Helper()
		e, err := st.EnqueueEmail(ctx, store.Email{
			Key: key, OrderID: o.ID, ToEmail: o.Customer.Email, Template: "content_modified",
			Subject: "Votre commande a été modifiée", BodyText: "Bonjour", BodyHTML: "<p>Bonjour</p>", BySender: true,
		})
		require.NoError(t, err)
		return e
	}
	sendUntil := func(id int64, status string) store.Email {
		t.Helper()
		var e store.Email
		require.Eventually(t, func() bool {
			_, err := out.SendDue(ctx)
			require.NoError(t, err)
			e, err = st.GetEmail(ctx, id)
			require.NoError(t, err)
			return e.Status == status
		}, 30*time.Second, 200*time.Millisecond, "email %d never %s", id, status)
		return e
	}

	lost := write("modify-content/" + o.Number + "/lost/email")
	fake.DropAnswers(1)
	n, err := out.SendDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	after, err := st.GetEmail(ctx, lost.ID)
	require.NoError(t, err)
	require.Equal(t, store.EmailPending, after.Status, "no answer: the sender does not know it went")
	require.Len(t, fake.Accepted(), 1, "SendGrid took it")

	sent := sendUntil(lost.ID, store.EmailSent)
	require.Len(t, fake.Accepted(), 1, "one email at SendGrid after the retry")
	require.Equal(t, "fake-1", sent.ProviderMessageID, "the message id SendGrid gave the email it holds")
	require.Equal(t, 1, fake.Queries(), "the retry asked SendGrid first")

	// A sender died between its mark and the call: nothing at SendGrid.
	died := write("modify-content/" + o.Number + "/died/email")
	maybe, _, err := st.MarkEmailSending(ctx, died.ID)
	require.NoError(t, err)
	require.False(t, maybe)
	sendUntil(died.ID, store.EmailSent)
	require.Len(t, fake.Accepted(), 2)
	require.Equal(t, 2, fake.Queries())

	// Asked too soon after the lost answer, SendGrid's activity feed may
	// not show the email yet: the sender waits (2 minutes by default)
	// before asking, and sends nothing meanwhile.
	slow := &activities.OutboxSender{Collect: &activities.Collect{Store: st, Sender: sg}}
	soon := write("modify-content/" + o.Number + "/soon/email")
	fake.DropAnswers(1)
	_, err = slow.SendDue(ctx)
	require.NoError(t, err)
	require.Len(t, fake.Accepted(), 3)
	time.Sleep(6 * time.Second) // the first retry is due after 5 s
	_, err = slow.SendDue(ctx)
	require.NoError(t, err)
	require.Len(t, fake.Accepted(), 3, "not sent again before SendGrid could show it")
	require.Equal(t, 2, fake.Queries(), "not asked yet")
	pending, err := st.GetEmail(ctx, soon.ID)
	require.NoError(t, err)
	require.Equal(t, store.EmailPending, pending.Status)

	// An ordinary email: no question to SendGrid.
	plain := write("modify-content/" + o.Number + "/plain/email")
	sendUntil(plain.ID, store.EmailSent)
	require.Len(t, fake.Accepted(), 4)
	require.Equal(t, 2, fake.Queries())
}
