package order

import (
	"strings"
	"testing"
)

func TestPaybackMethodValid(t *testing.T) {
	for _, m := range []PaybackMethod{PaybackBankTransfer, PaybackCheque, PaybackStoreCredit} {
		if !m.Valid() {
			t.Errorf("%s is a payback method", m)
		}
	}
	for _, m := range []PaybackMethod{"", "paypal", "card", "Cheque"} {
		if m.Valid() {
			t.Errorf("%q is not a payback method", m)
		}
	}
}

// What an agent may record as the way the customer is paid back, and the
// field named when it cannot be carried out.
func TestPaybackValidate(t *testing.T) {
	typed := Address{Name: "Camille Martin", Line1: "1 rue Neuve", PostalCode: "33000", City: "Bordeaux"}
	tests := []struct {
		name      string
		p         Payback
		field     string
		fragments []string
	}{
		{name: "transfer", p: Payback{Method: PaybackBankTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 189", AccountName: "Camille Martin"}},
		{name: "transfer, IBAN in its electronic form", p: Payback{Method: PaybackBankTransfer, IBAN: "FR7630006000011234567890189", AccountName: "Camille Martin"}},
		{name: "cheque to the billing address", p: Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: AddressBilling}}},
		{name: "cheque to the delivery address", p: Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: AddressDelivery}}},
		{name: "cheque to a typed address", p: Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: AddressTyped, Typed: typed}}},
		{name: "voucher", p: Payback{Method: PaybackStoreCredit}},
		{name: "IBAN with a wrong check digit", p: Payback{Method: PaybackBankTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 188", AccountName: "C"}, field: "iban"},
		{name: "no IBAN", p: Payback{Method: PaybackBankTransfer, AccountName: "Camille Martin"}, field: "iban"},
		{name: "no account holder", p: Payback{Method: PaybackBankTransfer, IBAN: "FR7630006000011234567890189", AccountName: "  "}, field: "account_name", fragments: []string{"holder"}},
		{name: "cheque, no address chosen", p: Payback{Method: PaybackCheque}, field: "address", fragments: []string{"billing, delivery or typed"}},
		{name: "cheque, an unknown choice", p: Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: "other"}}, field: "address"},
		{name: "cheque, typed address empty", p: Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: AddressTyped}}, field: "typed_address"},
		{name: "cheque, typed address without a city", p: Payback{Method: PaybackCheque, Cheque: ChequeAddress{Choice: AddressTyped, Typed: Address{Name: "X", Line1: "1 rue", PostalCode: "75011", City: " "}}},
			field: "typed_address", fragments: []string{"a name, a street, a postal code and a city"}},
		{name: "unknown method", p: Payback{Method: "bitcoin"}, field: "method", fragments: []string{"bitcoin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
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

// Where a cheque goes: the order's address as the order has it, or the
// typed one, in France unless it says otherwise.
func TestChequeAddressResolve(t *testing.T) {
	lyon := Address{Name: "Camille Martin", Line1: "Relais Colis, 3 place du Marché", PostalCode: "69002", City: "Lyon"}
	tests := []struct {
		name  string
		c     ChequeAddress
		want  Address
		field string
	}{
		{name: "billing", c: ChequeAddress{Choice: AddressBilling}, want: paris},
		{name: "delivery, as the order has it", c: ChequeAddress{Choice: AddressDelivery}, want: lyon},
		{name: "typed, in France by default", c: ChequeAddress{Choice: AddressTyped, Typed: Address{Name: "C. Martin", Line1: "1 rue Neuve", PostalCode: "33000", City: "Bordeaux"}},
			want: Address{Name: "C. Martin", Line1: "1 rue Neuve", PostalCode: "33000", City: "Bordeaux", Country: "FR"}},
		{name: "typed, abroad", c: ChequeAddress{Choice: AddressTyped, Typed: Address{Name: "C. Martin", Line1: "Rue Haute 5", Line2: "Boîte 2", PostalCode: "1000", City: "Bruxelles", Country: "BE"}},
			want: Address{Name: "C. Martin", Line1: "Rue Haute 5", Line2: "Boîte 2", PostalCode: "1000", City: "Bruxelles", Country: "BE"}},
		{name: "no choice", c: ChequeAddress{}, field: "address"},
		{name: "typed without a street", c: ChequeAddress{Choice: AddressTyped, Typed: Address{Name: "X", PostalCode: "75011", City: "Paris"}}, field: "typed_address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.Resolve(paris, lyon)
			if tt.field != "" {
				wantFieldError(t, err, tt.field)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Resolve = %+v, %v; want %+v", got, err, tt.want)
			}
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
