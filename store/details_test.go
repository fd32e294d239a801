package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// Edit details against the real PostgreSQL.

func TestSaveDetails(t *testing.T) {
	u := devstacktest.NewDatabase(t)
	s, err := store.Open(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	conn, err := pgx.Connect(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx(t)) })

	mugOnly := mug
	mugOnly.Quantity = 1 // 12,90 €: shipping 6,90 €, total 19,80 €
	o := insert(t, s, newOrder("C-2026-000801", mugOnly))
	if o.Totals.Total != 1980 {
		t.Fatalf("fixture total %d", o.Totals.Total)
	}
	delivery := order.Address{Name: "Élodie Martin", Line1: "4 place Bellecour", PostalCode: "69002", City: "Lyon"}
	fee := int64(490)
	edit := order.DetailsEdit{Delivery: &delivery, ShippingFee: &fee, PaymentLabel: ptrS("CB Visa")}
	ev := store.Event{ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", WorkflowID: "edit-details/C-2026-000801/r1", ContactChannel: "phone"}

	res, err := s.SaveDetails(ctx(t), o.Number, edit, ev.WorkflowID+"/details", ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalsAfter.Total != 1780 || len(res.Changes) != 3 {
		t.Fatalf("result %+v", res)
	}
	got, details, err := s.OrderDetails(ctx(t), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Delivery.Line1 != "4 place Bellecour" || got.Delivery.Country != "FR" || got.ShippingFee != 490 || got.Totals.Total != 1780 ||
		details.PaymentLabel != "CB Visa" || got.Billing.Line1 != "12 rue des Lilas" || got.ShippingRules.Fee != 690 {
		t.Errorf("order after the edit: %+v, details %+v", got, details)
	}
	var total int64
	if err := conn.QueryRow(ctx(t), `SELECT total_cents FROM orders WHERE number = $1`, o.Number).Scan(&total); err != nil || total != 1780 {
		t.Errorf("total_cents = %d (%v), want 1780", total, err)
	}

	// A retry returns the edit as applied and writes nothing more.
	again, err := s.SaveDetails(ctx(t), o.Number, edit, ev.WorkflowID+"/details", ev)
	if err != nil || again.TotalsAfter.Total != 1780 || len(again.Changes) != 3 {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	evs, err := s.ListEvents(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range evs {
		if e.WorkflowID == ev.WorkflowID {
			lines = append(lines, e.Message)
			if e.ContactChannel != "phone" || e.Actor != "marie@boutique.fr" {
				t.Errorf("event %+v: want the agent and the channel", e)
			}
		}
	}
	want := []string{
		"Adresse de livraison : Élodie Martin, 12 rue des Lilas, 69003 Lyon, FR → Élodie Martin, 4 place Bellecour, 69002 Lyon, FR",
		"Nom du mode de paiement : Carte bancaire → CB Visa",
		"Frais de port : 6,90\u00a0€ → 4,90\u00a0€",
		"Informations modifiées : adresse de livraison, nom du mode de paiement, frais de port. Total 19,80\u00a0€ → 17,80\u00a0€",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	// Once a line is shipped, the delivery address is refused and nothing is written.
	if _, err := conn.Exec(ctx(t), `UPDATE order_lines SET qty_shipped = 1 WHERE order_id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	other := order.Address{Name: "Élodie Martin", Line1: "1 rue de la République", PostalCode: "69001", City: "Lyon"}
	name := "Élodie Durand"
	ev.WorkflowID = "edit-details/C-2026-000801/r2"
	_, err = s.SaveDetails(ctx(t), o.Number, order.DetailsEdit{Name: &name, Delivery: &other}, ev.WorkflowID+"/details", ev)
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "delivery_address" || !strings.Contains(fe.Message, "shipped") {
		t.Fatalf("after shipping: %v, want a delivery_address refusal", err)
	}
	after, _, _ := s.OrderDetails(ctx(t), o.Number)
	if after.Customer.Name != "Élodie Martin" || after.Delivery.Line1 != "4 place Bellecour" {
		t.Errorf("a refused edit changed the order: %+v", after)
	}
	if _, err := s.EventByKey(ctx(t), ev.WorkflowID+"/details"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused edit wrote history: %v", err)
	}
}

func ptrS(s string) *string { return &s }
