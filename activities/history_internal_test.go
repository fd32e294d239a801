package activities

import (
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// TestContentChangeHistoryLine: the history line of a content change names
// what was removed, edited and added, and says nothing of a kind of change
// that did not happen (no « Produits retirés : . » when products were only
// added or edited), and says the same in English with no French word.
func TestContentChangeHistoryLine(t *testing.T) {
	mug := order.Line{ID: 11, SKU: "MUG-01", Name: "Mug", UnitPrice: 1250, Quantity: 2, VATRate: 2000}
	bowl := order.Line{SKU: "BOL-01", Name: "Bol breton", UnitPrice: 990, Quantity: 2, VATRate: 2000}
	dearer := mug
	dearer.UnitPrice, dearer.Quantity = 1500, 3
	totals := func(before, after int64) (order.Totals, order.Totals) {
		return order.Totals{Total: before}, order.Totals{Total: after}
	}
	for _, tt := range []struct {
		name string
		res  order.ContentResult
		want string
	}{
		{
			name: "added only",
			res:  order.ContentResult{Added: []order.Line{bowl}},
			want: "Produits ajoutés : 2 × Bol breton (BOL-01). Total 25,00\u00a0€ → 44,80\u00a0€",
		},
		{
			name: "edited only",
			res:  order.ContentResult{Edited: []order.LineDiff{{Before: mug, After: dearer}}},
			want: "Produits modifiés : MUG-01 (prix unitaire 12,50\u00a0€ → 15,00\u00a0€, quantité 2 → 3). Total 25,00\u00a0€ → 44,80\u00a0€",
		},
		{
			name: "renamed, new SKU, reduced VAT",
			res:  order.ContentResult{Edited: []order.LineDiff{{Before: mug, After: order.Line{ID: 11, SKU: "MUG-02", Name: "Mug émaillé", UnitPrice: 1250, Quantity: 2, VATRate: 550}}}},
			want: "Produits modifiés : MUG-01 (référence MUG-01 → MUG-02, désignation « Mug » → « Mug émaillé », TVA 20\u00a0% → 5,5\u00a0%). Total 25,00\u00a0€ → 44,80\u00a0€",
		},
		{
			name: "removed only",
			res:  order.ContentResult{Removed: []order.Line{mug}},
			want: "Produits retirés : 2 × Mug (MUG-01). Total 25,00\u00a0€ → 44,80\u00a0€",
		},
		{
			name: "removed, edited and added, free shipping lost",
			res: order.ContentResult{
				Removed:  []order.Line{{ID: 12, SKU: "TEE-01", Name: "T-shirt", UnitPrice: 1990, Quantity: 1, VATRate: 2000}},
				Edited:   []order.LineDiff{{Before: mug, After: dearer}},
				Added:    []order.Line{bowl},
				Shipping: order.ShippingChange{Before: 0, After: 690},
			},
			want: "Produits retirés : 1 × T-shirt (TEE-01). Produits modifiés : MUG-01 (prix unitaire 12,50\u00a0€ → 15,00\u00a0€, quantité 2 → 3). " +
				"Produits ajoutés : 2 × Bol breton (BOL-01). Total 25,00\u00a0€ → 44,80\u00a0€ (livraison gratuite perdue : +6,90\u00a0€)",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.res.Before, tt.res.After = totals(2500, 4480)
			ph := describeChange(tt.res, "EUR")
			got := ph.French()
			if got != tt.want {
				t.Errorf("history line\n got %q\nwant %q", got, tt.want)
			}
			if strings.Contains(got, ": .") || strings.Contains(got, ":  ") {
				t.Errorf("history line %q has an empty part", got)
			}
			en, err := locale.For(locale.English).Phrase(ph)
			if err != nil {
				t.Fatalf("in English: %v", err)
			}
			for _, fr := range []string{"Produits", "Total 25,00", "prix unitaire", "quantité", "livraison", "désignation", "référence"} {
				if strings.Contains(en, fr) {
					t.Errorf("in English the line says %q: %q", fr, en)
				}
			}
		})
	}
}
