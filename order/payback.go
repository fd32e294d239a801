package order

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
)

// PaybackMethod is how money goes back to a customer when the means they
// paid with cannot take it (a refund impossible on their card, a cheque
// cashed): « contacter le client pour savoir comment il souhaite être
// remboursé ». Its values are those of the agent's answer and of the
// customer email's outcome.
type PaybackMethod string

// The payback methods.
const (
	PaybackBankTransfer PaybackMethod = "bank_transfer" // to an IBAN the customer gives
	PaybackCheque       PaybackMethod = "cheque"        // mailed to an address chosen with the customer
	PaybackStoreCredit  PaybackMethod = "store_credit"  // a voucher (« avoir ») for the shop
)

// Valid reports whether p is a known payback method.
func (p PaybackMethod) Valid() bool {
	switch p {
	case PaybackBankTransfer, PaybackCheque, PaybackStoreCredit:
		return true
	}
	return false
}

// Payback is how a customer is paid back, as an agent records it with them:
// the method and what it needs. A transfer needs the IBAN and the account
// holder; a cheque, the address it goes to; a voucher needs nothing of the
// customer (its code comes from the procedure, VoucherCode).
type Payback struct {
	Method PaybackMethod
	// IBAN is as typed; CheckIBAN reads it. AccountName is the holder of
	// the account, as the bank knows them. Both for PaybackBankTransfer.
	// When BankAccount is set, the account was kept by the server under
	// that reference and IBAN is only its masked form (MaskIBAN): the
	// account number travels by reference, never in a procedure's history.
	IBAN        string
	AccountName string
	BankAccount string
	// Cheque is where a PaybackCheque goes.
	Cheque ChequeAddress
}

// Validate refuses a payback that cannot be carried out: an unknown
// method, an IBAN that is not one (CheckIBAN) or a transfer without its
// account holder, a cheque without a usable address. The error is a
// *FieldError naming the field of the agent's answer: iban, account_name,
// address or typed_address (method for an unknown method).
func (p Payback) Validate() error {
	switch p.Method {
	case PaybackBankTransfer:
		if p.BankAccount == "" {
			if _, err := CheckIBAN(p.IBAN); err != nil {
				return err
			}
		}
		if strings.TrimSpace(p.AccountName) == "" {
			return Refuse("account_name", "refusal.account_holder_name")
		}
		return nil
	case PaybackCheque:
		return p.Cheque.Validate()
	case PaybackStoreCredit:
		return nil
	}
	return Refuse("method", "refusal.payback_method_unknown", locale.Text(string(p.Method)))
}

// AddressChoice says which address a cheque goes to: « choisir l'adresse à
// laquelle le chèque sera envoyé (après avoir consulté le client) ».
type AddressChoice string

// The address choices.
const (
	AddressBilling  AddressChoice = "billing"
	AddressDelivery AddressChoice = "delivery"
	AddressTyped    AddressChoice = "typed" // another address, typed by the agent
)

// ChequeAddress is where a cheque goes: the order's billing or delivery
// address, or an address typed by the agent (Typed).
type ChequeAddress struct {
	Choice AddressChoice
	Typed  Address // for AddressTyped
}

// Validate refuses a choice that is none of the three (field "address"),
// and a typed address without a name, a street, a postal code or a city
// (field "typed_address").
func (c ChequeAddress) Validate() error {
	switch c.Choice {
	case AddressBilling, AddressDelivery:
		return nil
	case AddressTyped:
		t := c.Typed
		if strings.TrimSpace(t.Name) == "" || strings.TrimSpace(t.Line1) == "" || strings.TrimSpace(t.PostalCode) == "" || strings.TrimSpace(t.City) == "" {
			return Refuse("typed_address", "refusal.cheque_address_incomplete")
		}
		return nil
	}
	return Refuse("address", "refusal.cheque_address_choice")
}

// Resolve is the address the cheque goes to: the order's billing or
// delivery address as the order has it, or the typed one, in France when
// it names no country. The address is used as written (not normalized):
// it is what the cheque's request and its letter were made with.
func (c ChequeAddress) Resolve(billing, delivery Address) (Address, error) {
	if err := c.Validate(); err != nil {
		return Address{}, err
	}
	switch c.Choice {
	case AddressBilling:
		return billing, nil
	case AddressDelivery:
		return delivery, nil
	}
	a := c.Typed
	if a.Country == "" {
		a.Country = "FR"
	}
	return a, nil
}

