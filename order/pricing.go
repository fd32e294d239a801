package order

import (
	"math"
	"math/bits"
	"sort"
)

// MerchandiseTotal is the sum of the lines' tax-inclusive amounts.
func MerchandiseTotal(lines []Line) int64 {
	var sum int64
	for _, l := range lines {
		sum += l.Total()
	}
	return sum
}

// DiscountAmount is what the discount takes off a merchandise total: a
// percentage of it (rounded half up to the cent), or a fixed amount that
// never exceeds it. It is never negative.
func DiscountAmount(d Discount, merchandise int64) int64 {
	if merchandise <= 0 {
		return 0
	}
	var amount int64
	switch d.Kind {
	case DiscountFixed:
		amount = d.Amount
	case DiscountPercent:
		amount = percentOf(merchandise, clamp(d.Percent, 0, 10000))
	}
	return clamp(amount, 0, merchandise)
}

// ShippingFee is the fee the order's own rules give for a merchandise total:
// free from the threshold (when the rules have one), the flat fee below it.
func ShippingFee(r ShippingRules, merchandise int64) int64 {
	if r.FreeFrom > 0 && merchandise >= r.FreeFrom {
		return 0
	}
	return max(r.Fee, 0)
}

// Price computes the totals of lines under a discount and a shipping fee,
// with the VAT split per rate. The discount is shared between the VAT rates
// of the lines in proportion to their amounts (largest remainder, so the
// shares add up to the discount to the cent); shipping is taxed at the
// rules' rate. For every rate Net + VAT = Gross, and the grosses add up to
// the total.
func Price(lines []Line, d Discount, shippingFee int64, shippingVAT int64) Totals {
	t := Totals{Merchandise: MerchandiseTotal(lines)}
	t.Discount = DiscountAmount(d, t.Merchandise)
	t.Shipping = max(shippingFee, 0)
	t.Total = t.Merchandise - t.Discount + t.Shipping

	gross := map[int64]int64{}
	for _, l := range lines {
		gross[l.VATRate] += l.Total()
	}
	rates := make([]int64, 0, len(gross)+1)
	for r := range gross {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] < rates[j] })
	for r, share := range allocate(t.Discount, rates, gross) {
		gross[r] -= share
	}
	if t.Shipping > 0 {
		if _, ok := gross[shippingVAT]; !ok {
			rates = append(rates, shippingVAT)
			sort.Slice(rates, func(i, j int) bool { return rates[i] < rates[j] })
		}
		gross[shippingVAT] += t.Shipping
	}
	for _, r := range rates {
		g := gross[r]
		if g == 0 {
			continue
		}
		net := netOf(g, r)
		t.VAT = append(t.VAT, VATLine{Rate: r, Net: net, VAT: g - net, Gross: g})
	}
	return t
}

// Reprice computes an order's totals from its lines, discount and current
// shipping fee.
func Reprice(o Order) Totals {
	return Price(o.Lines, o.Discount, o.ShippingFee, o.ShippingRules.VATRate)
}

// allocate shares amount (0 <= amount <= the sum of the positive weights)
// between the rates in proportion to weights, by the largest-remainder
// method, so the shares add up to amount exactly and no rate takes more than
// its weight. A rate with no positive weight takes nothing. The products
// amount × weight are computed on 128 bits: in 64 they overflow from about
// 30 million euros, and the remainder loop then ran for hours.
func allocate(amount int64, rates []int64, weights map[int64]int64) map[int64]int64 {
	shares := map[int64]int64{}
	var total uint64
	for _, r := range rates {
		total += uint64(max(weights[r], 0))
	}
	if amount <= 0 || total == 0 {
		return shares
	}
	amount = min(amount, int64(min(total, math.MaxInt64)))
	type rem struct {
		rate int64
		rest uint64
	}
	var given int64
	rests := make([]rem, 0, len(rates))
	for _, r := range rates {
		w := uint64(max(weights[r], 0))
		// amount <= total, so hi < total and the quotient fits in 64 bits.
		hi, lo := bits.Mul64(uint64(amount), w)
		q, rest := bits.Div64(hi, lo, total)
		shares[r] = int64(q)
		given += int64(q)
		rests = append(rests, rem{r, rest})
	}
	// The cents left over number fewer than the rates with a remainder, so
	// each goes to a different rate, never beyond its weight.
	sort.SliceStable(rests, func(i, j int) bool { return rests[i].rest > rests[j].rest })
	for i := 0; given < amount; i++ {
		shares[rests[i].rate]++
		given++
	}
	return shares
}

// percentOf is bp basis points (0 to 10000) of a positive amount, rounded
// half up, computed on 128 bits so a large order cannot overflow it.
func percentOf(amount, bp int64) int64 {
	hi, lo := bits.Mul64(uint64(amount), uint64(bp))
	q, r := bits.Div64(hi, lo, 10000) // bp <= 10000, so hi < 10000
	if 2*r >= 10000 {
		q++
	}
	return int64(q)
}

// netOf is the net of a positive gross at VAT rate r (basis points, 0 or
// more): gross × 10 000 / (10 000 + r), rounded half up, computed on 128
// bits so that no gross an int64 holds overflows it (in 64 bits it did
// from about 920 billion euros, and the net came out negative).
func netOf(gross, r int64) int64 {
	if gross <= 0 || r < 0 {
		return roundDiv(gross*10000, 10000+max(r, 0))
	}
	d := uint64(10000 + r)
	hi, lo := bits.Mul64(uint64(gross), 10000)
	lo, carry := bits.Add64(lo, d/2, 0)
	hi += carry
	q, _ := bits.Div64(hi, lo, d) // hi < d: gross × 10 000 + d/2 < 2^64 × d
	return int64(q)
}

// roundDiv divides a by b (b > 0), rounding half away from zero.
func roundDiv(a, b int64) int64 {
	if a >= 0 {
		return (a + b/2) / b
	}
	return -((-a + b/2) / b)
}

func clamp(v, lo, hi int64) int64 { return min(max(v, lo), hi) }
