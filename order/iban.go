package order

import (
	"strings"
	"unicode"

	"github.com/orderdesk/orderdesk/locale"
)

// ibanLengths is the length of an IBAN per country (ISO 13616 registry):
// the countries a French shop's customers bank in. A country missing here is
// refused rather than guessed, because a wrong length is the commonest typo
// and only the registry length catches it before money leaves.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
	"GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
	"LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
	"NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "VA": 22,
}

// CheckIBAN checks an IBAN typed by an agent or a customer (ISO 13616) and
// returns it in its electronic form: no spaces, upper case
// ("FR7630006000011234567890189"). It checks the country, the length that
// country's IBANs have and the mod-97 check digits, so a typo is caught
// before a bank transfer is sent to a stranger's account. Errors are a
// *FieldError on "iban" that says what is wrong.
func CheckIBAN(s string) (normalized string, err error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '-':
			// People copy IBANs grouped by four, with spaces or dashes.
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", Refuse("iban", "refusal.iban_character", locale.Text(string(r)))
		}
	}
	n := b.String()
	if n == "" {
		return "", Refuse("iban", "refusal.iban_empty")
	}
	if len(n) < 4 {
		return "", Refuse("iban", "refusal.iban_too_short_start", locale.Count(len(n)))
	}
	country := n[:2]
	if !isUpperLetters(country) {
		return "", Refuse("iban", "refusal.iban_country_code", locale.Text(country))
	}
	want, ok := ibanLengths[country]
	if !ok {
		return "", Refuse("iban", "refusal.iban_country_unknown", locale.Text(country))
	}
	if n[2] < '0' || n[2] > '9' || n[3] < '0' || n[3] > '9' {
		return "", Refuse("iban", "refusal.iban_check_digits", locale.Text(n[2:4]))
	}
	switch {
	case len(n) < want:
		return "", Refuse("iban", "refusal.iban_too_short", locale.Text(country), locale.Count(want), locale.Count(len(n)))
	case len(n) > want:
		return "", Refuse("iban", "refusal.iban_too_long", locale.Text(country), locale.Count(want), locale.Count(len(n)))
	}
	if ibanMod97(n) != 1 {
		return "", Refuse("iban", "refusal.iban_checksum")
	}
	return n, nil
}

// FormatIBAN groups a normalized IBAN by four characters, the way it is
// printed on a bank statement (RIB) and the way a customer reads it back.
func FormatIBAN(normalized string) string {
	var b strings.Builder
	for i, r := range normalized {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ibanMod97 computes the ISO 7064 mod-97 of an IBAN: the first four
// characters move to the end, letters count as 10..35, and the remainder is
// carried digit by digit so no big integer is needed.
func ibanMod97(n string) int {
	rem := 0
	for _, r := range n[4:] + n[:4] {
		if r >= 'A' && r <= 'Z' {
			v := int(r-'A') + 10
			rem = (rem*100 + v) % 97
		} else {
			rem = (rem*10 + int(r-'0')) % 97
		}
	}
	return rem
}

func isUpperLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// MaskIBAN shows an account the way a customer recognises it without
// exposing it: "FR76 **** **** 1234". An IBAN already masked is kept.
func MaskIBAN(iban string) string {
	if strings.Contains(iban, "*") {
		return strings.TrimSpace(iban)
	}
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(iban))
	if len(s) < 8 {
		return "****"
	}
	return s[:4] + " **** **** " + s[len(s)-4:]
}
