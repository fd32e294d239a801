package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// orderdesk emails --order lists the order's emails with the id resend
// takes, their date, status, subject and recipient; an unknown order is
// refused by name.
func TestEmailsListsAnOrdersEmails(t *testing.T) {
	s := newCLIStack(t)
	ctx := context.Background()
	addr := order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number: "C-2026-000123", Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer: order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr"}, Billing: addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := s.store.InsertOrder(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.store.EnqueueEmail(ctx, store.Email{Key: "t/shipped", OrderID: o.ID, ToEmail: "camille.martin@example.fr", Subject: "Votre commande C-2026-000123 a été expédiée", BodyText: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.MarkEmailSent(ctx, e.ID, "msg-1"); err != nil {
		t.Fatal(err)
	}
	out, err := s.orderdesk("emails", "--order", "C-2026-000123")
	if err != nil {
		t.Fatal(err)
	}
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, fmt.Sprint(e.ID)+" ") {
			line = l
		}
	}
	for _, want := range []string{e.CreatedAt.Local().Format("2006-01-02"), "sent", e.Subject, "camille.martin@example.fr"} {
		if !strings.Contains(line, want) {
			t.Errorf("emails prints %q for the email, want %q in it\n%s", line, want, out)
		}
	}
	if _, err := s.orderdesk("emails", "--order", "C-2026-999999"); err == nil {
		t.Error("emails of an unknown order: no error")
	} else {
		var fe *order.FieldError
		if !errors.As(err, &fe) || fe.Field != "order" {
			t.Errorf("emails of an unknown order: %v, want a refusal naming --order", err)
		}
	}
}
