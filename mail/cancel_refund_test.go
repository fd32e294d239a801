package mail

import (
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// A refund on an order cancelled earlier, nothing cancelled now: the email
// says the order is cancelled and the amount refunded, and lists no item.
func TestRefundOnAnAlreadyCancelledOrder(t *testing.T) {
	data := CancelRefund{
		CustomerName: "Camille Martin", OrderNumber: "C-2026-000123", AlreadyCancelled: true,
		NewTotal: order.EUR(0), Goodwill: "solde de la commande annulée",
		Outcome: OutcomeRefunded, Refund: order.EUR(1000), PaymentMethod: order.PayCard,
	}
	for locale, want := range map[string][]string{
		"fr": {"Remboursement sur votre commande C-2026-000123",
			"Votre commande C-2026-000123 est annulée. Nous vous accordons un remboursement sur cette commande. Motif" + nbsp + ": solde de la commande annulée.",
			"Nous vous avons remboursé 10,00" + nbsp + "€"},
		"en": {"Refund on your order C-2026-000123",
			"Your order C-2026-000123 is cancelled. We are giving you a refund on it. Reason: solde de la commande annulée.",
			"We have refunded €10.00"},
	} {
		m := render(t, TemplateCancelRefund, locale, data)
		all := m.Subject + "\n" + m.Text
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: the email does not say %q:\n%s", locale, w, all)
			}
		}
		for _, nw := range []string{"geste commercial", "goodwill", "- ", "nouveau montant", "new total"} {
			if strings.Contains(m.Text, nw) {
				t.Errorf("%s: the email says %q:\n%s", locale, nw, m.Text)
			}
		}
		if !strings.Contains(m.HTML, "10,00") && !strings.Contains(m.HTML, "€10.00") {
			t.Errorf("%s: the HTML does not say the amount:\n%s", locale, m.HTML)
		}
	}
}

// The shipping fee taken off alone, nothing refunded: the email says so,
// and the new total.
func TestShippingFeeTakenOffAlone(t *testing.T) {
	data := CancelRefund{
		CustomerName: "Camille Martin", OrderNumber: "C-2026-000123",
		ShippingRefunded: order.EUR(690), NewTotal: order.EUR(4890), Outcome: OutcomeNone,
	}
	m := render(t, TemplateCancelRefund, "fr", data)
	for _, w := range []string{"Frais de port annulés sur votre commande C-2026-000123",
		"Nous avons annulé les frais de port de 6,90" + nbsp + "€ de votre commande C-2026-000123.",
		"Le nouveau montant de votre commande est de 48,90" + nbsp + "€."} {
		if !strings.Contains(m.Subject+"\n"+m.Text, w) {
			t.Errorf("the email does not say %q:\n%s\n%s", w, m.Subject, m.Text)
		}
	}
	if strings.Contains(m.Text, "également") || strings.Contains(m.Text, "geste") {
		t.Errorf("the email:\n%s", m.Text)
	}
}

// CheckContent refuses, before any money moves, what the email could not
// say; the settlement's outcome is not its business.
func TestCancelRefundCheckContent(t *testing.T) {
	tee := order.Line{SKU: "TEE-01", Name: "T-shirt", UnitPrice: 1990, Quantity: 1}
	for name, tt := range map[string]struct {
		c     CancelRefund
		field string
	}{
		"items cancelled":                   {CancelRefund{OrderNumber: "C-1", Cancelled: []order.Line{tee}}, ""},
		"a goodwill refund":                 {CancelRefund{OrderNumber: "C-1", Goodwill: "retard", Refund: order.EUR(100)}, ""},
		"a refund on a cancelled order":     {CancelRefund{OrderNumber: "C-1", AlreadyCancelled: true, Refund: order.EUR(100)}, ""},
		"the shipping fee alone":            {CancelRefund{OrderNumber: "C-1", ShippingRefunded: order.EUR(690)}, ""},
		"cancelled, no item":                {CancelRefund{OrderNumber: "C-1", OrderCancelled: true, Refund: order.EUR(100)}, "Cancelled"},
		"a refund without a reason":         {CancelRefund{OrderNumber: "C-1", Refund: order.EUR(100)}, "Goodwill"},
		"nothing at all":                    {CancelRefund{OrderNumber: "C-1", Goodwill: "retard"}, "Refund"},
		"already cancelled, items now":      {CancelRefund{OrderNumber: "C-1", AlreadyCancelled: true, Cancelled: []order.Line{tee}}, "AlreadyCancelled"},
		"already cancelled, nothing to say": {CancelRefund{OrderNumber: "C-1", AlreadyCancelled: true}, "Refund"},
	} {
		err := tt.c.CheckContent()
		var fe *order.FieldError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tt.field != "" && (!asField(err, &fe) || fe.Field != tt.field):
			t.Errorf("%s: %v, want a refusal of %s", name, err, tt.field)
		}
	}
}

func asField(err error, fe **order.FieldError) bool {
	f, ok := err.(*order.FieldError)
	*fe = f
	return ok
}
