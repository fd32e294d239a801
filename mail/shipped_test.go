package mail

import (
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// partShipped is the shop's first parcel: part of the order shipped, the
// rest to follow.
func partShipped() Shipped {
	return Shipped{
		CustomerName: "Camille Martin", OrderNumber: "C-2026-000123",
		Shipped:     []order.Line{{SKU: "TSHIRT-M", Name: "T-shirt bio M", Quantity: 2}},
		LeftToShip:  []order.Line{{SKU: "MUG", Name: "Mug émaillé", Quantity: 1}},
		Carrier:     "Colissimo",
		Tracking:    "6A12345678901",
		TrackingURL: order.TrackingURL("Colissimo", "6A12345678901"),
	}
}

// shippedGoldenCases pins the "shipped" email (see TestGolden).
func shippedGoldenCases() []goldenCase {
	rest := partShipped()
	rest.Shipped, rest.LeftToShip = rest.LeftToShip, nil
	bare := partShipped()
	bare.Tracking, bare.TrackingURL, bare.CustomerName = "", "", ""
	digital := Shipped{OrderNumber: "C-2026-000124", CustomerName: "Camille Martin",
		Completed: []order.Line{{SKU: "EBOOK", Name: "Livre numérique", Quantity: 1}}}
	return []goldenCase{
		{TemplateShipped, "part_with_tracking", partShipped()},
		{TemplateShipped, "rest_nothing_left", rest},
		{TemplateShipped, "no_tracking_no_name", bare},
		{TemplateShipped, "completed_only", digital},
	}
}

func TestShippedEmail(t *testing.T) {
	first := render(t, TemplateShipped, "fr", partShipped())
	says(t, first.Subject, []string{"Une partie de votre commande C-2026-000123"}, nil)
	says(t, first.Text, []string{"2 × T-shirt bio M", "par Colissimo", "6A12345678901",
		"https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901", "Reste à expédier", "1 × Mug émaillé"}, nil)

	rest := partShipped()
	rest.Shipped, rest.LeftToShip = rest.LeftToShip, nil
	second := render(t, TemplateShipped, "en", rest)
	says(t, second.Subject, []string{"Your order C-2026-000123 has shipped"}, nil)
	says(t, second.Text, []string{"1 × Mug émaillé", "Every item of your order has now shipped"}, []string{"Still to ship", "T-shirt"})
	if !strings.Contains(second.HTML, `href="https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"`) {
		t.Errorf("the HTML has no tracking link:\n%s", second.HTML)
	}
}

func TestShippedEmailRefusesEmptyOrCarrierless(t *testing.T) {
	for name, s := range map[string]Shipped{
		"nothing":    {OrderNumber: "C-1"},
		"no carrier": {OrderNumber: "C-1", Shipped: []order.Line{{Name: "Mug", Quantity: 1}}},
		"no number":  {Shipped: []order.Line{{Name: "Mug", Quantity: 1}}, Carrier: "DPD"},
	} {
		if _, err := Render(TemplateShipped, "fr", s); err == nil {
			t.Errorf("%s: rendered, want refused", name)
		}
	}
}
