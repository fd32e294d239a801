// Package order is the domain of orderdesk: orders, their lines, money,
// statuses, pricing and the rules a procedure must respect. It is pure Go
// with no I/O, so workflows, activities, the store and the web UI all reason
// about an order with the same code.
package order

import (
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
)

// Order is a customer's order as the back office sees it.
type Order struct {
	ID            int64           `json:"id"`
	Number        string          `json:"number"` // human and unique, e.g. C-2026-000123
	Status        Status          `json:"status"`
	Logistics     LogisticsStatus `json:"logistics_status"`
	PaymentMethod PaymentMethod   `json:"payment_method"`
	// PaymentLabel is the name the shop shows for the payment method
	// (edit details); empty: the method's own label (PaymentMethod.Label).
	PaymentLabel  string        `json:"payment_label,omitempty"`
	Currency      string        `json:"currency"`
	Customer      Customer      `json:"customer"`
	Billing       Address       `json:"billing_address"`
	Delivery      Address       `json:"delivery_address"`
	ShippingRules ShippingRules `json:"shipping_rules"` // snapshot taken when the order was placed
	ShippingFee   int64         `json:"shipping_fee_cents"`
	Discount      Discount      `json:"discount"`
	Lines         []Line        `json:"lines"`
	Totals        Totals        `json:"totals"`
	HoldBy        string        `json:"hold_by,omitempty"` // the procedure (workflow id) that holds the order
	Version       int64         `json:"version"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
	ArchivedAt    *time.Time    `json:"archived_at,omitempty"`
}

// Customer is the snapshot of the customer taken with the order.
type Customer struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	Phone  string `json:"phone"`
	Locale string `json:"locale"` // "fr" (default) or "en": the language of their emails
}

// Address is a postal address.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2, "FR" by default
}

// Line is one product of an order. Prices are tax-inclusive (TTC).
//
// Quantities: Quantity is what was ordered and never goes down when items
// are cancelled; QtyCancelled counts the cancelled part, so the history of
// a line stays readable ("3 ordered, 1 cancelled"). What the order is worth
// is always computed on Remaining() = Quantity - QtyCancelled: Total,
// MerchandiseTotal, Price and Reprice all use it. A content change
// (before printing) sets the remaining quantity and rewrites Quantity
// as remaining + cancelled. QtyShipped and QtyCompleted are parts of the
// remaining quantity that left the warehouse or were delivered.
type Line struct {
	ID           int64  `json:"id"`
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	UnitPrice    int64  `json:"unit_price_cents"`
	Quantity     int64  `json:"quantity"`
	VATRate      int64  `json:"vat_rate_bp"` // basis points: 2000 is 20 %
	Physical     bool   `json:"physical"`
	QtyShipped   int64  `json:"qty_shipped"`
	QtyCompleted int64  `json:"qty_completed"`
	QtyCancelled int64  `json:"qty_cancelled"`
}

// Total is the line's tax-inclusive amount on its remaining quantity:
// cancelled items are worth nothing.
func (l Line) Total() int64 { return l.UnitPrice * l.Remaining() }

// Remaining is the quantity still in the order: ordered minus cancelled.
func (l Line) Remaining() int64 { return max(l.Quantity-l.QtyCancelled, 0) }

// Delivered is the part of the remaining quantity that can no longer be
// cancelled: shipped (physical items) or marked completed (non-physical).
func (l Line) Delivered() int64 { return max(l.QtyShipped, l.QtyCompleted, 0) }

// Cancellable is how many items of the line can still be cancelled:
// ordered minus shipped (or completed) minus already cancelled.
func (l Line) Cancellable() int64 { return max(l.Remaining()-l.Delivered(), 0) }

// ShippingRules are the shipping conditions in force when the order was
// placed. A recalculation always uses the order's own rules, never today's.
type ShippingRules struct {
	Method   string `json:"method"`          // e.g. "Colissimo domicile"
	Fee      int64  `json:"fee_cents"`       // flat fee, tax-inclusive
	FreeFrom int64  `json:"free_from_cents"` // merchandise total from which shipping is free; 0: never free
	VATRate  int64  `json:"vat_rate_bp"`     // VAT on shipping, basis points
}

// DiscountKind says how an order discount is computed.
type DiscountKind string

// The discount kinds.
const (
	DiscountNone    DiscountKind = ""
	DiscountFixed   DiscountKind = "fixed"
	DiscountPercent DiscountKind = "percent"
)

// Discount is an order-level discount on the merchandise.
type Discount struct {
	Kind    DiscountKind `json:"kind,omitempty"`
	Code    string       `json:"code,omitempty"`
	Amount  int64        `json:"amount_cents,omitempty"` // for fixed
	Percent int64        `json:"percent_bp,omitempty"`   // for percent, basis points: 1000 is 10 %
}

// Totals are an order's amounts, all tax-inclusive cents.
type Totals struct {
	Merchandise int64     `json:"merchandise_cents"`
	Discount    int64     `json:"discount_cents"`
	Shipping    int64     `json:"shipping_cents"`
	Total       int64     `json:"total_cents"` // Merchandise - Discount + Shipping
	VAT         []VATLine `json:"vat"`         // one per rate, sorted by rate
}

// VATLine is the VAT split of the amounts taxed at one rate: Net + VAT = Gross.
type VATLine struct {
	Rate  int64 `json:"rate_bp"`
	Net   int64 `json:"net_cents"`
	VAT   int64 `json:"vat_cents"`
	Gross int64 `json:"gross_cents"`
}

// PaymentMethod is how the customer paid or will pay.
type PaymentMethod string

// The payment methods the shops take.
const (
	PayCard         PaymentMethod = "card"
	PayStripe       PaymentMethod = "stripe"
	PayPayPal       PaymentMethod = "paypal"
	PayHiPay        PaymentMethod = "hipay"
	PayPaybox       PaymentMethod = "paybox"
	PayBankPayment  PaymentMethod = "bank_payment" // pay-by-bank (Plaid payment initiation)
	PayCheque       PaymentMethod = "cheque"
	PayBankTransfer PaymentMethod = "bank_transfer"
	PayMoneyOrder   PaymentMethod = "money_order"
	PayTerminal     PaymentMethod = "terminal" // the shop's in-store card terminal
)

// PaymentMethods lists every payment method.
var PaymentMethods = []PaymentMethod{PayCard, PayStripe, PayPayPal, PayHiPay, PayPaybox, PayBankPayment, PayCheque, PayBankTransfer, PayMoneyOrder, PayTerminal}

// paymentLabels are the payment methods' names in the catalog.
var paymentLabels = map[PaymentMethod]locale.Key{
	PayCard:         "payment_method.card",
	PayStripe:       "payment_method.stripe",
	PayPayPal:       "payment_method.paypal",
	PayHiPay:        "payment_method.hipay",
	PayPaybox:       "payment_method.paybox",
	PayBankPayment:  "payment_method.bank_payment",
	PayCheque:       "payment_method.cheque",
	PayBankTransfer: "payment_method.bank_transfer",
	PayMoneyOrder:   "payment_method.money_order",
	PayTerminal:     "payment_method.terminal",
}

// Label is the payment method as an agent reads it, in lang.
func (p PaymentMethod) Label(lang string) string { return label(paymentLabels[p], lang, string(p)) }

// LabelKey is the catalog's message naming the payment method ("" for an
// unknown one).
func (p PaymentMethod) LabelKey() locale.Key { return paymentLabels[p] }

// Valid reports whether p is a known payment method.
func (p PaymentMethod) Valid() bool { _, ok := paymentLabels[p]; return ok }

// Direct reports whether the customer paid through a provider that can send
// money back (card, PayPal, HiPay, Paybox, Stripe, pay-by-bank): the shop's
// "moyen de paiement direct".
func (p PaymentMethod) Direct() bool {
	switch p {
	case PayCard, PayStripe, PayPayPal, PayHiPay, PayPaybox, PayBankPayment, PayTerminal:
		return true
	}
	return false
}

// ContactChannel is how the customer reached the shop about a change.
type ContactChannel string

// The contact channels of the modify-content procedure.
const (
	ContactEmail ContactChannel = "email"
	ContactForm  ContactChannel = "contact_form"
	ContactPhone ContactChannel = "phone"
)

// contactLabels are the contact channels' names in the catalog.
var contactLabels = map[ContactChannel]locale.Key{
	ContactEmail: "contact.email",
	ContactForm:  "contact.contact_form",
	ContactPhone: "contact.phone",
}

// ContactChannels lists every contact channel.
var ContactChannels = []ContactChannel{ContactEmail, ContactForm, ContactPhone}

// Label is the channel as an agent reads it, in lang.
func (c ContactChannel) Label(lang string) string { return label(contactLabels[c], lang, string(c)) }

// LabelKey is the catalog's message naming the channel ("" for an unknown one).
func (c ContactChannel) LabelKey() locale.Key { return contactLabels[c] }

// Valid reports whether c is a known contact channel.
func (c ContactChannel) Valid() bool { _, ok := contactLabels[c]; return ok }

// LineBySKU finds the order's line with this SKU (spaces around it
// ignored).
func (o Order) LineBySKU(sku string) (Line, bool) {
	sku = strings.TrimSpace(sku)
	for _, l := range o.Lines {
		if l.SKU == sku {
			return l, true
		}
	}
	return Line{}, false
}
