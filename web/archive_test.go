package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// finishedOrder is a completed card order, every item shipped.
func finishedOrder(t *testing.T, st *store.Store, number string) order.Order {
	t.Helper()
	addr := order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number: number, Status: order.StatusCompleted, Logistics: order.LogisticsShipped, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer: order.Customer{Name: "Camille Martin", Email: "camille.martin@exemple.fr", Locale: "fr"},
		Billing:  addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true, QtyShipped: 2}},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The agent archives a finished order from its page; it leaves
// the current orders for the archived ones, its page says « Commande
// archivée » with « Désarchiver », and unarchiving brings it back. An order
// still at work shows « Archiver » disabled, the reason in its title and
// said in full only after the agent tries.
func TestArchiveAndUnarchiveFromTheOrderPage(t *testing.T) {
	a := newPaymentApp(t)
	paid := insertPaidOrder(t, a.store, "C-2026-000961", order.PayCard)
	body := a.page("/orders/" + paid.Number)
	// An open order: « Archiver » greyed out, its reason in its title only;
	// no « Archivage impossible » note on the page of every open order.
	mustContain(t, body, `id="action-archive" aria-disabled="true" title="Archivage impossible : seule une commande terminée, expédiée ou annulée s&#39;archive`)
	mustNotContain(t, body, `id="archive-reason"`, `class="reason" id="archive-reason"`)
	rec := a.post("/orders/"+paid.Number+"/archive", url.Values{"request_id": {"a0"}})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Archivage impossible") {
		t.Fatalf("archive a paid order: %d\n%s", rec.Code, rec.Body)
	}

	o := finishedOrder(t, a.store, "C-2026-000962")
	body = a.page("/orders/" + o.Number)
	mustContain(t, body, `action="/orders/C-2026-000962/archive"`, `id="action-archive">Archiver</button>`)
	mustNotContain(t, body, `id="archive-reason"`)

	rec = a.post("/orders/"+o.Number+"/archive", url.Values{"request_id": {"a1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/orders/"+o.Number {
		t.Fatalf("archive: %d %s\n%s\nlogs: %s", rec.Code, rec.Header().Get("Location"), rec.Body, a.logs)
	}
	body = a.page("/orders/" + o.Number)
	mustContain(t, body, `id="archived">Commande archivée`, `id="action-unarchive">Désarchiver</button>`, "Commande archivée : elle quitte les commandes en cours",
		`id="cancel-reason">Annulation impossible : la commande est archivée`)
	mustNotContain(t, a.page("/orders"), o.Number)
	mustContain(t, a.page("/orders?archived=1"), o.Number)

	rec = a.post("/orders/"+o.Number+"/unarchive", url.Values{"request_id": {"u1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/orders/"+o.Number {
		t.Fatalf("unarchive: %d %s\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	mustContain(t, a.page("/orders"), o.Number)
	mustContain(t, a.page("/orders/"+o.Number), `id="action-archive">Archiver</button>`, "Commande désarchivée")

	// Without the CSRF token nothing happens.
	rec = a.post("/orders/"+o.Number+"/archive", url.Values{"csrf": {"forged"}, "request_id": {"a2"}})
	if rec.Code != http.StatusForbidden {
		t.Fatalf("forged archive: %d", rec.Code)
	}
	if got, _ := a.store.GetOrder(context.Background(), o.Number); got.ArchivedAt != nil {
		t.Fatal("a forged POST archived the order")
	}
}

// An agent writes a personal note in the order's history. A note submitted
// twice (the same form) is written once; an empty one is refused next to
// its field, and what was chosen is kept.
func TestNoteForm(t *testing.T) {
	a := newPaymentApp(t)
	o := finishedOrder(t, a.store, "C-2026-000963")
	body := a.page("/orders/" + o.Number)
	mustContain(t, body, `action="/orders/C-2026-000963/notes"`, `name="text"`, `<option value="phone">Téléphone</option>`)

	form := url.Values{"request_id": {"n1"}, "text": {"Cliente appelée : colis bien reçu."}, "channel": {"phone"}}
	for i := 0; i < 2; i++ {
		rec := a.post("/orders/"+o.Number+"/notes", form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("note: %d\n%s\nlogs: %s", rec.Code, rec.Body, a.logs)
		}
	}
	body = a.page("/orders/" + o.Number)
	if n := strings.Count(body, "Cliente appelée : colis bien reçu."); n != 1 {
		t.Fatalf("the note shows %d times, want once", n)
	}
	mustContain(t, body, `<span class="badge note">Note</span> Cliente appelée : colis bien reçu.`, "contact par Téléphone")

	rec := a.post("/orders/"+o.Number+"/notes", url.Values{"request_id": {"n2"}, "text": {"  "}, "channel": {"email"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty note: %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), `id="note-text-error">Écrivez la note.`, `<option value="email" selected>`)
	evs, err := a.store.ListEvents(context.Background(), o.ID)
	if err != nil || len(evs) != 1 {
		t.Fatalf("history: %d events, %v; want the one note", len(evs), err)
	}
}

// An email is sent again: « Renvoyer » on an email of the order
// writes one new email to the corrected address and sends it; a malformed
// address is refused next to the field; another order's email is not found.
func TestResendForm(t *testing.T) {
	a := newPaymentApp(t)
	ctx := context.Background()
	o := finishedOrder(t, a.store, "C-2026-000964")
	other := finishedOrder(t, a.store, "C-2026-000965")
	e, err := a.store.EnqueueEmail(ctx, store.Email{Key: "test/C-2026-000964/confirmation", OrderID: o.ID, ToEmail: "camille.martin@exemple.fr",
		ToName: "Camille Martin", Template: "payment_confirmation", Subject: "Confirmation de la commande C-2026-000964", BodyText: "Bonjour", BodyHTML: "<p>Bonjour</p>"})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/orders/%s/emails/%d/resend", o.Number, e.ID)
	mustContain(t, a.page("/orders/"+o.Number), `action="`+path+`"`, `placeholder="camille.martin@exemple.fr"`)

	rec := a.post(path, url.Values{"request_id": {"r1"}, "to": {"camille.martin@"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), `id="resend-to-error">Adresse e-mail invalide`, `value="camille.martin@"`)

	for i := 0; i < 2; i++ {
		rec = a.post(path, url.Values{"request_id": {"r2"}, "to": {"camille.martin@example.fr"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("resend: %d\n%s\nlogs: %s", rec.Code, rec.Body, a.logs)
		}
	}
	var emails []store.Email
	deadline := time.Now().Add(10 * time.Second)
	for {
		emails, err = a.store.ListEmails(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(emails) == 2 && emails[1].Status == store.EmailSent || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(emails) != 2 || emails[1].Subject != e.Subject || emails[1].ToEmail != "camille.martin@example.fr" || emails[1].Status != store.EmailSent {
		t.Fatalf("emails after a double click: %+v", emails)
	}
	mustContain(t, a.page("/orders/"+o.Number), "E-mail renvoyé : Confirmation de la commande C-2026-000964 à camille.martin@example.fr")

	rec = a.post(fmt.Sprintf("/orders/%s/emails/%d/resend", other.Number, e.ID), url.Values{"request_id": {"r3"}})
	if rec.Code != http.StatusNotFound {
		t.Fatalf("another order's email: %d", rec.Code)
	}
	if es, _ := a.store.ListEmails(ctx, other.ID); len(es) != 0 {
		t.Fatalf("another order's resend wrote %d emails", len(es))
	}
}
