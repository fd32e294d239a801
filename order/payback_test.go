package order

import (
	"strings"
	"testing"
)

var paris = Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "75011", City: "Paris", Country: "FR"}

func TestPaybackMethodLabels(t *testing.T) {
	for _, m := range PaybackMethods {
		if !m.Valid() || m.Label("fr") == string(m) || m.Label("en") == string(m) {
			t.Errorf("%s: labels %q / %q", m, m.Label("fr"), m.Label("en"))
		}
	}
	if PaybackStoreCredit.Label("fr") != "Avoir (bon d'achat)" || PaybackBankTransfer.Label("fr") != "Virement bancaire" {
		t.Error("French labels changed")
	}
	if PaybackMethod("paypal").Valid() {
		t.Error("paypal is not a payback method")
	}
}

func TestChequeAddress(t *testing.T) {
	o := sampleOrder()
	o.Billing = paris
	o.Delivery = Address{Name: "Camille Martin", Line1: "Relais Colis, 3 place du Marché", PostalCode: "69002", City: "Lyon"}
	tests := []struct {
		name      string
		c         ChequeAddress
		edit      func(*Order)
		want      Address
		field     string
		fragments []string
	}{
		{name: "billing", c: ChequeAddress{Choice: AddressBilling}, want: paris},
		{name: "delivery gets FR", c: ChequeAddress{Choice: AddressDelivery}, want: Address{Name: "Camille Martin", Line1: "Relais Colis, 3 place du Marché", PostalCode: "69002", City: "Lyon", Country: "FR"}},
		{name: "typed, trimmed", c: ChequeAddress{Choice: AddressTyped, Address: Address{Name: " Camille Martin ", Line1: "1 rue Neuve", PostalCode: "33000", City: " Bordeaux"}},
			want: Address{Name: "Camille Martin", Line1: "1 rue Neuve", PostalCode: "33000", City: "Bordeaux", Country: "FR"}},
		{name: "typed, abroad", c: ChequeAddress{Choice: AddressTyped, Address: Address{Name: "C. Martin", Line1: "Rue Haute 5", PostalCode: "1000", City: "Bruxelles", Country: "be"}},
			want: Address{Name: "C. Martin", Line1: "Rue Haute 5", PostalCode: "1000", City: "Bruxelles", Country: "BE"}},
		{name: "no choice", c: ChequeAddress{}, field: "cheque_address.choice", fragments: []string{"billing, delivery"}},
		{name: "empty typed address", c: ChequeAddress{Choice: AddressTyped}, field: "cheque_address.address", fragments: []string{"empty"}},
		{name: "typed without street", c: ChequeAddress{Choice: AddressTyped, Address: Address{Name: "X", PostalCode: "75011", City: "Paris"}}, field: "cheque_address.address.line1"},
		{name: "typed without name", c: ChequeAddress{Choice: AddressTyped, Address: Address{Line1: "1 rue", PostalCode: "75011", City: "Paris"}}, field: "cheque_address.address.name"},
		{name: "typed without postal code", c: ChequeAddress{Choice: AddressTyped, Address: Address{Name: "X", Line1: "1 rue", City: "Paris"}}, field: "cheque_address.address.postal_code"},
		{name: "typed without city", c: ChequeAddress{Choice: AddressTyped, Address: Address{Name: "X", Line1: "1 rue", PostalCode: "75011"}}, field: "cheque_address.address.city"},
		{name: "French postal code of four digits", c: ChequeAddress{Choice: AddressTyped, Address: Address{Name: "X", Line1: "1 rue", PostalCode: "7501", City: "Paris"}},
			field: "cheque_address.address.postal_code", fragments: []string{"five digits"}},
		{name: "incomplete billing address", c: ChequeAddress{Choice: AddressBilling}, edit: func(o *Order) { o.Billing = Address{} },
			field: "cheque_address.choice", fragments: []string{"billing address", "C-2026-000123", "incomplete", "type the address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := o
			if tt.edit != nil {
				tt.edit(&o)
			}
			got, err := tt.c.Resolve(o)
			if tt.field != "" {
				wantFieldError(t, err, tt.field, tt.fragments...)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Resolve = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestAddressLines(t *testing.T) {
	if got := strings.Join(paris.Lines(), "|"); got != "Camille Martin|12 rue des Lilas|75011 Paris" {
		t.Errorf("Lines = %q", got)
	}
	be := Address{Name: "C. Martin", Line1: "Rue Haute 5", Line2: "Boîte 2", PostalCode: "1000", City: "Bruxelles", Country: "BE"}
	if got := strings.Join(be.Lines(), "|"); got != "C. Martin|Rue Haute 5|Boîte 2|1000 Bruxelles|BE" {
		t.Errorf("Lines = %q", got)
	}
}

func TestPaybackValidate(t *testing.T) {
	o := sampleOrder()
	o.Billing = paris
	tests := []struct {
		name  string
		p     Payback
		field string
	}{
		{"transfer", Payback{Method: PaybackBankTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 189", Holder: "Camille Martin"}, ""},
		{"cheque", Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: AddressBilling}}, ""},
		{"store credit", Payback{Method: PaybackStoreCredit}, ""},
		{"bad IBAN", Payback{Method: PaybackBankTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 188", Holder: "C"}, "iban"},
		{"no holder", Payback{Method: PaybackBankTransfer, IBAN: "FR7630006000011234567890189"}, "holder"},
		{"cheque without address", Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: AddressTyped}}, "cheque_address.address"},
		{"unknown method", Payback{Method: "bitcoin"}, "method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate(o)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantFieldError(t, err, tt.field)
		})
	}
}

func TestVoucherCode(t *testing.T) {
	a := VoucherCode("cancel-items/C-2026-000123/req-1")
	if a != VoucherCode("cancel-items/C-2026-000123/req-1") {
		t.Fatal("the code is not deterministic")
	}
	// A fixed value: a change of the derivation would give customers'
	// vouchers new codes on replay.
	if a != "AVOIR-39SP-B7W3" {
		t.Errorf("VoucherCode = %q", a)
	}
	if len(a) != len("AVOIR-7K3P-9QX2") || !strings.HasPrefix(a, "AVOIR-") || a[10] != '-' {
		t.Errorf("VoucherCode = %q, want AVOIR-XXXX-XXXX", a)
	}
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := VoucherCode("modify-content/C-2026-000123/req-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26))
		if seen[c] {
			t.Fatalf("code %s given twice", c)
		}
		seen[c] = true
		if got, err := CheckVoucherCode(strings.ToLower(strings.ReplaceAll(c, "-", " "))); err != nil || got != c {
			t.Fatalf("CheckVoucherCode(%s) = %q, %v", c, got, err)
		}
	}
	if sc := NewStoreCredit("wf", 2500); sc.Code != VoucherCode("wf") || sc.Amount != 2500 || sc.String() != sc.Code+" (25.00 EUR)" {
		t.Errorf("NewStoreCredit = %+v", sc)
	}
}

func TestCheckVoucherCodeRefuses(t *testing.T) {
	good := VoucherCode("wf")
	typo := []byte(good)
	if typo[6] == '2' {
		typo[6] = '3'
	} else {
		typo[6] = '2'
	}
	swap := []byte(good)
	swap[6], swap[7] = swap[7], swap[6]
	for _, s := range []string{"", "AVOIR-", "AVOIR-ABCD-EFG", "AVOIR-0000-0000", string(typo)} {
		if _, err := CheckVoucherCode(s); err == nil {
			t.Errorf("CheckVoucherCode(%q) accepted", s)
		} else {
			wantFieldError(t, err, "voucher_code")
		}
	}
	if swap[6] != swap[7] {
		if _, err := CheckVoucherCode(string(swap)); err == nil {
			t.Errorf("swapped characters %q accepted", swap)
		}
	}
}
