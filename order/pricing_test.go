package order

import (
	"math"
	"reflect"
	"testing"
)

func TestMerchandiseTotal(t *testing.T) {
	if got := MerchandiseTotal(sampleOrder().Lines); got != 10860 {
		t.Errorf("MerchandiseTotal = %d, want 10860 (2×12,50 + 23,90 + 3×19,90)", got)
	}
	if got := MerchandiseTotal(nil); got != 0 {
		t.Errorf("MerchandiseTotal(nil) = %d", got)
	}
}

func TestDiscountAmount(t *testing.T) {
	tests := []struct {
		name        string
		d           Discount
		merchandise int64
		want        int64
	}{
		{"none", Discount{}, 5000, 0},
		{"unknown kind", Discount{Kind: "bogo", Amount: 500, Percent: 1000}, 5000, 0},
		{"fixed", Discount{Kind: DiscountFixed, Code: "BIENVENUE", Amount: 1000}, 5000, 1000},
		{"fixed equal to merchandise", Discount{Kind: DiscountFixed, Amount: 5000}, 5000, 5000},
		{"fixed capped at merchandise", Discount{Kind: DiscountFixed, Amount: 6000}, 5000, 5000},
		{"fixed negative is nothing", Discount{Kind: DiscountFixed, Amount: -100}, 5000, 0},
		{"fixed on empty order", Discount{Kind: DiscountFixed, Amount: 1000}, 0, 0},
		{"fixed on negative merchandise", Discount{Kind: DiscountFixed, Amount: 1000}, -500, 0},
		{"percent exact", Discount{Kind: DiscountPercent, Percent: 1000}, 5000, 500},
		{"percent rounds half up", Discount{Kind: DiscountPercent, Percent: 1000}, 1005, 101}, // 100,5
		{"percent rounds down below half", Discount{Kind: DiscountPercent, Percent: 1000}, 1004, 100},
		{"percent rounds up above half", Discount{Kind: DiscountPercent, Percent: 1000}, 1006, 101},
		{"percent 15 of 9,99", Discount{Kind: DiscountPercent, Percent: 1500}, 999, 150}, // 149,85
		{"percent 3,33", Discount{Kind: DiscountPercent, Percent: 333}, 100, 3},
		{"percent of one cent", Discount{Kind: DiscountPercent, Percent: 4900}, 1, 0},
		{"percent half of one cent", Discount{Kind: DiscountPercent, Percent: 5000}, 1, 1},
		{"percent 100", Discount{Kind: DiscountPercent, Percent: 10000}, 4321, 4321},
		{"percent above 100 capped", Discount{Kind: DiscountPercent, Percent: 12000}, 4321, 4321},
		// Merchandise × percent is beyond int64 in the next three.
		{"percent 200 of a large order capped", Discount{Kind: DiscountPercent, Percent: 20000}, 1_000_000_000_000_000, 1_000_000_000_000_000},
		{"percent far above 100 capped", Discount{Kind: DiscountPercent, Percent: 1 << 40}, 1_000_000_000_000_000, 1_000_000_000_000_000},
		{"percent of a huge order", Discount{Kind: DiscountPercent, Percent: 2500}, 100_000_000_000_000_000, 25_000_000_000_000_000},
		{"percent rounds half up on a huge order", Discount{Kind: DiscountPercent, Percent: 5000}, 100_000_000_000_000_001, 50_000_000_000_000_001},
		{"percent negative is nothing", Discount{Kind: DiscountPercent, Percent: -500}, 4321, 0},
		{"percent ignores Amount", Discount{Kind: DiscountPercent, Percent: 1000, Amount: 9999}, 5000, 500},
		{"fixed ignores Percent", Discount{Kind: DiscountFixed, Amount: 100, Percent: 5000}, 5000, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DiscountAmount(tt.d, tt.merchandise); got != tt.want {
				t.Errorf("DiscountAmount(%+v, %d) = %d, want %d", tt.d, tt.merchandise, got, tt.want)
			}
		})
	}
}

func TestShippingFee(t *testing.T) {
	tests := []struct {
		name        string
		r           ShippingRules
		merchandise int64
		want        int64
	}{
		{"below threshold", colissimo, 5999, 690},
		{"at threshold is free", colissimo, 6000, 0},
		{"above threshold is free", colissimo, 10860, 0},
		{"empty order pays the fee", colissimo, 0, 690},
		{"no threshold: never free", ShippingRules{Fee: 490}, 1_000_000, 490},
		{"free method", ShippingRules{Fee: 0, FreeFrom: 6000}, 100, 0},
		{"negative fee is nothing", ShippingRules{Fee: -10}, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ShippingFee(tt.r, tt.merchandise); got != tt.want {
				t.Errorf("ShippingFee(%+v, %d) = %d, want %d", tt.r, tt.merchandise, got, tt.want)
			}
		})
	}
}

