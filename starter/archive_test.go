package starter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// insertFinished is a card order in a final status, shipped.
func insertFinished(t *testing.T, st *store.Store, number string, status order.Status) order.Order {
	t.Helper()
	o := order.Order{
		Number: number, Status: status, Logistics: order.LogisticsShipped, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille.martin@exemple.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true, QtyShipped: 2}},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	require.NoError(t, err)
	return o
}

func currentAndArchived(t *testing.T, st *store.Store) (current, archived map[string]bool) {
	t.Helper()
	current, archived = map[string]bool{}, map[string]bool{}
	for _, a := range []bool{false, true} {
		rows, _, err := st.ListOrders(context.Background(), store.OrderFilter{Archived: a, Limit: 1000})
		require.NoError(t, err)
		for _, r := range rows {
			if a {
				archived[r.Number] = true
			} else {
				current[r.Number] = true
			}
		}
	}
	return current, archived
}

func TestArchiveThenTheOrderListHidesItAndUnarchiveBringsItBack(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	o := insertFinished(t, s.store, "C-2026-000950", order.StatusCompleted)
	req := starter.ArchiveRequest{OrderNumber: o.Number, RequestID: "a1", Agent: "marie@boutique.fr"}

	run, err := s.starter.Archive(ctx, req)
	require.NoError(t, err)
	again, err := s.starter.Archive(ctx, req) // a double click
	require.NoError(t, err)
	require.True(t, again.Existing)
	require.Equal(t, run.WorkflowID, again.WorkflowID)
	require.Equal(t, "archive-order/C-2026-000950/a1", run.WorkflowID)
	var res workflows.ArchiveResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.True(t, res.Archived)

	current, archived := currentAndArchived(t, s.store)
	require.False(t, current[o.Number], "an archived order leaves the current orders")
	require.True(t, archived[o.Number], "and is found under the archived ones")
	evs, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, store.EventArchived, evs[0].Kind)
	require.Equal(t, "marie@boutique.fr", evs[0].Actor)

	// An archived order refuses the other procedures.
	_, err = s.starter.CancelRefund(ctx, starter.CancelRefundRequest{OrderNumber: o.Number, RequestID: "c1", Agent: "marie@boutique.fr", Refund: 100, Reason: "geste"})
	require.ErrorContains(t, err, "archived")
	_, err = s.starter.Archive(ctx, starter.ArchiveRequest{OrderNumber: o.Number, RequestID: "a2", Agent: "marie@boutique.fr"})
	require.ErrorIs(t, err, order.ErrNotArchivable)

	run, err = s.starter.Unarchive(ctx, starter.ArchiveRequest{OrderNumber: o.Number, RequestID: "u1", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.False(t, res.Archived)
	current, archived = currentAndArchived(t, s.store)
	require.True(t, current[o.Number])
	require.False(t, archived[o.Number])
	_, err = s.starter.Unarchive(ctx, starter.ArchiveRequest{OrderNumber: o.Number, RequestID: "u2", Agent: "luc@boutique.fr"})
	require.Equal(t, "order", fieldOf(t, err), "unarchiving a current order is refused")
}

func TestArchiveRefusedWhileNotFinishedOrAProcedureWorksOnIt(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	paid := insertCardOrder(t, s.store, "C-2026-000951", order.LogisticsAwaitingPrinting)
	_, err := s.starter.Archive(ctx, starter.ArchiveRequest{OrderNumber: paid.Number, RequestID: "a", Agent: "marie@boutique.fr"})
	require.ErrorIs(t, err, order.ErrNotArchivable)
	require.ErrorContains(t, err, "only a completed, shipped or cancelled order")

	// A shipped order whose refund waits on an agent.
	shipped := insertFinished(t, s.store, "C-2026-000952", order.StatusShipped)
	_, err = s.store.CreateTask(ctx, store.Task{Key: "cancel-refund/C-2026-000952/r/task/refund", OrderID: shipped.ID,
		WorkflowID: "cancel-refund/C-2026-000952/r", Kind: workflows.TaskRefundByHand, Question: "Remboursez 25,00 €", Options: []string{workflows.AnswerRefundDone}})
	require.NoError(t, err)
	_, err = s.starter.Archive(ctx, starter.ArchiveRequest{OrderNumber: shipped.Number, RequestID: "a", Agent: "marie@boutique.fr"})
	require.ErrorIs(t, err, order.ErrNotArchivable)
	require.ErrorContains(t, err, "open agent task")

	for _, number := range []string{paid.Number, shipped.Number} {
		o, err := s.store.GetOrder(ctx, number)
		require.NoError(t, err)
		require.Nil(t, o.ArchivedAt, "a refused archive writes nothing")
	}
	_, err = s.starter.Status(ctx, "archive-order/C-2026-000952/a")
	require.Error(t, err, "nothing was started")
}

func TestADoubleSubmittedNoteAddsOne(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	o := insertFinished(t, s.store, "C-2026-000953", order.StatusCompleted)
	req := starter.NoteRequest{OrderNumber: o.Number, RequestID: "n1", Agent: "marie@boutique.fr",
		Note: order.Note{Text: "Cliente appelée : le colis est bien arrivé.", Channel: order.ContactPhone}}
	first, err := s.starter.AddNote(ctx, req)
	require.NoError(t, err)
	second, err := s.starter.AddNote(ctx, req)
	require.NoError(t, err)
	require.Equal(t, first.ID, second.ID)
	evs, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, "note", evs[0].Kind)
	require.Equal(t, "Cliente appelée : le colis est bien arrivé.", evs[0].Message)
	require.Equal(t, "phone", evs[0].ContactChannel)
	require.Equal(t, "marie@boutique.fr", evs[0].Actor)

	_, err = s.starter.AddNote(ctx, starter.NoteRequest{OrderNumber: o.Number, RequestID: "n2", Agent: "marie@boutique.fr", Note: order.Note{Text: " "}})
	require.Equal(t, "text", fieldOf(t, err))
	_, err = s.starter.AddNote(ctx, starter.NoteRequest{OrderNumber: o.Number, RequestID: "n3", Agent: "marie@boutique.fr", Note: order.Note{Text: "x", Channel: "fax"}})
	require.Equal(t, "channel", fieldOf(t, err))
	evs, err = s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, evs, 1, "a refused note writes nothing")
}

