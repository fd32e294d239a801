package activities_test

import (
	"context"
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// TestCancelEmailRefusedNextToTheSwitch: a cancellation whose email could
// not say anything is refused about the notify switch, with the email's
// own reason said in the agent's language.
func TestCancelEmailRefusedNextToTheSwitch(t *testing.T) {
	o := order.Order{Number: "C-2026-000321", Currency: "EUR", Customer: order.Customer{Name: "Camille Martin", Locale: "fr"}}
	err := activities.CheckCancelEmail(o, order.CancelResult{Status: order.StatusPaid})
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("CheckCancelEmail = %v, want a refusal", err)
	}
	if fe.Field != "notify" || fe.Code != "refusal.email_cancel_says_nothing" {
		t.Errorf("refusal of %q by %q, want of notify by refusal.email_cancel_says_nothing", fe.Field, fe.Code)
	}
	if got, want := fe.Say(locale.For(locale.French)), "Rien n'est annulé ni remboursé : l'e-mail ne dirait rien."; got != want {
		t.Errorf("French: %q, want %q", got, want)
	}
	if fe.Message != fe.Say(locale.For(locale.English)) {
		t.Errorf("Message %q is not the English %q", fe.Message, fe.Say(locale.For(locale.English)))
	}
}

// TestReconcileWithoutSinceRefused: a reconciliation not told from when is
// refused about since, said in French, before any provider is asked.
func TestReconcileWithoutSinceRefused(t *testing.T) {
	_, err := (&activities.Reconcile{}).ReconcileProviders(context.Background(), activities.ReconcileInput{})
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("ReconcileProviders = %v, want a refusal", err)
	}
	if fe.Field != "since" || fe.Code != "refusal.since_missing" {
		t.Errorf("refusal of %q by %q, want of since by refusal.since_missing", fe.Field, fe.Code)
	}
	if got := fe.Say(locale.For(locale.French)); got != "Dites depuis quand rapprocher : un jour comme 2026-03-01, ou un instant comme 2026-03-01T08:00:00+01:00." {
		t.Errorf("French: %q", got)
	}
}