func TestPrice(t *testing.T) {
	book := Line{ID: 1, SKU: "BOOK-01", Name: "Livre", UnitPrice: 2390, Quantity: 1, VATRate: 550}
	cent := func(id, rate int64) Line { return Line{ID: id, SKU: "X", UnitPrice: 100, Quantity: 1, VATRate: rate} }
	tests := []struct {
		name     string
		lines    []Line
		d        Discount
		fee, vat int64
		want     Totals
	}{
		{
			name:  "two rates, free shipping",
			lines: sampleOrder().Lines,
			want: Totals{Merchandise: 10860, Total: 10860, VAT: []VATLine{
				{Rate: 550, Net: 2265, VAT: 125, Gross: 2390},   // 23,90 / 1,055 = 22,654
				{Rate: 2000, Net: 7058, VAT: 1412, Gross: 8470}, // 84,70 / 1,2 = 70,583
			}},
		},
		{
			// 10 € shared 2390:8470 -> 2,2007 and 7,7993: the larger remainder takes the cent.
			name:  "fixed discount shared by rate, shipping taxed at its rate",
			lines: sampleOrder().Lines, d: Discount{Kind: DiscountFixed, Amount: 1000}, fee: 690, vat: 2000,
			want: Totals{Merchandise: 10860, Discount: 1000, Shipping: 690, Total: 10550, VAT: []VATLine{
				{Rate: 550, Net: 2057, VAT: 113, Gross: 2170},   // 23,90 - 2,20
				{Rate: 2000, Net: 6983, VAT: 1397, Gross: 8380}, // 84,70 - 7,80 + 6,90
			}},
		},
		{
			name:  "shipping at a rate no line has",
			lines: []Line{book}, fee: 690, vat: 2000,
			want: Totals{Merchandise: 2390, Shipping: 690, Total: 3080, VAT: []VATLine{
				{Rate: 550, Net: 2265, VAT: 125, Gross: 2390},
				{Rate: 2000, Net: 575, VAT: 115, Gross: 690},
			}},
		},
		{
			name:  "shipping at a lower rate than the lines sorts first",
			lines: []Line{{ID: 1, UnitPrice: 1200, Quantity: 1, VATRate: 2000}}, fee: 500, vat: 0,
			want: Totals{Merchandise: 1200, Shipping: 500, Total: 1700, VAT: []VATLine{
				{Rate: 0, Net: 500, VAT: 0, Gross: 500},
				{Rate: 2000, Net: 1000, VAT: 200, Gross: 1200},
			}},
		},
		{
			// 1 € over three equal rates: 0,34 + 0,33 + 0,33, the tie going to the first rate.
			name:  "discount cent left over on a tie",
			lines: []Line{cent(1, 0), cent(2, 550), cent(3, 2000)}, d: Discount{Kind: DiscountFixed, Amount: 100},
			want: Totals{Merchandise: 300, Discount: 100, Total: 200, VAT: []VATLine{
				{Rate: 0, Net: 66, VAT: 0, Gross: 66},
				{Rate: 550, Net: 64, VAT: 3, Gross: 67},
				{Rate: 2000, Net: 56, VAT: 11, Gross: 67},
			}},
		},
		{
			name:  "percent discount",
			lines: sampleOrder().Lines, d: Discount{Kind: DiscountPercent, Percent: 1000},
			want: Totals{Merchandise: 10860, Discount: 1086, Total: 9774, VAT: []VATLine{
				{Rate: 550, Net: 2039, VAT: 112, Gross: 2151},
				{Rate: 2000, Net: 6353, VAT: 1270, Gross: 7623},
			}},
		},
		{
			name:  "whole merchandise discounted: only shipping is taxed",
			lines: []Line{book}, d: Discount{Kind: DiscountPercent, Percent: 10000}, fee: 690, vat: 2000,
			want: Totals{Merchandise: 2390, Discount: 2390, Shipping: 690, Total: 690, VAT: []VATLine{
				{Rate: 2000, Net: 575, VAT: 115, Gross: 690},
			}},
		},
		{
			name:  "free line leaves no VAT line",
			lines: []Line{book, {ID: 2, SKU: "GIFT", UnitPrice: 0, Quantity: 1, VATRate: 2000}},
			want: Totals{Merchandise: 2390, Total: 2390, VAT: []VATLine{
				{Rate: 550, Net: 2265, VAT: 125, Gross: 2390},
			}},
		},
		{
			name: "no lines, no shipping",
			want: Totals{},
		},
		{
			name:  "negative shipping fee is none",
			lines: []Line{book}, fee: -690, vat: 2000,
			want: Totals{Merchandise: 2390, Total: 2390, VAT: []VATLine{
				{Rate: 550, Net: 2265, VAT: 125, Gross: 2390},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Price(tt.lines, tt.d, tt.fee, tt.vat)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Price =\n %+v\nwant\n %+v", got, tt.want)
			}
			checkVAT(t, got)
		})
	}
}

