package order

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultCurrency is the currency of an order that names none.
const DefaultCurrency = "EUR"

// Money is an amount in the smallest unit of its currency (cents for EUR).
// Amounts are never floats: arithmetic on money is integer arithmetic.
type Money struct {
	Cents    int64  `json:"cents"`
	Currency string `json:"currency"`
}

// EUR returns an amount in euro cents.
func EUR(cents int64) Money { return Money{Cents: cents, Currency: "EUR"} }

// IsZero reports whether the amount is zero, whatever the currency.
func (m Money) IsZero() bool { return m.Cents == 0 }

// String renders the amount for logs and errors: "12.34 EUR".
func (m Money) String() string {
	return fmt.Sprintf("%s %s", formatCents(m.Cents, '.', ""), m.currency())
}

// French renders the amount the way a French customer reads it: "1 234,56 €".
func (m Money) French() string {
	sym := m.currency()
	if sym == "EUR" {
		sym = "€"
	}
	return formatCents(m.Cents, ',', "\u202f") + "\u00a0" + sym
}

// English renders the amount for an English reader: "€1,234.56".
func (m Money) English() string {
	s := formatCents(m.Cents, '.', ",")
	if m.currency() == "EUR" {
		if strings.HasPrefix(s, "-") {
			return "-€" + s[1:]
		}
		return "€" + s
	}
	return s + " " + m.currency()
}

// Format renders the amount for a locale ("fr" or "en"); French is the default.
func (m Money) Format(locale string) string {
	if locale == "en" {
		return m.English()
	}
	return m.French()
}

func (m Money) currency() string {
	if m.Currency == "" {
		return DefaultCurrency
	}
	return m.Currency
}

// formatCents writes cents as units and two decimals, grouping thousands with sep.
func formatCents(cents int64, decimal byte, sep string) string {
	neg := cents < 0
	u := uint64(cents)
	if neg {
		u = uint64(-cents)
	}
	units := strconv.FormatUint(u/100, 10)
	if sep != "" {
		var b strings.Builder
		for i, r := range units {
			if i > 0 && (len(units)-i)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteRune(r)
		}
		units = b.String()
	}
	s := fmt.Sprintf("%s%c%02d", units, decimal, u%100)
	if neg {
		return "-" + s
	}
	return s
}

// ParseCents reads an amount typed by a person ("12,34", "12.34", "12", "1 234,5")
// into cents. It refuses more than two decimals, signs and anything that is not a number.
func ParseCents(s string) (int64, error) {
	t := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "").Replace(strings.TrimSpace(s))
	t = strings.Replace(t, ",", ".", 1)
	if t == "" {
		return 0, fmt.Errorf("amount %q is empty", s)
	}
	whole, frac, hasFrac := strings.Cut(t, ".")
	if whole == "" {
		whole = "0"
	}
	if hasFrac && (len(frac) == 0 || len(frac) > 2) {
		return 0, fmt.Errorf("amount %q: use at most two decimals", s)
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("amount %q is not a number", s)
			}
		}
	}
	u, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || u > 1<<50 {
		return 0, fmt.Errorf("amount %q is too large", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return u*100 + f, nil
}
