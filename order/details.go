package order

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/orderdesk/orderdesk/locale"
)

// Edit details (« Modifier les informations
// de livraison »): the customer's name, email and phone, the billing and
// delivery addresses, the names shown for the payment and shipping methods,
// the shipping fee and the order discount. The payment method itself (how
// a refund goes back) is not a detail: only the name the shop shows for it.

// Details are the parts of an order the edit-details procedure can change.
type Details struct {
	Name     string  `json:"name"`
	Email    string  `json:"email"`
	Phone    string  `json:"phone"`
	Billing  Address `json:"billing_address"`
	Delivery Address `json:"delivery_address"`
	// PaymentLabel is the name the shop shows for the payment method;
	// empty means the method's own label (PaymentMethod.Label).
	PaymentLabel   string   `json:"payment_label"`
	ShippingMethod string   `json:"shipping_method"` // the name of the shipping method, ShippingRules.Method
	ShippingFee    int64    `json:"shipping_fee_cents"`
	Discount       Discount `json:"discount"`
}

// DetailsOf reads an order's details.
func DetailsOf(o Order) Details {
	return Details{
		Name: o.Customer.Name, Email: o.Customer.Email, Phone: o.Customer.Phone,
		Billing: o.Billing, Delivery: o.Delivery,
		PaymentLabel: o.PaymentLabel, ShippingMethod: o.ShippingRules.Method,
		ShippingFee: o.ShippingFee, Discount: o.Discount,
	}
}

// DetailsEdit is what an agent asks to change. A nil field is left as it
// is, so an edit says only what changes.
type DetailsEdit struct {
	Name           *string   `json:"name,omitempty"`
	Email          *string   `json:"email,omitempty"`
	Phone          *string   `json:"phone,omitempty"`
	Billing        *Address  `json:"billing_address,omitempty"`
	Delivery       *Address  `json:"delivery_address,omitempty"`
	PaymentLabel   *string   `json:"payment_label,omitempty"`
	ShippingMethod *string   `json:"shipping_method,omitempty"`
	ShippingFee    *int64    `json:"shipping_fee_cents,omitempty"`
	Discount       *Discount `json:"discount,omitempty"`
}

// MaxLabel is the longest name, email or method label an agent can type.
const MaxLabel = 200

// DetailChange is one field changed by an edit, before and after, written
// for a person (French): one line of the order's history.
type DetailChange struct {
	Field  string `json:"field"` // the edit's field: "name", "delivery_address", "shipping_fee"...
	Before string `json:"before"`
	After  string `json:"after"`
}

// DetailsResult is an edit as applied: the details before and after, the
// fields it changed, and the order's totals before and after.
type DetailsResult struct {
	Before       Details        `json:"before"`
	After        Details        `json:"after"`
	Changes      []DetailChange `json:"changes"`
	TotalsBefore Totals         `json:"totals_before"`
	TotalsAfter  Totals         `json:"totals_after"`
}

// MoneyChanged reports whether the edit changed what the customer owes.
func (r DetailsResult) MoneyChanged() bool { return r.TotalsBefore.Total != r.TotalsAfter.Total }

// DeliveryChanged reports whether the edit changed the delivery address.
func (r DetailsResult) DeliveryChanged() bool {
	return r.Before.Delivery.Normalized() != r.After.Delivery.Normalized()
}

// Fields lists the changed fields' French labels: "nom du client, adresse
// de livraison".
func (r DetailsResult) Fields(locale string) string {
	names := make([]string, len(r.Changes))
	for i, c := range r.Changes {
		names[i] = DetailLabel(c.Field, locale)
	}
	return strings.Join(names, ", ")
}

// detailLabels are the editable details' names in the catalog.
var detailLabels = map[string]locale.Key{
	"name":             "detail_field.name",
	"email":            "detail_field.email",
	"phone":            "detail_field.phone",
	"billing_address":  "detail_field.billing_address",
	"delivery_address": "detail_field.delivery_address",
	"payment_label":    "detail_field.payment_label",
	"shipping_method":  "detail_field.shipping_method",
	"shipping_fee":     "detail_field.shipping_fee",
	"discount":         "detail_field.discount",
}

// DetailLabel is an edit's field as an agent reads it, French unless
// lang is "en".
func DetailLabel(field, lang string) string { return label(detailLabels[field], lang, field) }

// DetailFields lists the details an edit can change, as its changes name
// them.
var DetailFields = []string{"name", "email", "phone", "billing_address", "delivery_address", "payment_label", "shipping_method", "shipping_fee", "discount"}

// DetailLabelKey is the catalog's message naming an edit's field ("" for
// an unknown one).
func DetailLabelKey(field string) locale.Key { return detailLabels[field] }

