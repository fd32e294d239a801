package order

import "testing"

func TestCheckIBANAcceptsValidIBANs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"},
		{"fr7630006000011234567890189", "FR7630006000011234567890189"},
		{"FR14-2004-1010-0505-0001-3M02-606", "FR1420041010050500013M02606"},
		{"DE89 3704 0044 0532 0130 00", "DE89370400440532013000"},
		{"  de89370400440532013000 ", "DE89370400440532013000"},
		{"BE68 5390 0754 7034", "BE68539007547034"},
		{"ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332"},
		{"IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456"},
		{"NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"},
		{"GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"},
		{"LU28 0019 4006 4475 0000", "LU280019400644750000"},
		{"CH93 0076 2011 6238 5295 7", "CH9300762011623852957"},
		{"PT50 0002 0123 1234 5678 9015 4", "PT50000201231234567890154"},
		{"MC58 1122 2000 0101 2345 6789 030", "MC5811222000010123456789030"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := CheckIBAN(tc.in)
			if err != nil {
				t.Fatalf("CheckIBAN(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("CheckIBAN(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCheckIBANRefusesTypos(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		says     []string
	}{
		{"empty", "   ", []string{"empty"}},
		{"three characters", "FR7", []string{"too short"}},
		{"one digit missing", "FR76 3000 6000 0112 3456 7890 18", []string{"too short", "FR IBANs have 27", "has 26"}},
		{"one digit too many", "DE89 3704 0044 0532 0130 001", []string{"too long", "DE IBANs have 22"}},
		{"one digit changed", "FR76 3000 6000 0112 3456 7890 188", []string{"checksum"}},
		{"two digits swapped", "DE89 3704 0044 0532 0103 00", []string{"checksum"}},
		{"wrong check digits", "DE88 3704 0044 0532 0130 00", []string{"checksum"}},
		{"unknown country", "XX89 3704 0044 0532 0130 00", []string{"country", "XX"}},
		{"no country", "7630006000011234567890189", []string{"country code"}},
		{"letters as check digits", "FRAB30006000011234567890189", []string{"check digits"}},
		{"punctuation", "FR76.3000.6000.0112.3456.7890.189", []string{`"."`, "letters and digits"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckIBAN(tc.in)
			if err == nil {
				t.Fatalf("CheckIBAN(%q) = %q, want an error", tc.in, got)
			}
			wantFieldError(t, err, "iban", tc.says...)
		})
	}
}

func TestFormatIBAN(t *testing.T) {
	if got, want := FormatIBAN("FR7630006000011234567890189"), "FR76 3000 6000 0112 3456 7890 189"; got != want {
		t.Errorf("FormatIBAN = %q, want %q", got, want)
	}
}

// FuzzCheckIBAN holds two properties on any input: a normalized IBAN is
// accepted again unchanged, and changing any one of its digits breaks the
// checksum (mod 97 catches every single-digit error).
func FuzzCheckIBAN(f *testing.F) {
	f.Add("FR76 3000 6000 0112 3456 7890 189", 5)
	f.Add("DE89370400440532013000", 10)
	f.Fuzz(func(t *testing.T, s string, pos int) {
		n, err := CheckIBAN(s)
		if err != nil {
			return
		}
		again, err := CheckIBAN(n)
		if err != nil || again != n {
			t.Fatalf("CheckIBAN(%q) = %q, %v; want it unchanged", n, again, err)
		}
		if pos < 0 {
			pos = -pos
		}
		i := 4 + pos%(len(n)-4)
		if n[i] < '0' || n[i] > '9' {
			return
		}
		typo := []byte(n)
		typo[i] = '0' + (typo[i]-'0'+1)%10
		if _, err := CheckIBAN(string(typo)); err == nil {
			t.Fatalf("CheckIBAN(%q) accepted a one-digit typo of %q", typo, n)
		}
	})
}
