package order

import (
	"errors"
	"strings"
	"testing"
)

// Shared fixtures for the order tests: one realistic order and small helpers.

// colissimo are the shipping rules of the sample order: 6,90 € TTC, free from
// 60 € of merchandise, VAT 20 %.
var colissimo = ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 6000, VATRate: 2000}

// sampleOrder is a paid order awaiting printing with free shipping:
// 2 mugs (25,00), 1 book at reduced VAT (23,90), 3 T-shirts (59,70) = 108,60 €.
func sampleOrder() Order {
	o := Order{
		ID: 1, Number: "C-2026-000123",
		Status: StatusPaid, Logistics: LogisticsAwaitingPrinting,
		PaymentMethod: PayCard, Currency: "EUR",
		Customer:      Customer{Name: "Camille Martin", Email: "camille@example.fr", Locale: "fr"},
		ShippingRules: colissimo,
		ShippingFee:   0,
		Lines: []Line{
			{ID: 11, SKU: "MUG-01", Name: "Mug émaillé", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
			{ID: 12, SKU: "BOOK-01", Name: "Livre de cuisine", UnitPrice: 2390, Quantity: 1, VATRate: 550, Physical: true},
			{ID: 13, SKU: "TEE-01", Name: "T-shirt", UnitPrice: 1990, Quantity: 3, VATRate: 2000, Physical: true},
		},
	}
	o.Totals = Reprice(o)
	return o
}

// checkVAT asserts the invariants of a VAT split: for every rate
// Net + VAT = Gross, nothing negative, rates sorted and distinct, and the
// grosses add up to the total.
func checkVAT(t testing.TB, tot Totals) {
	t.Helper()
	var sum int64
	for i, v := range tot.VAT {
		if v.Net+v.VAT != v.Gross {
			t.Errorf("rate %d: net %d + VAT %d != gross %d", v.Rate, v.Net, v.VAT, v.Gross)
		}
		if v.Net < 0 || v.VAT < 0 || v.Gross <= 0 {
			t.Errorf("rate %d: negative or empty amounts %+v", v.Rate, v)
		}
		if i > 0 && tot.VAT[i-1].Rate >= v.Rate {
			t.Errorf("VAT lines not sorted by distinct rate: %+v", tot.VAT)
		}
		sum += v.Gross
	}
	if sum != tot.Total {
		t.Errorf("grosses add up to %d, total is %d (%+v)", sum, tot.Total, tot)
	}
	if tot.Total != tot.Merchandise-tot.Discount+tot.Shipping {
		t.Errorf("total %d != merchandise %d - discount %d + shipping %d", tot.Total, tot.Merchandise, tot.Discount, tot.Shipping)
	}
}

// wantFieldError asserts err is a *FieldError on field whose message contains every fragment.
func wantFieldError(t *testing.T, err error, field string, fragments ...string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if fe.Field != field {
		t.Errorf("field = %q, want %q (error %q)", fe.Field, field, fe)
	}
	for _, f := range fragments {
		if !strings.Contains(fe.Message, f) {
			t.Errorf("message %q does not say %q", fe.Message, f)
		}
	}
}