// DeliveryLocked says why the delivery address can no longer change, or ""
// when it can: not once anything is shipped (a line's quantity shipped, or
// the warehouse's status), nor while the warehouse prints or prepares the
// parcel, whose label carries the address.
func DeliveryLocked(o Order, locale string) string {
	shipped := anyShipped(o)
	en := locale == "en"
	switch {
	case shipped && en:
		return fmt.Sprintf("order %s has already been shipped (in part or in full): the delivery address can no longer change", o.Number)
	case shipped:
		return fmt.Sprintf("la commande %s est déjà expédiée (en partie ou en totalité) : l'adresse de livraison ne peut plus changer", o.Number)
	case o.Logistics != LogisticsAwaitingPrinting && en:
		return fmt.Sprintf("the warehouse is preparing order %s (logistics status %q): the delivery address can no longer change", o.Number, o.Logistics.Label("en"))
	case o.Logistics != LogisticsAwaitingPrinting:
		return fmt.Sprintf("l'entrepôt prépare la commande %s (statut logistique « %s ») : l'adresse de livraison ne peut plus changer", o.Number, o.Logistics.Label("fr"))
	}
	return ""
}

// detailsRefusal refuses any edit of the details while DetailsBlocked says
// why not.
func detailsRefusal(o Order) error {
	switch {
	case o.HoldBy != "":
		return Refuse("order", "refusal.order_held", locale.Text(o.Number), locale.Text(o.HoldBy))
	case o.ArchivedAt != nil:
		return Refuse("order", "refusal.order_archived", locale.Text(o.Number))
	}
	return nil
}

// deliveryRefusal refuses a new delivery address while DeliveryLocked says
// why not.
func deliveryRefusal(o Order) error {
	switch {
	case anyShipped(o):
		return Refuse("delivery_address", "refusal.delivery_shipped", locale.Text(o.Number))
	case o.Logistics != LogisticsAwaitingPrinting:
		return Refuse("delivery_address", "refusal.delivery_preparing", locale.Text(o.Number))
	}
	return nil
}

// anyShipped reports whether some of the order has left the warehouse.
func anyShipped(o Order) bool {
	shipped := o.Logistics == LogisticsShipped
	for _, l := range o.Lines {
		shipped = shipped || l.QtyShipped > 0
	}
	return shipped
}

// DetailsBlocked says why no detail of the order can be edited now, or ""
// when it can: an archived order, or one a procedure holds (its content is
// being changed, and its totals with it).
func DetailsBlocked(o Order, locale string) string {
	en := locale == "en"
	switch {
	case o.HoldBy != "" && en:
		return fmt.Sprintf("order %s is being changed by procedure %s: wait for it to end", o.Number, o.HoldBy)
	case o.HoldBy != "":
		return fmt.Sprintf("la commande %s est en cours de modification par la procédure %s : attendez qu'elle se termine", o.Number, o.HoldBy)
	case o.ArchivedAt != nil && en:
		return fmt.Sprintf("order %s is archived: unarchive it first", o.Number)
	case o.ArchivedAt != nil:
		return fmt.Sprintf("la commande %s est archivée : désarchivez-la d'abord", o.Number)
	}
	return ""
}

// Validate checks the edit against the order and its current details
// without changing anything. Every error is a *FieldError naming the field
// at fault: "name", "email", "phone", "billing_address.postal_code",
// "delivery_address", "payment_label", "shipping_method", "shipping_fee",
// "discount"; an edit that changes nothing is refused on "details".
func (e DetailsEdit) Validate(o Order, cur Details) error {
	_, err := ApplyDetails(o, cur, e)
	return err
}

