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
	feeLowered.Before.ShippingFee, feeLowered.After.ShippingFee = 690, 490
	feeLowered.MoneyChanged, feeLowered.NewTotal = true, order.EUR(10264)
	feeLowered.Outcome, feeLowered.Refund, feeLowered.PaymentMethod = OutcomeRefunded, order.EUR(200), order.PayCard
	balance := detailsCorrected()
	balance.Changes = []order.DetailChange{{Field: "discount", Before: "10\u00a0%", After: "aucune"}}
	balance.Before.Discount = order.Discount{Kind: order.DiscountPercent, Percent: 1000}
	balance.MoneyChanged, balance.NewTotal, balance.Outcome, balance.BalanceDue = true, order.EUR(11550), OutcomeBalanceDue, order.EUR(1086)
	return []goldenCase{
		{TemplateDetailsChanged, "address_only", detailsCorrected()},
		{TemplateDetailsChanged, "fee_refunded", feeLowered},
		{TemplateDetailsChanged, "balance_due", balance},
		{TemplateDetailsChanged, "every_field", everyDetailChanged()},
	}
}

// everyDetailChanged is an edit of every detail, as the edit-details
// procedure gives it to the email: the changes and the details before and
// after that order.ApplyDetails computed.
func everyDetailChanged() DetailsChanged {
	lilas := order.Address{Name: "Camille Martin", Line1: "3 rue des Lilas", PostalCode: "35000", City: "Rennes", Country: "FR"}
	o := order.Order{
		Number: "C-2026-000123", Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting,
		PaymentMethod: order.PayCard, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille@example.fr", Phone: "06 12 34 56 78"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, VATRate: 2000},
		ShippingFee:   690, Discount: order.Discount{Kind: order.DiscountPercent, Percent: 1000},
		Billing: lilas, Delivery: lilas,
		Lines: []order.Line{{ID: 11, SKU: "MUG-01", Name: "Mug émaillé", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}},
	}
	o.Totals = order.Reprice(o)
	ptr := func(s string) *string { return &s }
	fee := int64(490)
	moved := order.Address{Name: "Camille Martin", Line1: "12 quai de la Fosse", PostalCode: "44000", City: "Nantes", Country: "FR"}
	res, err := order.ApplyDetails(o, order.DetailsOf(o), order.DetailsEdit{
		Name: ptr("Camille Durand"), Email: ptr("camille.durand@example.fr"), Phone: ptr("+33 6 12 34 56 79"),
		Billing: &moved, Delivery: &moved, PaymentLabel: ptr("Carte Visa"), ShippingMethod: ptr("Colissimo point retrait"),
		ShippingFee: &fee, Discount: &order.Discount{Kind: order.DiscountFixed, Amount: 250, Code: "BIENVENUE"},
	})
	if err != nil {
		panic(err)
	}
	return DetailsChanged{
		CustomerName: "Camille Durand", OrderNumber: o.Number, Changes: res.Changes, Before: res.Before, After: res.After,
		MoneyChanged: res.MoneyChanged(), NewTotal: order.EUR(res.TotalsAfter.Total), PaymentMethod: o.PaymentMethod,
		Outcome: OutcomeRefunded, Refund: order.EUR(o.Totals.Total - res.TotalsAfter.Total),
	}
}

func TestDetailsChangedEmail(t *testing.T) {
	c := detailsGoldenCases()[1].data.(DetailsChanged)
	msg, err := Render(TemplateDetailsChanged, "fr", c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"adresse de livraison" + nbsp + ": Camille Martin, 3 rue des Lilas", "frais de port" + nbsp + ": 4,90" + nbsp + "€ (auparavant" + nbsp + ": 6,90" + nbsp + "€)", "102,64", "remboursé 2,00"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, msg.Text)
		}
	}
	// The English reader reads the fee and the discount as English writes
	// them, not as the history (in French) wrote them.
	en, err := Render(TemplateDetailsChanged, "en", c)
	if err != nil || !strings.Contains(en.Text, "shipping fee: €4.90 (previously: €6.90)") || !strings.Contains(en.Subject, "have been updated") {
		t.Errorf("English: %v\n%s", err, en.Text)
	}
	balance := detailsGoldenCases()[2].data.(DetailsChanged)
	en, err = Render(TemplateDetailsChanged, "en", balance)
	if err != nil || !strings.Contains(en.Text, "discount: none (previously: 10%)") {
		t.Errorf("English: %v\n%s", err, en.Text)
	}
	empty := detailsCorrected()
	empty.Changes = nil
	if _, err := Render(TemplateDetailsChanged, "fr", empty); err == nil {
		t.Error("an email with no change was rendered")
	}
	// A fee changed without the details that say from what to what: the
	// email could only repeat the history's French; it is refused.
	unsaid := c
	unsaid.Before, unsaid.After = order.Details{}, order.Details{}
	if _, err := Render(TemplateDetailsChanged, "en", unsaid); err == nil || !strings.Contains(err.Error(), "shipping_fee") {
		t.Errorf("a fee changed without Before and After: %v", err)
	}
}
