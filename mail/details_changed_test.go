package mail

import (
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// detailsCorrected is an address typo corrected, nothing else.
func detailsCorrected() DetailsChanged {
	return DetailsChanged{
		CustomerName: "Camille Martin", OrderNumber: "C-2026-000123",
		Changes: []order.DetailChange{{Field: "delivery_address",
			Before: "Camille Martin, 3 rue des Lila, 35000 Rennes, FR", After: "Camille Martin, 3 rue des Lilas, 35000 Rennes, FR"}},
		NewTotal: order.EUR(10464), Outcome: OutcomeNone,
	}
}

// detailsGoldenCases pins the details_changed email (golden_test.go).
func detailsGoldenCases() []goldenCase {
	feeLowered := detailsCorrected()
	feeLowered.Changes = append(feeLowered.Changes, order.DetailChange{Field: "shipping_fee", Before: "6,90\u00a0€", After: "4,90\u00a0€"})
	feeLowered.MoneyChanged, feeLowered.NewTotal = true, order.EUR(10264)
	feeLowered.Outcome, feeLowered.Refund, feeLowered.PaymentMethod = OutcomeRefunded, order.EUR(200), order.PayCard
	balance := detailsCorrected()
	balance.Changes = []order.DetailChange{{Field: "discount", Before: "10\u00a0%", After: "aucune"}}
	balance.MoneyChanged, balance.NewTotal, balance.Outcome, balance.BalanceDue = true, order.EUR(11550), OutcomeBalanceDue, order.EUR(1086)
	return []goldenCase{
		{TemplateDetailsChanged, "address_only", detailsCorrected()},
		{TemplateDetailsChanged, "fee_refunded", feeLowered},
		{TemplateDetailsChanged, "balance_due", balance},
	}
}

func TestDetailsChangedEmail(t *testing.T) {
	c := detailsGoldenCases()[1].data.(DetailsChanged)
	msg, err := Render(TemplateDetailsChanged, "fr", c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"adresse de livraison : Camille Martin, 3 rue des Lilas", "frais de port : 4,90", "102,64", "remboursé 2,00"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, msg.Text)
		}
	}
	en, err := Render(TemplateDetailsChanged, "en", c)
	if err != nil || !strings.Contains(en.Text, "shipping fee: 4,90") || !strings.Contains(en.Subject, "have been updated") {
		t.Errorf("English: %v\n%s", err, en.Text)
	}
	empty := detailsCorrected()
	empty.Changes = nil
	if _, err := Render(TemplateDetailsChanged, "fr", empty); err == nil {
		t.Error("an email with no change was rendered")
	}
}
