package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

func listNumbers(t *testing.T, s *store.Store, archived bool) []string {
	t.Helper()
	rows, _, err := s.ListOrders(ctx(t), store.OrderFilter{Archived: archived})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Number)
	}
	return out
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestArchiveMovesAFinishedOrderToTheArchivedListOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	done := newOrder("C-2026-000700", mug)
	done.Status, done.Logistics = order.StatusCompleted, order.LogisticsShipped
	o := insert(t, s, done)
	ev := store.Event{ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", WorkflowID: "archive-order/C-2026-000700/r1",
		Kind: store.EventArchived, Message: "Commande archivée", Key: "archive-order/C-2026-000700/r1/archive"}

	got, err := s.ArchiveOrder(ctx(t), o.Number, ev)
	if err != nil {
		t.Fatal(err)
	}
	if got.ArchivedAt == nil || got.Version != o.Version+1 {
		t.Fatalf("archived order = %v, version %d", got.ArchivedAt, got.Version)
	}
	if has(listNumbers(t, s, false), o.Number) || !has(listNumbers(t, s, true), o.Number) {
		t.Fatalf("the archived order is in the current list or missing from the archived one")
	}
	// A retried step finds its event: no second line, no error.
	if _, err := s.ArchiveOrder(ctx(t), o.Number, ev); err != nil {
		t.Fatalf("retry: %v", err)
	}
	// Another archive is refused: already archived.
	ev2 := ev
	ev2.Key = "archive-order/C-2026-000700/r2/archive"
	if _, err := s.ArchiveOrder(ctx(t), o.Number, ev2); !errors.Is(err, order.ErrNotArchivable) || !strings.Contains(err.Error(), "already archived") {
		t.Fatalf("second archive: %v", err)
	}
	evs, err := s.ListEvents(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Kind == store.EventArchived {
			n++
			if e.Actor != "marie@boutique.fr" {
				t.Errorf("archived by %q", e.Actor)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d archive lines in the history, want 1", n)
	}

	// Unarchive: back in the current list.
	un := store.Event{ActorKind: store.ActorAgent, Actor: "luc@boutique.fr", Kind: store.EventUnarchived, Message: "Commande désarchivée", Key: "unarchive-order/C-2026-000700/u1/unarchive"}
	got, err = s.UnarchiveOrder(ctx(t), o.Number, un)
	if err != nil || got.ArchivedAt != nil {
		t.Fatalf("unarchive: %v, archived_at %v", err, got.ArchivedAt)
	}
	if !has(listNumbers(t, s, false), o.Number) {
		t.Fatal("the unarchived order is not in the current list")
	}
	un.Key = "unarchive-order/C-2026-000700/u2/unarchive"
	var fe *order.FieldError
	if _, err := s.UnarchiveOrder(ctx(t), o.Number, un); !errors.As(err, &fe) || !strings.Contains(fe.Message, "not archived") {
		t.Fatalf("unarchive a current order: %v", err)
	}
}

func TestArchiveRefusedWhileAProcedureWorksOnTheOrder(t *testing.T) {
	s := devstacktest.NewStore(t)
	paid := insert(t, s, newOrder("C-2026-000701", mug))
	ev := store.Event{ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", Kind: store.EventArchived, Message: "Commande archivée"}
	if _, err := s.ArchiveOrder(ctx(t), paid.Number, ev); !errors.Is(err, order.ErrNotArchivable) || !strings.Contains(err.Error(), "only a completed, shipped or cancelled") {
		t.Fatalf("paid order: %v", err)
	}

	shipped := newOrder("C-2026-000702", mug)
	shipped.Status = order.StatusShipped
	o := insert(t, s, shipped)
	if _, err := s.CreateTask(ctx(t), store.Task{Key: "cancel-refund/C-2026-000702/r/task/refund", OrderID: o.ID,
		WorkflowID: "cancel-refund/C-2026-000702/r", Kind: "refund_by_hand", Question: "Remboursez", Options: []string{"refund_done"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArchiveOrder(ctx(t), o.Number, ev); !errors.Is(err, order.ErrNotArchivable) || !strings.Contains(err.Error(), "open agent task") {
		t.Fatalf("order with an open task: %v", err)
	}
	if _, err := s.CloseTask(ctx(t), "cancel-refund/C-2026-000702/r/task/refund", store.TaskAnswered, nil, "luc@boutique.fr"); err != nil {
		t.Fatal(err)
	}
	// A completed order (an ebook) still awaiting printing can be held by a procedure.
	held := newOrder("C-2026-000703", ebook)
	held.Status = order.StatusCompleted
	h := insert(t, s, held)
	if _, err := s.TakeHold(ctx(t), h.Number, "cancel-refund/C-2026-000703/r"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArchiveOrder(ctx(t), h.Number, ev); !errors.Is(err, order.ErrNotArchivable) || !strings.Contains(err.Error(), "held by procedure cancel-refund/C-2026-000703/r") {
		t.Fatalf("held order: %v", err)
	}
	if _, err := s.ArchiveOrder(ctx(t), o.Number, ev); err != nil {
		t.Fatalf("task answered, the order archives: %v", err)
	}
	if got, _ := s.GetOrder(ctx(t), paid.Number); got.ArchivedAt != nil {
		t.Fatal("a refused archive wrote the flag")
	}
}

func TestResendCopiesTheEmailOncePerKeyOnlyForItsOrder(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000710", mug))
	other := insert(t, s, newOrder("C-2026-000711", tee))
	first, err := s.EnqueueEmail(ctx(t), store.Email{Key: "collect-payment/C-2026-000710/r/confirmation", OrderID: o.ID,
		ToEmail: "elodie.martin@exemple.fr", ToName: "Élodie Martin", Locale: "fr", Template: "payment_confirmation",
		Subject: "Confirmation de votre commande C-2026-000710", BodyText: "Bonjour", BodyHTML: "<p>Bonjour</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetEmailAttachments(ctx(t), first.ID, []store.Attachment{{Kind: store.AttachInvoice, Number: "F-2026-000001"}}); err != nil {
		t.Fatal(err)
	}
	r := store.Resend{OrderID: o.ID, EmailID: first.ID, Key: "resend-email/C-2026-000710/r1", To: "elodie.martin@example.fr",
		Event: store.Event{ActorKind: store.ActorAgent, Actor: "marie@boutique.fr"}}
	copy1, err := s.ResendEmail(ctx(t), r)
	if err != nil {
		t.Fatal(err)
	}
	copy2, err := s.ResendEmail(ctx(t), r)
	if err != nil {
		t.Fatal(err)
	}
	if copy1.ID == first.ID || copy2.ID != copy1.ID {
		t.Fatalf("copies %d and %d of email %d: want one new row", copy1.ID, copy2.ID, first.ID)
	}
	if copy1.Subject != first.Subject || copy1.BodyHTML != first.BodyHTML || copy1.ToEmail != "elodie.martin@example.fr" || copy1.Status != store.EmailPending {
		t.Fatalf("copy = %+v", copy1)
	}
	atts, err := s.EmailAttachments(ctx(t), copy1.ID)
	if err != nil || len(atts) != 1 || atts[0].Number != "F-2026-000001" {
		t.Fatalf("attachments of the copy = %v, %v", atts, err)
	}
	emails, _ := s.ListEmails(ctx(t), o.ID)
	if len(emails) != 2 {
		t.Fatalf("%d emails, want the first and one copy", len(emails))
	}
	evs, _ := s.ListEvents(ctx(t), o.ID)
	var lines []string
	for _, e := range evs {
		if e.Kind == store.EventEmailResent {
			lines = append(lines, e.Message)
		}
	}
	if want := "E-mail renvoyé : Confirmation de votre commande C-2026-000710 à elodie.martin@example.fr"; len(lines) != 1 || lines[0] != want {
		t.Fatalf("history = %q, want one %q", lines, want)
	}

	// Without an address: the same one. For another order: refused, nothing written.
	same, err := s.ResendEmail(ctx(t), store.Resend{OrderID: o.ID, EmailID: first.ID, Key: "resend-email/C-2026-000710/r2", Event: r.Event})
	if err != nil || same.ToEmail != first.ToEmail {
		t.Fatalf("resend to the same address: %v, %s", err, same.ToEmail)
	}
	var fe *order.FieldError
	_, err = s.ResendEmail(ctx(t), store.Resend{OrderID: other.ID, EmailID: first.ID, Key: "resend-email/C-2026-000711/r3", Event: r.Event})
	if !errors.As(err, &fe) || fe.Field != "email_id" {
		t.Fatalf("another order's email: %v", err)
	}
	if emails, _ := s.ListEmails(ctx(t), other.ID); len(emails) != 0 {
		t.Fatalf("the other order got %d emails", len(emails))
	}
}
