package order

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"regexp"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/textin"
)

// The intake of a new order: what a storefront hands over (the body of
// POST /api/orders) and the rules it must meet before it is written. The
// JSON names of Intake are the API's members, and every refusal names the
// member at fault with them ("lines[1].unit_price_cents").

// Intake is a new order as the storefront took it. Totals are not part of
// it: orderdesk computes them (TotalCents is only checked against them).
// Members a missing value of would silently mean something (a price, a
// quantity, a VAT rate) are pointers, so "missing" is refused rather than
// read as zero.
type Intake struct {
	Number        string              `json:"number"`
	Currency      string              `json:"currency,omitempty"`
	Customer      Customer            `json:"customer"`
	Billing       Address             `json:"billing_address"`
	Delivery      Address             `json:"delivery_address"`
	PaymentMethod PaymentMethod       `json:"payment_method"`
	ShippingRules IntakeShippingRules `json:"shipping_rules"`
	Discount      *Discount           `json:"discount,omitempty"`
	Lines         []IntakeLine        `json:"lines"`
	// Payment is the money already taken by a direct means (card, PayPal…):
	// the order is then paid. Without it the order is new.
	Payment *IntakePayment `json:"payment,omitempty"`
	// TotalCents, when sent, must be the total orderdesk computes.
	TotalCents *int64 `json:"total_cents,omitempty"`
}

// IntakeShippingRules are the shipping rules in force when the order was
// placed, kept with the order for any later recalculation.
type IntakeShippingRules struct {
	Method   string `json:"method"`
	Fee      *int64 `json:"fee_cents"`
	FreeFrom int64  `json:"free_from_cents,omitempty"` // 0: never free
	VATRate  *int64 `json:"vat_rate_bp"`
}

// IntakeLine is one product of the order; prices are tax-inclusive.
type IntakeLine struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	UnitPrice *int64 `json:"unit_price_cents"`
	Quantity  *int64 `json:"quantity"`
	VATRate   *int64 `json:"vat_rate_bp"`
	Physical  *bool  `json:"physical"`
}

// IntakePayment is the payment taken when the order was placed.
type IntakePayment struct {
	Amount    *int64 `json:"amount_cents"`
	Reference string `json:"reference"`
}

// Limits of an order taken in.
const (
	// MaxIntakeLines bounds the lines of one order.
	MaxIntakeLines = 1000
	// MaxOrderTotal bounds what an order's merchandise comes to: one line
	// at MaxUnitPrice × MaxQuantity, 1 000 000 000 000 €. With the
	// shipping fee on top, the VAT split of any rate (gross × 10 000, in
	// Price and SplitVAT) stays within int64; beyond it the net of an
	// order came out negative.
	MaxOrderTotal = MaxUnitPrice * MaxQuantity
	// maxIntakeText bounds every text member, in bytes.
	maxIntakeText = 500
)

// orderNumberRE is what an order number may be: it goes into URLs and
// workflow ids.
var orderNumberRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

var postalFR = regexp.MustCompile(`^[0-9]{5}$`)
var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

// Normalized is the intake with its texts trimmed and its defaults filled
// (EUR, French, France), so that the order as stored and the comparison of
// a repeated POST do not depend on spacing. It shares nothing with in.
func (in Intake) Normalized() Intake {
	in.Number = strings.TrimSpace(in.Number)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Currency == "" {
		in.Currency = DefaultCurrency
	}
	c := &in.Customer
	c.Name, c.Email, c.Phone = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	c.Locale = strings.ToLower(strings.TrimSpace(c.Locale))
	if c.Locale == "" {
		c.Locale = "fr"
	}
	for _, a := range []*Address{&in.Billing, &in.Delivery} {
		a.Name, a.Line1, a.Line2 = strings.TrimSpace(a.Name), strings.TrimSpace(a.Line1), strings.TrimSpace(a.Line2)
		a.PostalCode, a.City = strings.TrimSpace(a.PostalCode), strings.TrimSpace(a.City)
		a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
		if a.Country == "" {
			a.Country = "FR"
		}
	}
	in.PaymentMethod = PaymentMethod(strings.TrimSpace(string(in.PaymentMethod)))
	in.ShippingRules.Method = strings.TrimSpace(in.ShippingRules.Method)
	if in.Discount != nil {
		d := *in.Discount
		d.Code = strings.TrimSpace(d.Code)
		in.Discount = &d
		if d == (Discount{}) {
			in.Discount = nil
		}
	}
	if in.Lines != nil {
		lines := make([]IntakeLine, len(in.Lines))
		for i, l := range in.Lines {
			l.SKU, l.Name = strings.TrimSpace(l.SKU), strings.TrimSpace(l.Name)
			lines[i] = l
		}
		in.Lines = lines
	}
	if in.Payment != nil {
		p := *in.Payment
		p.Reference = strings.TrimSpace(p.Reference)
		in.Payment = &p
	}
	return in
}