// ApplyDetails validates the edit and returns the order's details and
// totals after it. The totals are repriced with the order's own lines: the
// new shipping fee taxed at the rules' rate, the new discount shared
// between the VAT rates (Price). The order itself is not modified.
func ApplyDetails(o Order, cur Details, e DetailsEdit) (DetailsResult, error) {
	if err := detailsRefusal(o); err != nil {
		return DetailsResult{}, err
	}
	after := cur
	if e.Name != nil {
		v := strings.TrimSpace(*e.Name)
		if err := checkText("name", v, true); err != nil {
			return DetailsResult{}, err
		}
		after.Name = v
	}
	if e.Email != nil {
		v := strings.TrimSpace(*e.Email)
		if err := checkEmail(v); err != nil {
			return DetailsResult{}, err
		}
		after.Email = v
	}
	if e.Phone != nil {
		v := strings.TrimSpace(*e.Phone)
		if err := checkPhone(v); err != nil {
			return DetailsResult{}, err
		}
		after.Phone = v
	}
	if e.Billing != nil {
		a := e.Billing.Normalized()
		if err := a.Check("billing_address"); err != nil {
			return DetailsResult{}, err
		}
		after.Billing = a
	}
	if e.Delivery != nil {
		a := e.Delivery.Normalized()
		if err := a.Check("delivery_address"); err != nil {
			return DetailsResult{}, err
		}
		if a != cur.Delivery.Normalized() {
			if err := deliveryRefusal(o); err != nil {
				return DetailsResult{}, err
			}
		}
		after.Delivery = a
	}
	if e.PaymentLabel != nil {
		v := strings.TrimSpace(*e.PaymentLabel)
		if err := checkText("payment_label", v, false); err != nil {
			return DetailsResult{}, err
		}
		if v == o.PaymentMethod.Label("fr") {
			v = "" // the method's own name
		}
		after.PaymentLabel = v
	}
	if e.ShippingMethod != nil {
		v := strings.TrimSpace(*e.ShippingMethod)
		if err := checkText("shipping_method", v, true); err != nil {
			return DetailsResult{}, err
		}
		after.ShippingMethod = v
	}
	merchandise := MerchandiseTotal(o.Lines)
	moneyEdit := (e.ShippingFee != nil && *e.ShippingFee != cur.ShippingFee) ||
		(e.Discount != nil && normalDiscount(*e.Discount) != normalDiscount(cur.Discount))
	if moneyEdit && o.Status == StatusCancelled {
		field := "shipping_fee"
		if e.ShippingFee == nil || *e.ShippingFee == cur.ShippingFee {
			field = "discount"
		}
		return DetailsResult{}, Refuse(field, "refusal.order_cancelled_amounts", locale.Text(o.Number))
	}
	if e.ShippingFee != nil {
		switch fee := *e.ShippingFee; {
		case fee < 0:
			return DetailsResult{}, Refuse("shipping_fee", "refusal.shipping_fee_negative", eur(fee))
		case fee > MaxUnitPrice:
			return DetailsResult{}, Refuse("shipping_fee", "refusal.shipping_fee_above_max", eur(fee), eur(MaxUnitPrice))
		}
		after.ShippingFee = *e.ShippingFee
	}
	if e.Discount != nil {
		d := normalDiscount(*e.Discount)
		if err := checkDiscount(d, merchandise); err != nil {
			return DetailsResult{}, err
		}
		after.Discount = d
	}

	res := DetailsResult{Before: cur, After: after, TotalsBefore: Reprice(o)}
	res.Changes = diffDetails(o, cur, after)
	if len(res.Changes) == 0 {
		return DetailsResult{}, Refuse("details", "refusal.details_unchanged", locale.Text(o.Number))
	}
	res.TotalsAfter = Price(o.Lines, after.Discount, after.ShippingFee, o.ShippingRules.VATRate)
	return res, nil
}

func normalDiscount(d Discount) Discount {
	d.Code = strings.TrimSpace(d.Code)
	switch d.Kind {
	case DiscountNone:
		return Discount{}
	case DiscountFixed:
		d.Percent = 0
	case DiscountPercent:
		d.Amount = 0
	}
	return d
}

func checkDiscount(d Discount, merchandise int64) error {
	switch d.Kind {
	case DiscountNone:
		return nil
	case DiscountFixed:
		switch {
		case d.Amount < 0:
			return Refuse("discount", "refusal.discount_negative", eur(d.Amount))
		case d.Amount > merchandise:
			return Refuse("discount", "refusal.discount_above_merchandise", eur(d.Amount), eur(merchandise))
		}
	case DiscountPercent:
		switch {
		case d.Percent < 0:
			return Refuse("discount", "refusal.discount_percent_negative", locale.Percent(d.Percent))
		case d.Percent > 10000:
			return Refuse("discount", "refusal.discount_percent_above_100", locale.Percent(d.Percent))
		}
	default:
		return Refuse("discount", "refusal.discount_kind_unknown", locale.Text(string(d.Kind)))
	}
	if utf8.RuneCountInString(d.Code) > MaxLabel {
		return Refuse("discount", "refusal.discount_code_too_long", locale.Count(MaxLabel))
	}
	return nil
}

func checkText(field, v string, required bool) error {
	switch {
	case required && v == "":
		return Refuse(field, "refusal.text_empty")
	case utf8.RuneCountInString(v) > MaxLabel:
		return Refuse(field, "refusal.text_too_long", locale.Count(MaxLabel))
	case strings.ContainsAny(v, "\r\n"):
		return Refuse(field, "refusal.text_one_line")
	}
	return nil
}

func checkEmail(v string) error {
	if v == "" {
		return Refuse("email", "refusal.email_empty")
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") || len(v) > MaxLabel {
		return Refuse("email", "refusal.email_invalid", locale.Text(v))
	}
	return nil
}

// checkPhone accepts an empty phone (none) or digits with the usual
// separators: "+33 6 12 34 56 78", "06.12.34.56.78".
func checkPhone(v string) error {
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')':
		default:
			return Refuse("phone", "refusal.phone_characters", locale.Text(v))
		}
	}
	if v != "" && (digits < 6 || digits > 15) {
		return Refuse("phone", "refusal.phone_digits", locale.Text(v), locale.Count(digits))
	}
	return nil
}

