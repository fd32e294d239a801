package order

import (
	"strings"
	"testing"
)

var paris = Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "75011", City: "Paris", Country: "FR"}

func TestAddressLines(t *testing.T) {
	if got := strings.Join(paris.Lines(), "|"); got != "Camille Martin|12 rue des Lilas|75011 Paris" {
		t.Errorf("Lines = %q", got)
	}
	be := Address{Name: "C. Martin", Line1: "Rue Haute 5", Line2: "Boîte 2", PostalCode: "1000", City: "Bruxelles", Country: "BE"}
	if got := strings.Join(be.Lines(), "|"); got != "C. Martin|Rue Haute 5|Boîte 2|1000 Bruxelles|BE" {
		t.Errorf("Lines = %q", got)
	}
}

// An address a letter can be sent to, and the part named when it cannot.
func TestAddressCheck(t *testing.T) {
	tests := []struct {
		name      string
		a         Address
		field     string
		fragments []string
	}{
		{name: "complete", a: paris},
		{name: "trimmed, no country: France", a: Address{Name: " Camille Martin ", Line1: "1 rue Neuve", PostalCode: "33000", City: " Bordeaux"}},
		{name: "abroad, lower-case country", a: Address{Name: "C. Martin", Line1: "Rue Haute 5", PostalCode: "1000", City: "Bruxelles", Country: "be"}},
		{name: "empty", a: Address{}, field: "letter", fragments: []string{"empty"}},
		{name: "no name", a: Address{Line1: "1 rue", PostalCode: "75011", City: "Paris"}, field: "letter.name"},
		{name: "no street", a: Address{Name: "X", PostalCode: "75011", City: "Paris"}, field: "letter.line1"},
		{name: "no postal code", a: Address{Name: "X", Line1: "1 rue", City: "Paris"}, field: "letter.postal_code"},
		{name: "no city", a: Address{Name: "X", Line1: "1 rue", PostalCode: "75011"}, field: "letter.city"},
		{name: "French postal code of four digits", a: Address{Name: "X", Line1: "1 rue", PostalCode: "7501", City: "Paris"}, field: "letter.postal_code", fragments: []string{"five digits"}},
		{name: "country of three letters", a: Address{Name: "X", Line1: "1 rue", PostalCode: "1000", City: "Bruxelles", Country: "BEL"}, field: "letter.country"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.a.Check("letter")
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantFieldError(t, err, tt.field, tt.fragments...)
		})
	}
}

func TestAddressNormalized(t *testing.T) {
	got := Address{Name: " Camille Martin ", Line1: " 1 rue Neuve", PostalCode: "33000 ", City: " Bordeaux", Country: " be "}.Normalized()
	want := Address{Name: "Camille Martin", Line1: "1 rue Neuve", PostalCode: "33000", City: "Bordeaux", Country: "BE"}
	if got != want {
		t.Errorf("Normalized = %+v, want %+v", got, want)
	}
	if (Address{}).Normalized().Country != "FR" || !(Address{Country: " fr"}).IsZero() || paris.IsZero() {
		t.Error("an address without a country is in France, and one with nothing else is empty")
	}
}