// AcceptOrder checks a new order as received and returns the order to
// write: normalized, priced by Price with the shipping fee from its own
// rules, paid when it comes with its payment, new otherwise. Nonsense is
// refused before anything is written, with a *FieldError naming the
// member at fault: no line, a quantity below 1, a negative price, amounts
// whose total would not fit (MaxOrderTotal), a NUL byte or another control
// character in a text, an email without a domain, an unknown currency,
// payment method or VAT rate, a total or payment that is not the one
// orderdesk computes.
func AcceptOrder(received Intake) (Order, error) {
	in := received.Normalized()
	if !orderNumberRE.MatchString(in.Number) {
		return Order{}, Refuse("number", "refusal.intake_number", locale.Text(in.Number))
	}
	if in.Currency != DefaultCurrency {
		return Order{}, Refuse("currency", "refusal.intake_currency", locale.Text(in.Currency))
	}
	if err := checkIntakeCustomer(in.Customer); err != nil {
		return Order{}, err
	}
	if err := checkIntakeAddress("billing_address", in.Billing); err != nil {
		return Order{}, err
	}
	if err := checkIntakeAddress("delivery_address", in.Delivery); err != nil {
		return Order{}, err
	}
	if !in.PaymentMethod.Valid() {
		return Order{}, Refuse("payment_method", "refusal.intake_payment_method", locale.Text(string(in.PaymentMethod)), locale.Text(paymentMethodList()))
	}
	rules, err := in.ShippingRules.check()
	if err != nil {
		return Order{}, err
	}
	var discount Discount
	if in.Discount != nil {
		if err := checkIntakeDiscount(*in.Discount); err != nil {
			return Order{}, err
		}
		discount = *in.Discount
	}
	switch {
	case len(in.Lines) == 0:
		return Order{}, Refuse("lines", "refusal.intake_no_lines")
	case len(in.Lines) > MaxIntakeLines:
		return Order{}, Refuse("lines", "refusal.intake_too_many_lines", locale.Count(MaxIntakeLines), locale.Count(len(in.Lines)))
	}
	lines := make([]Line, len(in.Lines))
	var merchandise int64
	for i, l := range in.Lines {
		if lines[i], err = l.check(fmt.Sprintf("lines[%d]", i)); err != nil {
			return Order{}, err
		}
		// Each line is at most MaxOrderTotal, so the sum cannot wrap
		// before it is caught.
		if merchandise += lines[i].Total(); merchandise > MaxOrderTotal {
			return Order{}, Refuse("lines", "refusal.intake_products_too_much", eur(MaxOrderTotal), locale.Text(fmt.Sprintf("lines[%d]", i)))
		}
	}
	fee := ShippingFee(rules, merchandise)
	totals := Price(lines, discount, fee, rules.VATRate)
	if in.TotalCents != nil && *in.TotalCents != totals.Total {
		return Order{}, Refuse("total_cents", "refusal.intake_total_mismatch",
			eur(totals.Total), eur(totals.Merchandise), eur(totals.Discount), eur(totals.Shipping), eur(*in.TotalCents))
	}
	status := StatusNew
	if p := in.Payment; p != nil {
		switch {
		case !in.PaymentMethod.Direct():
			return Order{}, Refuse("payment", "refusal.intake_payment_not_direct", locale.Text(string(in.PaymentMethod)))
		case p.Amount == nil:
			return Order{}, Refuse("payment.amount_cents", "refusal.intake_payment_amount_missing")
		case *p.Amount != totals.Total:
			return Order{}, Refuse("payment.amount_cents", "refusal.intake_payment_not_total", eur(*p.Amount), eur(totals.Total))
		case *p.Amount <= 0:
			return Order{}, Refuse("payment.amount_cents", "refusal.intake_payment_zero")
		case p.Reference == "":
			return Order{}, Refuse("payment.reference", "refusal.intake_payment_reference")
		}
		if err := checkIntakeText("payment.reference", p.Reference); err != nil {
			return Order{}, err
		}
		status = StatusPaid
	}
	return Order{
		Number: in.Number, Status: status, Logistics: LogisticsAwaitingPrinting,
		PaymentMethod: in.PaymentMethod, Currency: in.Currency,
		Customer: in.Customer, Billing: in.Billing, Delivery: in.Delivery,
		ShippingRules: rules, ShippingFee: fee, Discount: discount,
		Lines: lines, Totals: totals,
	}, nil
}