// The discount is shared between the rates in proportion to their
// merchandise, each share within a cent of the exact proportion, the shares
// adding up to the discount to the cent.
func TestPriceDiscountShares(t *testing.T) {
	lines := []Line{
		{ID: 1, UnitPrice: 333, Quantity: 7, VATRate: 0},
		{ID: 2, UnitPrice: 1999, Quantity: 3, VATRate: 210},
		{ID: 3, UnitPrice: 4567, Quantity: 1, VATRate: 550},
		{ID: 4, UnitPrice: 89, Quantity: 11, VATRate: 1000},
		{ID: 5, UnitPrice: 12345, Quantity: 2, VATRate: 2000},
	}
	merch := MerchandiseTotal(lines)
	for _, amount := range []int64{1, 2, 3, 4, 5, 7, 99, 101, 997, 1000, 12345, merch - 1, merch} {
		got := Price(lines, Discount{Kind: DiscountFixed, Amount: amount}, 0, 2000)
		checkVAT(t, got)
		var given int64
		for _, l := range lines {
			var gross int64
			for _, v := range got.VAT {
				if v.Rate == l.VATRate {
					gross = v.Gross
				}
			}
			share := l.Total() - gross
			exact := float64(amount) * float64(l.Total()) / float64(merch)
			if share < 0 || share > l.Total() || math.Abs(float64(share)-exact) >= 1 {
				t.Errorf("discount %d: rate %d takes %d, exact share %.2f", amount, l.VATRate, share, exact)
			}
			given += share
		}
		if given != amount {
			t.Errorf("discount %d: rates take %d in all", amount, given)
		}
	}
}

func TestReprice(t *testing.T) {
	o := sampleOrder()
	o.ShippingFee = 690
	o.Discount = Discount{Kind: DiscountFixed, Amount: 1000}
	if got, want := Reprice(o), Price(o.Lines, o.Discount, 690, 2000); !reflect.DeepEqual(got, want) {
		t.Errorf("Reprice = %+v, want %+v", got, want)
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name    string
		amount  int64
		rates   []int64
		weights map[int64]int64
		want    map[int64]int64
	}{
		{"nothing to share", 0, []int64{1}, map[int64]int64{1: 10}, map[int64]int64{}},
		{"no weight", 5, []int64{1}, map[int64]int64{1: 0}, map[int64]int64{}},
		{"negative weight takes nothing", 5, []int64{1, 2}, map[int64]int64{1: -5, 2: 10}, map[int64]int64{1: 0, 2: 5}},
		{"one rate", 7, []int64{1}, map[int64]int64{1: 10}, map[int64]int64{1: 7}},
		{"exact", 10, []int64{1, 2}, map[int64]int64{1: 30, 2: 70}, map[int64]int64{1: 3, 2: 7}},
		{"largest remainder", 10, []int64{1, 2, 3}, map[int64]int64{1: 4, 2: 4, 3: 4}, map[int64]int64{1: 4, 2: 3, 3: 3}},
		{"remainder to the larger fraction", 2, []int64{1, 2}, map[int64]int64{1: 1, 2: 2}, map[int64]int64{1: 1, 2: 1}},
		// Products beyond int64: 4e12 × 6e12 cents.
		{"large amounts", 4_000_000_000_000, []int64{1, 2}, map[int64]int64{1: 6_000_000_000_000, 2: 2_000_000_000_000},
			map[int64]int64{1: 3_000_000_000_000, 2: 1_000_000_000_000}},
		{"largest amounts", math.MaxInt64 / 2, []int64{1, 2}, map[int64]int64{1: math.MaxInt64 / 2, 2: math.MaxInt64 / 2},
			map[int64]int64{1: math.MaxInt64/4 + 1, 2: math.MaxInt64 / 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := allocate(tt.amount, tt.rates, tt.weights); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("allocate = %v, want %v", got, tt.want)
			}
		})
	}
}
