package order

import (
	"strconv"
	"strings"
	"testing"
)

const (
	nnbsp = "\u202f" // narrow no-break space: French thousands separator
	nbsp  = "\u00a0" // no-break space: before the currency symbol
)

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		name          string
		m             Money
		fr, en, plain string
	}{
		{"zero", EUR(0), "0,00" + nbsp + "€", "€0.00", "0.00 EUR"},
		{"one cent", EUR(1), "0,01" + nbsp + "€", "€0.01", "0.01 EUR"},
		{"under a euro", EUR(99), "0,99" + nbsp + "€", "€0.99", "0.99 EUR"},
		{"units and cents", EUR(1234), "12,34" + nbsp + "€", "€12.34", "12.34 EUR"},
		{"three digits", EUR(99999), "999,99" + nbsp + "€", "€999.99", "999.99 EUR"},
		{"thousands", EUR(123456), "1" + nnbsp + "234,56" + nbsp + "€", "€1,234.56", "1234.56 EUR"},
		{"millions", EUR(123456789), "1" + nnbsp + "234" + nnbsp + "567,89" + nbsp + "€", "€1,234,567.89", "1234567.89 EUR"},
		{"exact thousand", EUR(100000), "1" + nnbsp + "000,00" + nbsp + "€", "€1,000.00", "1000.00 EUR"},
		{"negative", EUR(-123456), "-1" + nnbsp + "234,56" + nbsp + "€", "-€1,234.56", "-1234.56 EUR"},
		{"no currency is euro", Money{Cents: 500}, "5,00" + nbsp + "€", "€5.00", "5.00 EUR"},
		{"other currency", Money{Cents: 150000, Currency: "CHF"}, "1" + nnbsp + "500,00" + nbsp + "CHF", "1,500.00 CHF", "1500.00 CHF"},
		{"largest", EUR(1<<63 - 1), "92" + nnbsp + "233" + nnbsp + "720" + nnbsp + "368" + nnbsp + "547" + nnbsp + "758,07" + nbsp + "€", "€92,233,720,368,547,758.07", "92233720368547758.07 EUR"},
		{"smallest", EUR(-1 << 63), "-92" + nnbsp + "233" + nnbsp + "720" + nnbsp + "368" + nnbsp + "547" + nnbsp + "758,08" + nbsp + "€", "-€92,233,720,368,547,758.08", "-92233720368547758.08 EUR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.French(); got != tt.fr {
				t.Errorf("French() = %q, want %q", got, tt.fr)
			}
			if got := tt.m.Format("fr"); got != tt.fr {
				t.Errorf(`Format("fr") = %q, want %q`, got, tt.fr)
			}
			if got := tt.m.Format(""); got != tt.fr {
				t.Errorf(`Format("") = %q, want the French %q`, got, tt.fr)
			}
			if got := tt.m.English(); got != tt.en {
				t.Errorf("English() = %q, want %q", got, tt.en)
			}
			if got := tt.m.Format("en"); got != tt.en {
				t.Errorf(`Format("en") = %q, want %q`, got, tt.en)
			}
			if got := tt.m.String(); got != tt.plain {
				t.Errorf("String() = %q, want %q", got, tt.plain)
			}
		})
	}
}

func TestMoneyFrenchSpaces(t *testing.T) {
	// Ordinary spaces would let a mail client break "1 234,56 €" across lines.
	s := EUR(123456).French()
	if strings.Contains(s, " ") {
		t.Errorf("%q contains an ordinary space", s)
	}
	if !strings.Contains(s, "1\u202f234") || !strings.HasSuffix(s, "\u00a0€") {
		t.Errorf("%q: want U+202F between thousands and U+00A0 before €", s)
	}
}

func TestMoneyIsZero(t *testing.T) {
	for _, tt := range []struct {
		m    Money
		want bool
	}{{EUR(0), true}, {Money{}, true}, {Money{Cents: 0, Currency: "USD"}, true}, {EUR(1), false}, {EUR(-1), false}} {
		if got := tt.m.IsZero(); got != tt.want {
			t.Errorf("%v.IsZero() = %v, want %v", tt.m, got, tt.want)
		}
	}
}

func TestParseCents(t *testing.T) {
	good := []struct {
		in   string
		want int64
	}{
		{"12,34", 1234},
		{"12.34", 1234},
		{"12", 1200},
		{"0", 0},
		{"0,00", 0},
		{"12,3", 1230},
		{"12,05", 1205},
		{",5", 50},
		{".05", 5},
		{"007", 700},
		{"  12,34  ", 1234},
		{"1 234,5", 123450},
		{"1\u202f234,56", 123456},
		{"1\u00a0234,56", 123456},
		{"12,34 €", 1234},
		{"12,34\u00a0€", 1234},
		{"€12.34", 1234},
		{"1 234 567,89", 123456789},
		{"11258999068426,24", 1125899906842624},
	}
	for _, tt := range good {
		t.Run("ok "+tt.in, func(t *testing.T) {
			got, err := ParseCents(tt.in)
			if err != nil {
				t.Fatalf("ParseCents(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseCents(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
	bad := []struct {
		in, why string
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"€", "empty"},
		{"12,345", "two decimals"},
		{"12.", "two decimals"},
		{",", "two decimals"},
		{"1,234.56", "two decimals"}, // English thousands: refused, never read as 1,23
		{"1.234,56", "two decimals"}, // German thousands: refused
		{"1.2.3", "two decimals"},
		{"-5", "not a number"},
		{"+5", "not a number"},
		{"-0,50", "not a number"},
		{"12a", "not a number"},
		{"douze", "not a number"},
		{"1e3", "not a number"},
		{"0x10", "not a number"},
		{"12\t34", "not a number"},
		{"١٢", "not a number"}, // Arabic-Indic digits
		{"99999999999999999999", "too large"},
		{"1125899906842625", "too large"}, // just over 2^50 euros
	}
	for _, tt := range bad {
		t.Run("bad "+tt.in, func(t *testing.T) {
			got, err := ParseCents(tt.in)
			if err == nil {
				t.Fatalf("ParseCents(%q) = %d, want an error (%s)", tt.in, got, tt.why)
			}
			if !strings.Contains(err.Error(), tt.why) {
				t.Errorf("ParseCents(%q) error %q does not say %q", tt.in, err, tt.why)
			}
			if !strings.Contains(err.Error(), strconv.Quote(tt.in)) {
				t.Errorf("ParseCents(%q) error %q does not quote the input", tt.in, err)
			}
		})
	}
}

// ParseCents reads back what French() and String() write.
func TestParseCentsRoundTrip(t *testing.T) {
	for _, c := range []int64{0, 1, 10, 99, 100, 1234, 100000, 123456789, 112589990684262400} {
		for _, s := range []string{EUR(c).French(), EUR(c).String()[:len(EUR(c).String())-len(" EUR")]} {
			got, err := ParseCents(s)
			if err != nil || got != c {
				t.Errorf("ParseCents(%q) = %d, %v; want %d", s, got, err, c)
			}
		}
	}
}
