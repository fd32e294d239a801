package store_test

import (
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
)

// The outbox sender's claims: each email to one sender at a time, only the
// emails written for it, a failed try put back until its time.
func TestOutboxSenderClaimsEachEmailOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000310", mug))
	write := func(key string, bySender bool) store.Email {
		t.Helper()
		e, err := s.EnqueueEmail(ctx(t), store.Email{
			Key: key, OrderID: o.ID, ToEmail: o.Customer.Email, Template: "content_modified",
			Subject: "Votre commande a été modifiée", BodyText: "Bonjour", BodyHTML: "<p>Bonjour</p>", BySender: bySender,
		})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	a, b := write("modify-content/a/email", true), write("modify-content/b/email", true)
	own := write("modify-content/c/email", false) // its procedure sends it itself
	if !a.BySender || own.BySender {
		t.Fatalf("by_sender as written: %v, %v", a.BySender, own.BySender)
	}

	first, err := s.ClaimDueEmails(ctx(t), 1, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.ClaimDueEmails(ctx(t), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 1 || first[0].ID != a.ID || len(second) != 1 || second[0].ID != b.ID {
		t.Fatalf("claims = %v then %v, want [%d] then [%d] (the oldest first, never the procedure's own)", ids(first), ids(second), a.ID, b.ID)
	}
	if again, _ := s.ClaimDueEmails(ctx(t), 10, time.Minute); len(again) != 0 {
		t.Fatalf("claimed again within the lease: %v", ids(again))
	}

	// A failed try comes back at its time, counted, with its reason.
	if err := s.RetryEmailAt(ctx(t), a.ID, "sendgrid: 503", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	back, err := s.ClaimDueEmails(ctx(t), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0].ID != a.ID || back[0].Attempts != 1 || back[0].LastError != "sendgrid: 503" {
		t.Fatalf("after a failed try = %+v, want email %d with 1 attempt and its reason", back, a.ID)
	}

	// Sent: never claimed again, and a late retry record changes nothing.
	if err := s.MarkEmailSent(ctx(t), a.ID, "sg-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.RetryEmailAt(ctx(t), a.ID, "late", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if sent, _ := s.GetEmail(ctx(t), a.ID); sent.Status != store.EmailSent || sent.LastError != "" {
		t.Errorf("sent email after a late retry record = %+v", sent)
	}
	if none, _ := s.ClaimDueEmails(ctx(t), 10, time.Minute); len(none) != 0 {
		t.Errorf("claimed after sent: %v", ids(none))
	}
}

func ids(es []store.Email) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