// voucherAlphabet has no 0/O, 1/I/L or U, so a code read over the phone
// is typed right.
const voucherAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// VoucherCode derives the code of a voucher (PaybackStoreCredit) from seed,
// the procedure's key: a retried step gets the same code, two procedures
// different ones. "AVOIR-" and two groups of four characters, the last one
// a check character so a mistyped code is caught (CheckVoucherCode).
func VoucherCode(seed string) string {
	sum := sha256.Sum256([]byte("orderdesk voucher\x00" + seed))
	n := binary.BigEndian.Uint64(sum[:8])
	var body [7]byte
	for i := range body {
		body[i] = voucherAlphabet[n%uint64(len(voucherAlphabet))]
		n /= uint64(len(voucherAlphabet))
	}
	code := string(body[:]) + string(voucherCheck(string(body[:])))
	return "AVOIR-" + code[:4] + "-" + code[4:]
}

// voucherCheck is a weighted sum of the characters' positions in the
// alphabet, which catches one wrong character and most swaps.
func voucherCheck(body string) byte {
	var sum int
	for i := 0; i < len(body); i++ {
		sum += (i + 1) * strings.IndexByte(voucherAlphabet, body[i])
	}
	return voucherAlphabet[sum%len(voucherAlphabet)]
}

// CheckVoucherCode reads a code typed by a person (any case, spaces or
// dashes anywhere) and returns it in its printed form, or an error on
// "voucher_code".
func CheckVoucherCode(s string) (string, error) {
	t := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	t = strings.TrimPrefix(t, "AVOIR")
	if len(t) != 8 {
		return "", Refuse("voucher_code", "refusal.voucher_format", locale.Text(s))
	}
	for i := 0; i < len(t); i++ {
		if strings.IndexByte(voucherAlphabet, t[i]) < 0 {
			return "", Refuse("voucher_code", "refusal.voucher_character", locale.Text(string(t[i])))
		}
	}
	if voucherCheck(t[:7]) != t[7] {
		return "", Refuse("voucher_code", "refusal.voucher_check", locale.Text(s))
	}
	return "AVOIR-" + t[:4] + "-" + t[4:], nil
}

// The address of a letter (a cheque, an invoice): what an order's address
// and a typed one are checked and printed with.

// Normalized trims every part and gives an address without a country the
// default, FR.
func (a Address) Normalized() Address {
	a.Name, a.Line1, a.Line2 = strings.TrimSpace(a.Name), strings.TrimSpace(a.Line1), strings.TrimSpace(a.Line2)
	a.PostalCode, a.City = strings.TrimSpace(a.PostalCode), strings.TrimSpace(a.City)
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	if a.Country == "" {
		a.Country = "FR"
	}
	return a
}

// IsZero reports whether nothing of the address is filled in.
func (a Address) IsZero() bool { return a.Normalized() == Address{Country: "FR"} }

// Check refuses an address a letter cannot be sent to: a name, a street,
// a postal code (five digits in France) and a city are required. field is
// the prefix of the error's field, e.g. "cheque_address.address".
func (a Address) Check(field string) error {
	a = a.Normalized()
	switch {
	case a.IsZero():
		return Refuse(field, "refusal.address_empty")
	case a.Name == "":
		return Refuse(field+".name", "refusal.address_name_missing")
	case a.Line1 == "":
		return Refuse(field+".line1", "refusal.address_street_missing")
	case a.PostalCode == "":
		return Refuse(field+".postal_code", "refusal.address_postal_code_missing")
	case a.City == "":
		return Refuse(field+".city", "refusal.address_city_missing")
	case len(a.Country) != 2 || !isUpperLetters(a.Country):
		return Refuse(field+".country", "refusal.address_country_code", locale.Text(a.Country))
	case a.Country == "FR" && !fivedigits(a.Postal()):
		return Refuse(field+".postal_code", "refusal.address_french_postal_code", locale.Text(a.PostalCode))
	}
	return nil
}

// Postal is the postal code without spaces.
func (a Address) Postal() string { return strings.ReplaceAll(strings.TrimSpace(a.PostalCode), " ", "") }

func fivedigits(s string) bool {
	if len(s) != 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Lines is the address as printed on an envelope, one part a line; the
// country is printed only outside France.
func (a Address) Lines() []string {
	a = a.Normalized()
	var out []string
	for _, s := range []string{a.Name, a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City)} {
		if s != "" {
			out = append(out, s)
		}
	}
	if a.Country != "FR" {
		out = append(out, a.Country)
	}
	return out
}
