package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/store"
)

// An agent on an order's page opens its customer's view from the customer
// block and finds there the customer's orders and the email written to them.
func TestBrowserCustomerViewFromTheOrderPage(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	seeded := seedOrder(t, s.store, "C-2026-000907", "Élodie Martin")
	b := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	b.do("open the order, then its customer",
		chromedp.Navigate(b.base+"/orders/"+seeded.order.Number),
		chromedp.WaitVisible(chromedp.CSS("#customer-link")),
		chromedp.Click(chromedp.CSS("#customer-link")),
		chromedp.WaitVisible(chromedp.CSS("#customer-orders")),
	)
	heading, orders, emails := b.text("h1"), b.text("#customer-orders"), b.text("#customer-emails")
	if !strings.Contains(heading, "elodie.martin@example.fr") || !strings.Contains(heading, "Élodie Martin") {
		t.Errorf("the customer view is headed %q", heading)
	}
	if !strings.Contains(orders, seeded.order.Number) || !strings.Contains(orders, "Payée — à expédier") {
		t.Errorf("the customer's orders read %q", orders)
	}
	if !strings.Contains(emails, seeded.email.Subject) {
		t.Errorf("the customer's emails read %q", emails)
	}
}
