package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

// Every payment email renders in French and English with what the
// customer (or the shop) needs to read.
func TestPaymentTemplatesRender(t *testing.T) {
	p := Payment{
		CustomerName: "Camille Martin", CustomerEmail: "camille@example.fr", OrderNumber: "C-2026-000123", ShopName: "Boutique du Vieux Lyon",
		InvoiceNumber: "F-2026-000007", Amount: order.EUR(3190), Balance: order.EUR(1000), Total: order.EUR(3190),
		PaymentLink: "https://pay.test/F-2026-000007", Means: string(order.PayCheque), Reference: "CHQ 1", Deadline: time.Date(2026, 4, 13, 23, 30, 0, 0, time.UTC), // the 14th in Paris
		Lines: []order.Line{{Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2}},
	}
	want := map[string][]string{
		TemplatePaymentInvoice:          {"F-2026-000007", "31,90", "https://pay.test/F-2026-000007"},
		TemplatePaymentReminder:         {"31,90", "14/04/2026", "https://pay.test/F-2026-000007"},
		TemplatePaymentConfirmation:     {"31,90", "Chèque", "F-2026-000007"},
		TemplatePaymentCancelled:        {"31,90", "10,00"},
		TemplateMerchantNewOrder:        {"C-2026-000123", "Mug Tour Eiffel", "Camille Martin"},
		TemplateMerchantPaymentReceived: {"31,90", "CHQ 1", "10,00"},
	}
	for name, words := range want {
		for _, loc := range Locales {
			m, err := Render(name, loc, p)
			if err != nil {
				t.Fatalf("Render(%s, %s): %v", name, loc, err)
			}
			if m.Subject == "" || !strings.Contains(m.HTML, "<p>") {
				t.Errorf("%s/%s: subject %q, html %q", name, loc, m.Subject, m.HTML)
			}
			for _, w := range words {
				if loc == "en" {
					w = strings.NewReplacer("31,90", "31.90", "10,00", "10.00", "Chèque", "Cheque", "14/04/2026", "14 Apr 2026").Replace(w)
				}
				if !strings.Contains(m.Text, w) {
					t.Errorf("%s/%s text lacks %q:\n%s", name, loc, w, m.Text)
				}
			}
		}
	}
	if _, err := Render(TemplatePaymentInvoice, "fr", Payment{OrderNumber: "C-1"}); err == nil {
		t.Error("a payment email without an amount rendered")
	}
}
