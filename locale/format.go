package locale

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// How each language writes numbers.
type numbers struct {
	decimal byte   // the decimal mark
	group   string // between groups of three digits
}

var numberStyle = map[Lang]numbers{
	French:  {decimal: ',', group: "\u202f"}, // a narrow no-break space: "1 234,56"
	English: {decimal: '.', group: ","},
}

func (p *Printer) numbers() numbers { return numberStyle[p.lang] }

// Amount writes an amount as the reader reads it: "1 234,56 €" in French,
// "€1,234.56" in English; another currency than EUR is written by its
// code after the figure ("12,50 USD", "12.50 USD").
func (p *Printer) Amount(cents int64, currency string) string {
	if currency == "" {
		currency = "EUR"
	}
	nb := p.numbers()
	s := groupCents(cents, nb)
	if p.lang == English {
		if currency != "EUR" {
			return s + " " + currency
		}
		if neg, ok := strings.CutPrefix(s, "-"); ok {
			return "-€" + neg
		}
		return "€" + s
	}
	if currency == "EUR" {
		currency = "€"
	}
	return s + "\u00a0" + currency
}

// AmountInput writes an amount for an input field, as the reader types
// it: "1234,56" in French, "1234.56" in English (no group separator, no
// currency). ParseAmount reads it back.
func (p *Printer) AmountInput(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d%c%02d", sign, cents/100, p.numbers().decimal, cents%100)
}

// groupCents writes cents as units, grouped by three, and two decimals.
func groupCents(cents int64, nb numbers) string {
	neg := cents < 0
	u := uint64(cents)
	if neg {
		u = -u
	}
	s := groupDigits(strconv.FormatUint(u/100, 10), nb.group) + string(nb.decimal) + fmt.Sprintf("%02d", u%100)
	if neg {
		return "-" + s
	}
	return s
}

func groupDigits(digits, sep string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Number writes a whole number: "1 234" in French, "1,234" in English.
func (p *Printer) Number(n int64) string {
	if n < 0 {
		return "-" + groupDigits(strconv.FormatUint(uint64(-n), 10), p.numbers().group)
	}
	return groupDigits(strconv.FormatInt(n, 10), p.numbers().group)
}

// Percent writes a rate in basis points: "5,5 %" in French (a no-break
// space before the sign), "5.5%" in English; "20 %", "20%".
func (p *Printer) Percent(bp int64) string {
	sign := ""
	if bp < 0 {
		sign, bp = "-", -bp
	}
	whole, frac := bp/100, bp%100
	s := sign + strconv.FormatInt(whole, 10)
	switch {
	case frac == 0:
	case frac%10 == 0:
		s += fmt.Sprintf("%c%d", p.numbers().decimal, frac/10)
	default:
		s += fmt.Sprintf("%c%02d", p.numbers().decimal, frac)
	}
	if p.lang == English {
		return s + "%"
	}
	return s + "\u00a0%"
}

// Date writes an instant in the printer's zone, date and time:
// "21/11/2026 14:05" in French, "21 Nov 2026, 14:05" in English. The zero
// time is written empty.
func (p *Printer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(p.zone)
	if p.lang == English {
		return t.Format("2 Jan 2006, 15:04")
	}
	return t.Format("02/01/2006 15:04")
}

// Day writes the day of an instant in the printer's zone: "21/11/2026" in
// French, "21 Nov 2026" in English. The zero time is written empty.
func (p *Printer) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(p.zone)
	if p.lang == English {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// ErrAmount is the error of an amount ParseAmount cannot read.
var ErrAmount = errors.New("not an amount")

// ParseAmount reads an amount an agent typed, in cents: "12,50", "12.50",
// "12", "1 234,56 €", and the reader's own way of grouping thousands
// ("1,234.56" in English). Either mark is read as the decimal one when
// one or two digits follow it, so an agent may type "5,00" or "5.00"
// whatever their language. It refuses signs, more than two decimals and
// anything else that is not an amount.
func (p *Printer) ParseAmount(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "EUR"), "€")
	t = strings.TrimPrefix(t, "€")
	t = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(t)
	if t == "" {
		return 0, fmt.Errorf("%w: %q is empty", ErrAmount, s)
	}
	whole, frac := t, ""
	if i := strings.LastIndexAny(t, ",."); i >= 0 {
		after := t[i+1:]
		switch {
		case len(after) == 1 || len(after) == 2:
			whole, frac = t[:i], after
		case p.lang == English && t[i] == ',' && len(after) == 3:
			// "1,234": a group of thousands, no decimals.
		default:
			return 0, fmt.Errorf("%w: %q: write at most two decimals", ErrAmount, s)
		}
	}
	if strings.ContainsAny(whole, ",.") {
		// Only English groups thousands with a mark: "1,234".
		groups := strings.Split(whole, ",")
		if p.lang != English || strings.Contains(whole, ".") || len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, fmt.Errorf("%w: %q", ErrAmount, s)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, fmt.Errorf("%w: %q: thousands are grouped by three", ErrAmount, s)
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" {
		whole = "0"
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("%w: %q", ErrAmount, s)
			}
		}
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("%w: %q is too large", ErrAmount, s)
	}
	units, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return units*100 + f, nil
}