// diffDetails lists what changed, in French, in the order of the form.
func diffDetails(o Order, before, after Details) []DetailChange {
	var ch []DetailChange
	add := func(field, b, a string) {
		if b != a {
			ch = append(ch, DetailChange{Field: field, Before: b, After: a})
		}
	}
	money := func(c int64) string { return Money{Cents: c, Currency: o.Currency}.French() }
	add("name", before.Name, after.Name)
	add("email", before.Email, after.Email)
	add("phone", before.Phone, after.Phone)
	if before.Billing.Normalized() != after.Billing.Normalized() {
		add("billing_address", before.Billing.OneLine(), after.Billing.OneLine())
	}
	if before.Delivery.Normalized() != after.Delivery.Normalized() {
		add("delivery_address", before.Delivery.OneLine(), after.Delivery.OneLine())
	}
	payment := func(l string) string {
		if l == "" {
			return o.PaymentMethod.Label("fr")
		}
		return l
	}
	if before.PaymentLabel != after.PaymentLabel {
		ch = append(ch, DetailChange{Field: "payment_label", Before: payment(before.PaymentLabel), After: payment(after.PaymentLabel)})
	}
	add("shipping_method", before.ShippingMethod, after.ShippingMethod)
	add("shipping_fee", money(before.ShippingFee), money(after.ShippingFee))
	if normalDiscount(before.Discount) != normalDiscount(after.Discount) {
		ch = append(ch, DetailChange{Field: "discount", Before: before.Discount.Describe(o.Currency), After: after.Discount.Describe(o.Currency)})
	}
	return ch
}

// OneLine writes an address on one line: "Camille Martin, 3 rue des Lilas,
// 35000 Rennes, FR".
func (a Address) OneLine() string {
	a = a.Normalized()
	parts := []string{}
	for _, p := range []string{a.Name, a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City), a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Describe writes a discount for a person, in French: "10 %", "5,00 €",
// "aucune"; with its code when it has one.
func (d Discount) Describe(currency string) string {
	var s string
	switch d.Kind {
	case DiscountFixed:
		s = Money{Cents: d.Amount, Currency: currency}.French()
	case DiscountPercent:
		s = strings.Replace(percentString(d.Percent), ".", ",", 1) + "\u00a0%"
	default:
		return "aucune"
	}
	if d.Code != "" {
		s += " (" + d.Code + ")"
	}
	return s
}

// percentString writes basis points as a percentage: 1000 → "10",
// 1250 → "12.5", 333 → "3.33".
func percentString(bp int64) string {
	sign := ""
	if bp < 0 {
		sign, bp = "-", -bp
	}
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return sign + s
}

// ParseDiscount reads a discount as an agent types it: "10%" or "12,5 %"
// (a percentage), "5,00" or "5 €" (an amount), "" or "0" (none). Amounts
// are parsed to cents exactly, never through floats.
func ParseDiscount(s string) (Discount, error) {
	t := strings.TrimSpace(s)
	if t == "" || t == "0" {
		return Discount{}, nil
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		bp, err := ParseCents(p) // "12,5" is 1250 hundredths: basis points
		if err != nil {
			return Discount{}, Refuse("discount", "refusal.discount_not_percent", locale.Text(s))
		}
		return Discount{Kind: DiscountPercent, Percent: bp}, nil
	}
	c, err := ParseCents(t)
	if err != nil {
		return Discount{}, Refuse("discount", "refusal.discount_unreadable", locale.Text(s))
	}
	if c == 0 {
		return Discount{}, nil
	}
	return Discount{Kind: DiscountFixed, Amount: c}, nil
}

// DetailsPreview is what the agent confirms before the procedure starts:
// the changes, the new total and what it means for the money, computed by
// the same code as the procedure.
type DetailsPreview struct {
	Result     DetailsResult `json:"result"`
	Settlement Settlement    `json:"settlement"`
	Summary    string        `json:"summary"` // in French: "À rembourser au client : 2,00 €"
}

// PreviewDetails applies the edit as the procedure will, given what the
// customer paid net of refunds. It refuses what the procedure would refuse.
func PreviewDetails(o Order, cur Details, e DetailsEdit, paid Position) (DetailsPreview, error) {
	res, err := ApplyDetails(o, cur, e)
	if err != nil {
		return DetailsPreview{}, err
	}
	p := DetailsPreview{Result: res}
	if res.MoneyChanged() {
		p.Settlement = SettleChange(o.PaymentMethod, paid, res.TotalsBefore.Total, res.TotalsAfter.Total)
		p.Summary = p.Settlement.Summary(o.Currency, "fr")
	}
	return p, nil
}