// checkIntakeText refuses a text PostgreSQL cannot store or a person
// cannot read on one line: not UTF-8, a NUL byte or another control
// character (newline, tab...), or longer than maxIntakeText bytes.
func checkIntakeText(field, v string) error {
	if err := CheckText(field, v, false); err != nil {
		return err
	}
	if len(v) > maxIntakeText {
		return Refuse(field, "refusal.intake_text_too_long", locale.Count(maxIntakeText))
	}
	return nil
}

// CheckText is the check of every text received from outside (the API,
// the webhook, the agent UI's forms, the command line), by textin.Check:
// invalid UTF-8 or a control character (NUL included; newline, carriage
// return and tab allowed when multiline) is refused naming the field.
func CheckText(field, v string, multiline bool) error {
	var te *textin.Error
	if err := textin.Check(v, multiline); errors.As(err, &te) {
		if te.Kind == textin.NotUTF8 {
			return Refuse(field, "refusal.intake_text_utf8")
		}
		if multiline {
			return Refuse(field, "refusal.text_control_multiline", locale.Text(fmt.Sprintf("%U", te.Rune)), locale.Count(te.Offset))
		}
		return Refuse(field, "refusal.intake_text_control", locale.Text(fmt.Sprintf("%U", te.Rune)), locale.Count(te.Offset))
	}
	return nil
}

func checkIntakeCustomer(c Customer) error {
	if c.Name == "" {
		return Refuse("customer.name", "refusal.intake_customer_name")
	}
	if err := checkIntakeText("customer.name", c.Name); err != nil {
		return err
	}
	switch {
	case !validIntakeEmail(c.Email):
		return Refuse("customer.email", "refusal.email_invalid", locale.Text(c.Email))
	case len(c.Phone) > 40:
		return Refuse("customer.phone", "refusal.intake_phone_too_long", locale.Text(c.Phone))
	}
	if err := checkIntakeText("customer.phone", c.Phone); err != nil {
		return err
	}
	if c.Locale != "fr" && c.Locale != "en" {
		return Refuse("customer.locale", "refusal.intake_locale", locale.Text(c.Locale))
	}
	return nil
}

