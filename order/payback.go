package order

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// PaybackMethod is how a customer is paid back when the refund on their
// means of payment is impossible ("Contacter le client pour
// savoir comment il souhaite être remboursé").
type PaybackMethod string

// The payback methods.
const (
	PaybackBankTransfer PaybackMethod = "bank_transfer" // to an IBAN the customer gives
	PaybackCheque       PaybackMethod = "cheque"        // mailed to an address chosen with the customer
	PaybackStoreCredit  PaybackMethod = "store_credit"  // a voucher ("avoir") for the shop
)

// PaybackMethods lists every payback method, in the order a form offers them.
var PaybackMethods = []PaybackMethod{PaybackBankTransfer, PaybackCheque, PaybackStoreCredit}

var paybackLabels = map[PaybackMethod][2]string{
	PaybackBankTransfer: {"Virement bancaire", "Bank transfer"},
	PaybackCheque:       {"Chèque", "Cheque"},
	PaybackStoreCredit:  {"Avoir (bon d'achat)", "Store credit"},
}

// Label is the method as an agent or a customer reads it.
func (p PaybackMethod) Label(locale string) string { return label(paybackLabels[p], locale, string(p)) }

// Valid reports whether p is a known payback method.
func (p PaybackMethod) Valid() bool { _, ok := paybackLabels[p]; return ok }

// AddressChoice says which address a refund cheque goes to.
type AddressChoice string

// The address choices of the modify-content procedure: "Choisir l'adresse à laquelle le chèque
// sera envoyé (après avoir consulté le client)".
const (
	AddressBilling  AddressChoice = "billing"
	AddressDelivery AddressChoice = "delivery"
	AddressTyped    AddressChoice = "typed" // another address, typed by the agent
)

var addressLabels = map[AddressChoice][2]string{
	AddressBilling:  {"Adresse de facturation", "Billing address"},
	AddressDelivery: {"Adresse de livraison", "Delivery address"},
	AddressTyped:    {"Autre adresse", "Another address"},
}

// Label is the choice as an agent reads it.
func (c AddressChoice) Label(locale string) string { return label(addressLabels[c], locale, string(c)) }

// ChequeAddress is where a refund cheque is mailed: the order's billing or
// delivery address, or an address typed by the agent.
type ChequeAddress struct {
	Choice  AddressChoice `json:"choice"`
	Address Address       `json:"address,omitempty"` // for AddressTyped
}

// Validate checks the choice on its own: a known choice, and for a typed
// address every part a letter needs. Errors name the field
// ("cheque_address.address.postal_code").
func (c ChequeAddress) Validate() error {
	switch c.Choice {
	case AddressBilling, AddressDelivery:
		return nil
	case AddressTyped:
		return c.Address.Check("cheque_address.address")
	}
	return Fieldf("cheque_address.choice", "choose the billing, delivery or another address, got %q", c.Choice)
}

// Resolve returns the address the cheque goes to for order o, refusing an
// order address that could not carry a letter.
func (c ChequeAddress) Resolve(o Order) (Address, error) {
	if err := c.Validate(); err != nil {
		return Address{}, err
	}
	var a Address
	switch c.Choice {
	case AddressBilling:
		a = o.Billing
	case AddressDelivery:
		a = o.Delivery
	default:
		a = c.Address
	}
	a = a.Normalized()
	if err := a.Check("cheque_address"); err != nil {
		var fe *FieldError
		if c.Choice != AddressTyped && errors.As(err, &fe) {
			return Address{}, Fieldf("cheque_address.choice", "the %s of order %s is incomplete (%s): type the address", strings.ToLower(c.Choice.Label("en")), o.Number, fe)
		}
		return Address{}, err
	}
	return a, nil
}

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
		return Fieldf(field, "the address is empty")
	case a.Name == "":
		return Fieldf(field+".name", "say who the letter is for")
	case a.Line1 == "":
		return Fieldf(field+".line1", "the street is empty")
	case a.PostalCode == "":
		return Fieldf(field+".postal_code", "the postal code is empty")
	case a.City == "":
		return Fieldf(field+".city", "the city is empty")
	case len(a.Country) != 2 || !isUpperLetters(a.Country):
		return Fieldf(field+".country", "use a two-letter country code such as FR, got %q", a.Country)
	case a.Country == "FR" && !fivedigits(a.Postal()):
		return Fieldf(field+".postal_code", "a French postal code has five digits, got %q", a.PostalCode)
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

// Payback is how the customer asked to be paid back, recorded by the agent
// when the refund on the means of payment is impossible.
type Payback struct {
	Method PaybackMethod `json:"method"`
	// IBAN and Holder are for PaybackBankTransfer.
	IBAN   string `json:"iban,omitempty"`
	Holder string `json:"holder,omitempty"`
	// Cheque is for PaybackCheque.
	Cheque ChequeAddress `json:"cheque_address,omitempty"`
}

// Validate checks the choice against the order: a known method, a valid
// IBAN (mod-97) and a holder for a transfer, a usable address for a cheque.
func (p Payback) Validate(o Order) error {
	switch p.Method {
	case PaybackBankTransfer:
		if _, err := CheckIBAN(p.IBAN); err != nil {
			return err
		}
		if strings.TrimSpace(p.Holder) == "" {
			return Fieldf("holder", "say whose account it is")
		}
		return nil
	case PaybackCheque:
		_, err := p.Cheque.Resolve(o)
		return err
	case PaybackStoreCredit:
		return nil
	}
	return Fieldf("method", "choose bank_transfer, cheque or store_credit, got %q", p.Method)
}

// StoreCredit is a voucher ("avoir") the customer spends in the shop.
type StoreCredit struct {
	Code   string `json:"code"` // e.g. AVOIR-7K3P-9QX2
	Amount int64  `json:"amount_cents"`
}

// voucherAlphabet has no 0/O, 1/I/L or U, so a code read over the phone
// is typed right.
const voucherAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewStoreCredit gives a voucher of amount whose code derives from seed
// (the workflow id): a retried step gets the same code, two procedures
// different ones.
func NewStoreCredit(seed string, amount int64) StoreCredit {
	return StoreCredit{Code: VoucherCode(seed), Amount: amount}
}

// VoucherCode derives a voucher code from seed: "AVOIR-" and two groups of
// four characters, the last one a check character so a mistyped code is
// caught (CheckVoucherCode).
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
		return "", Fieldf("voucher_code", "a voucher code reads AVOIR-XXXX-XXXX, got %q", s)
	}
	for i := 0; i < len(t); i++ {
		if strings.IndexByte(voucherAlphabet, t[i]) < 0 {
			return "", Fieldf("voucher_code", "%q is not a character of a voucher code", t[i])
		}
	}
	if voucherCheck(t[:7]) != t[7] {
		return "", Fieldf("voucher_code", "code %q is mistyped: its check character does not match", s)
	}
	return "AVOIR-" + t[:4] + "-" + t[4:], nil
}

// String is the voucher for logs and history: "AVOIR-7K3P-9QX2 (25.00 EUR)".
func (s StoreCredit) String() string { return fmt.Sprintf("%s (%s)", s.Code, EUR(s.Amount)) }