func TestResendWritesOneNewEmailToTheNewAddress(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	o := insertFinished(t, s.store, "C-2026-000954", order.StatusCompleted)
	other := insertFinished(t, s.store, "C-2026-000955", order.StatusCompleted)
	first, err := s.store.EnqueueEmail(ctx, store.Email{Key: "collect-payment/C-2026-000954/r/confirmation", OrderID: o.ID,
		ToEmail: o.Customer.Email, ToName: o.Customer.Name, Template: "payment_confirmation",
		Subject: "Confirmation de votre commande C-2026-000954", BodyText: "Bonjour Camille", BodyHTML: "<p>Bonjour Camille</p>"})
	require.NoError(t, err)

	req := starter.ResendRequest{OrderNumber: o.Number, RequestID: "e1", Agent: "marie@boutique.fr", EmailID: first.ID, To: "camille.martin@example.fr"}
	run, err := s.starter.ResendEmail(ctx, req)
	require.NoError(t, err)
	again, err := s.starter.ResendEmail(ctx, req)
	require.NoError(t, err)
	require.True(t, again.Existing)
	var res workflows.ResendEmailResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 2, "one new outbox row for a double click")
	copied := emails[1]
	require.Equal(t, res.EmailID, copied.ID)
	require.Equal(t, first.Subject, copied.Subject)
	require.Equal(t, first.BodyText, copied.BodyText)
	require.Equal(t, "camille.martin@example.fr", copied.ToEmail)
	require.Equal(t, store.EmailSent, copied.Status, "the copy is sent")
	evs, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	var resent []string
	for _, e := range evs {
		if e.Kind == store.EventEmailResent {
			resent = append(resent, e.Message)
		}
	}
	require.Equal(t, []string{"E-mail renvoyé : Confirmation de votre commande C-2026-000954 à camille.martin@example.fr"}, resent)

	// Another order's email, a missing one, a malformed address: refused, nothing started.
	_, err = s.starter.ResendEmail(ctx, starter.ResendRequest{OrderNumber: other.Number, RequestID: "e2", Agent: "marie@boutique.fr", EmailID: first.ID})
	refusedInFrench(t, err, "email_id", "refusal.email_not_of_order", "n'est pas un e-mail de cette commande")
	_, err = s.starter.ResendEmail(ctx, starter.ResendRequest{OrderNumber: o.Number, RequestID: "e3", Agent: "marie@boutique.fr", EmailID: 999999})
	refusedInFrench(t, err, "email_id", "refusal.email_not_found", "L'e-mail n°\u00a0999999 n'existe pas")
	_, err = s.starter.ResendEmail(ctx, starter.ResendRequest{OrderNumber: o.Number, RequestID: "e4", Agent: "marie@boutique.fr", EmailID: first.ID, To: "camille@"})
	require.Equal(t, "to", fieldOf(t, err))
	var fe *order.FieldError
	require.True(t, errors.As(err, &fe))
	emails, err = s.store.ListEmails(ctx, other.ID)
	require.NoError(t, err)
	require.Empty(t, emails)
	emails, err = s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 2)
}