// validIntakeEmail accepts a bare address with a domain that has a dot, the
// shape the email provider will take, and nothing PostgreSQL cannot store.
func validIntakeEmail(s string) bool {
	if s == "" || len(s) > 254 || checkIntakeText("", s) != nil {
		return false
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func checkIntakeAddress(field string, a Address) error {
	for _, m := range []struct{ name, value string }{{"name", a.Name}, {"line1", a.Line1}, {"postal_code", a.PostalCode}, {"city", a.City}} {
		if m.value == "" {
			return Refuse(field+"."+m.name, "refusal.intake_required")
		}
	}
	for _, m := range []struct{ name, value string }{{"name", a.Name}, {"line1", a.Line1}, {"line2", a.Line2}, {"postal_code", a.PostalCode}, {"city", a.City}} {
		if err := checkIntakeText(field+"."+m.name, m.value); err != nil {
			return err
		}
	}
	switch {
	case !countryRE.MatchString(a.Country):
		return Refuse(field+".country", "refusal.address_country_code", locale.Text(a.Country))
	case a.Country == "FR" && !postalFR.MatchString(a.Postal()):
		return Refuse(field+".postal_code", "refusal.intake_french_postal_code", locale.Text(a.PostalCode))
	}
	return nil
}

func (r IntakeShippingRules) check() (ShippingRules, error) {
	if r.Method == "" {
		return ShippingRules{}, Refuse("shipping_rules.method", "refusal.intake_shipping_method")
	}
	if err := checkIntakeText("shipping_rules.method", r.Method); err != nil {
		return ShippingRules{}, err
	}
	switch {
	case r.Fee == nil:
		return ShippingRules{}, Refuse("shipping_rules.fee_cents", "refusal.intake_fee_missing")
	case *r.Fee < 0 || *r.Fee > MaxUnitPrice:
		return ShippingRules{}, Refuse("shipping_rules.fee_cents", "refusal.intake_fee_range", eur(*r.Fee), eur(MaxUnitPrice))
	case r.FreeFrom < 0:
		return ShippingRules{}, Refuse("shipping_rules.free_from_cents", "refusal.intake_free_from_negative", eur(r.FreeFrom))
	case r.VATRate == nil:
		return ShippingRules{}, Refuse("shipping_rules.vat_rate_bp", "refusal.intake_vat_missing")
	case !ValidVATRate(*r.VATRate):
		return ShippingRules{}, Refuse("shipping_rules.vat_rate_bp", "refusal.intake_vat_rate", locale.Percent(*r.VATRate))
	}
	return ShippingRules{Method: r.Method, Fee: *r.Fee, FreeFrom: r.FreeFrom, VATRate: *r.VATRate}, nil
}

func checkIntakeDiscount(d Discount) error {
	switch d.Kind {
	case DiscountFixed:
		switch {
		case d.Amount <= 0 || d.Amount > MaxUnitPrice:
			return Refuse("discount.amount_cents", "refusal.intake_fixed_discount_range", eur(d.Amount), eur(MaxUnitPrice))
		case d.Percent != 0:
			return Refuse("discount.percent_bp", "refusal.intake_fixed_discount_percent")
		}
	case DiscountPercent:
		switch {
		case d.Percent <= 0 || d.Percent > 10000:
			return Refuse("discount.percent_bp", "refusal.intake_percent_discount_range", locale.Percent(d.Percent))
		case d.Amount != 0:
			return Refuse("discount.amount_cents", "refusal.intake_percent_discount_amount")
		}
	default:
		return Refuse("discount.kind", "refusal.discount_kind_unknown", locale.Text(string(d.Kind)))
	}
	return checkIntakeText("discount.code", d.Code)
}

func (l IntakeLine) check(field string) (Line, error) {
	if l.SKU == "" {
		return Line{}, Refuse(field+".sku", "refusal.intake_required")
	}
	if err := checkIntakeText(field+".sku", l.SKU); err != nil {
		return Line{}, err
	}
	if l.Name == "" {
		return Line{}, Refuse(field+".name", "refusal.intake_required")
	}
	if err := checkIntakeText(field+".name", l.Name); err != nil {
		return Line{}, err
	}
	switch {
	case l.UnitPrice == nil:
		return Line{}, Refuse(field+".unit_price_cents", "refusal.intake_unit_price_missing")
	case *l.UnitPrice < 0 || *l.UnitPrice > MaxUnitPrice:
		return Line{}, Refuse(field+".unit_price_cents", "refusal.intake_unit_price_range", eur(*l.UnitPrice), eur(MaxUnitPrice))
	case l.Quantity == nil:
		return Line{}, Refuse(field+".quantity", "refusal.intake_quantity_missing")
	case *l.Quantity < 1 || *l.Quantity > MaxQuantity:
		return Line{}, Refuse(field+".quantity", "refusal.intake_quantity_range", qty(*l.Quantity), qty(MaxQuantity))
	case l.VATRate == nil:
		return Line{}, Refuse(field+".vat_rate_bp", "refusal.intake_vat_missing")
	case !ValidVATRate(*l.VATRate):
		return Line{}, Refuse(field+".vat_rate_bp", "refusal.intake_vat_rate", locale.Percent(*l.VATRate))
	case l.Physical == nil:
		return Line{}, Refuse(field+".physical", "refusal.intake_physical_missing")
	}
	return Line{SKU: l.SKU, Name: l.Name, UnitPrice: *l.UnitPrice, Quantity: *l.Quantity, VATRate: *l.VATRate, Physical: *l.Physical}, nil
}

// paymentMethodList names every payment method, for a refusal.
func paymentMethodList() string {
	names := make([]string, len(PaymentMethods))
	for i, p := range PaymentMethods {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}
