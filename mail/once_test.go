package mail_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/mail/sendgridtest"
)

func fakeSendGrid(t *testing.T) (*sendgridtest.Server, mail.SendGrid) {
	f := sendgridtest.New(t)
	return f, mail.SendGrid{APIKey: sendgridtest.APIKey, BaseURL: f.URL, FromEmail: "service@boutique.example"}
}

// SendGrid took the email and its answer was lost: Send says the outcome
// is uncertain (by its type), and the Email Activity API, asked by the
// email's key, says SendGrid holds it, with the message id Send would
// have returned. A key it never received is not there.
func TestSendGridLostAnswerIsUncertainAndFoundByItsKey(t *testing.T) {
	f, sg := fakeSendGrid(t)
	ctx := context.Background()
	e := mail.Envelope{Key: "modify-content/C-2026-000123/req-1/email", ToEmail: "camille@example.fr", Subject: "Votre commande", Text: "Bonjour"}
	f.DropAnswers(1)
	_, err := sg.Send(ctx, e)
	var uncertain *mail.UncertainError
	if !errors.As(err, &uncertain) || errors.Is(err, mail.ErrPermanent) {
		t.Fatalf("Send with its answer lost: %v (%T), want a *mail.UncertainError", err, err)
	}
	if got := f.Accepted(); len(got) != 1 || got[0].CustomArgs[mail.CustomArgKey] != e.Key {
		t.Fatalf("the fake holds %+v", got)
	}
	id, ok, err := sg.Accepted(ctx, e.Key)
	if err != nil || !ok || id != "fake-1" {
		t.Fatalf("Accepted(%q) = %q, %v, %v; want fake-1, true", e.Key, id, ok, err)
	}
	if _, ok, err := sg.Accepted(ctx, "cancel-refund/C-2026-000123/req-2/email"); err != nil || ok {
		t.Fatalf("Accepted of a key never sent = %v, %v", ok, err)
	}
	// A refusal is not uncertain: SendGrid answered.
	if _, err := sg.Send(ctx, mail.Envelope{Key: "k", ToEmail: "camille@example.fr", Subject: "s", Text: "t"}); err != nil {
		t.Fatalf("a normal send: %v", err)
	}
	bad := sg
	bad.APIKey = "SG.revoked"
	if _, err := bad.Send(ctx, e); !errors.Is(err, mail.ErrPermanent) || errors.As(err, &uncertain) {
		t.Fatalf("a refused key: %v, want a permanent error, not an uncertain one", err)
	}
	// An account without Email Activity access cannot be asked: permanent.
	f.SetActivityStatus(http.StatusForbidden)
	if _, _, err := sg.Accepted(ctx, e.Key); !errors.Is(err, mail.ErrPermanent) {
		t.Fatalf("Accepted without access: %v, want ErrPermanent", err)
	}
}
