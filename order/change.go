package order

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
)

// FieldError is a refusal: bad input that names the field it is about, so
// a form can show it next to that field and the CLI can say which flag is
// wrong. Code is the refusal's message in the catalog (locale, the
// "refusal." keys) and Args its typed arguments, so each reader gets it in
// their own language (Say); Message is the same in English, for logs and
// API clients. A refusal made by Fieldf has no Code: Message is all it
// says, in every language.
//
// It crosses Temporal as a failure's details, so it round-trips through
// JSON, its arguments with their kinds.
type FieldError struct {
	Field   string       `json:"field"`
	Code    locale.Key   `json:"code,omitempty"`
	Args    []locale.Arg `json:"args,omitempty"`
	Message string       `json:"message"`
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Refuse builds a refusal of field said by the catalog's message key with
// its arguments, in the order and of the kinds the message declares (a
// test reads every call and checks them against the catalog:
// refusals_test.go). Message is the English text.
func Refuse(field string, key locale.Key, args ...locale.Arg) *FieldError {
	return &FieldError{Field: field, Code: key, Args: args, Message: locale.For(locale.English).T(key, args...)}
}

// Say says the refusal in the printer's language: the catalog's message
// with its arguments, or Message as it is when the refusal has no Code or
// one this catalog cannot say with these arguments (a refusal made by an
// older or newer worker).
func (e *FieldError) Say(p *locale.Printer) string {
	if e.Code != "" {
		if s, err := p.Format(e.Code, e.Args...); err == nil {
			return s
		}
	}
	return e.Message
}

// lineArg is a line of the order as a refusal names it: its id, written
// as is.
func lineArg(id int64) locale.Arg { return locale.Text(strconv.FormatInt(id, 10)) }

// qty is a quantity as a refusal says it.
func qty(n int64) locale.Arg { return locale.Count(int(n)) }

// eur is an amount in euros as a refusal says it.
func eur(cents int64) locale.Arg { return locale.Amount(cents, "EUR") }

// Fieldf builds a refusal said only in English, without a Code: the way
// refusals were written before the catalog said them; the call sites left
// are listed by a test (refusals_test.go).
func Fieldf(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrNotModifiable is the reason a content change is refused: the warehouse
// has started on the order.
var ErrNotModifiable = errors.New("the order's content can no longer be changed")

// NotModifiableError says why an order's content cannot change, naming its
// logistics status or the procedure that holds it.
type NotModifiableError struct {
	Number    string
	Logistics LogisticsStatus
	HoldBy    string
}

func (e *NotModifiableError) Error() string {
	if e.HoldBy != "" {
		return fmt.Sprintf("order %s is held by procedure %s", e.Number, e.HoldBy)
	}
	return fmt.Sprintf("order %s cannot be modified: its logistics status is %s (%q); products can only be removed while it is %s",
		e.Number, e.Logistics, e.Logistics.Label("fr"), LogisticsAwaitingPrinting)
}

func (e *NotModifiableError) Unwrap() error { return ErrNotModifiable }

// CheckModifiable refuses a content change unless the order is awaiting
// printing and not archived or cancelled.
func CheckModifiable(o Order) error {
	if o.Logistics != LogisticsAwaitingPrinting {
		return &NotModifiableError{Number: o.Number, Logistics: o.Logistics}
	}
	if o.Status == StatusCancelled {
		return fmt.Errorf("order %s is cancelled: %w", o.Number, ErrNotModifiable)
	}
	if o.ArchivedAt != nil {
		return fmt.Errorf("order %s is archived: %w", o.Number, ErrNotModifiable)
	}
	return nil
}

// LineQuantity names a quantity for one line of the order. In a content
// change it is the line's new quantity (zero removes the product); in a
// cancellation it is the quantity to cancel.
type LineQuantity struct {
	LineID   int64 `json:"line_id"`
	Quantity int64 `json:"quantity"`
}

// Limits on what an agent can type, so no arithmetic on an order can
// overflow: 10 million euros a unit, 100 000 units a line.
const (
	MaxUnitPrice = 1_000_000_000
	MaxQuantity  = 100_000
)

// VATRates are the French VAT rates a line can have, in basis points:
// 0, 2,1 %, 5,5 %, 10 % and 20 %.
var VATRates = []int64{0, 210, 550, 1000, 2000}

// ValidVATRate reports whether bp is one of the French VAT rates.
func ValidVATRate(bp int64) bool {
	for _, r := range VATRates {
		if r == bp {
			return true
		}
	}
	return false
}

// LineEdit changes one line of the order ("modifier le SKU et le
// nom, modifier le prix, modifier la quantité"). A nil field is left as it
// is, so an edit says only what changes. Quantity is the line's new
// quantity, raised or lowered, at least 1: removing the product is a
// Quantities entry of 0.
type LineEdit struct {
	LineID    int64   `json:"line_id"`
	SKU       *string `json:"sku,omitempty"`
	Name      *string `json:"name,omitempty"`
	UnitPrice *int64  `json:"unit_price_cents,omitempty"` // tax-inclusive
	Quantity  *int64  `json:"quantity,omitempty"`
	VATRate   *int64  `json:"vat_rate_bp,omitempty"`
}

// NewLine is a product added to the order ("Ajouter un produit").
type NewLine struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	UnitPrice int64  `json:"unit_price_cents"` // tax-inclusive
	Quantity  int64  `json:"quantity"`
	VATRate   int64  `json:"vat_rate_bp"` // one of VATRates
	Physical  bool   `json:"physical"`
}

// ContentChange is what an agent asks of the modify-content procedure:
// products removed or lowered (Quantities), lines edited and
// products added.
type ContentChange struct {
	// Quantities lowers or removes products: each line's new quantity,
	// 0 to what is in the order.
	Quantities []LineQuantity `json:"quantities"`
	// Edits change a line's SKU, name, unit price, VAT rate or quantity.
	Edits []LineEdit `json:"edits,omitempty"`
	// Add adds products.
	Add []NewLine `json:"add,omitempty"`
	// RecalcShipping recalculates the fee from the order's own rules
	// ("Recalculer les frais de port", checked by default: forms and
	// the starter set it unless the agent unticks it). Off keeps the fee.
	RecalcShipping bool `json:"recalc_shipping"`
}

// Validate checks the change against the order without changing anything.
// Every error is a *FieldError naming the part of the change at fault
// ("quantities[1]", "edits[0].unit_price", "add[2].sku"): lines must be in
// the order and named once, quantities in range, prices not negative, SKUs
// and names not empty, VAT rates French; each edit must change something,
// the change as a whole must change something and leave at least one
// product in the order.
func (c ContentChange) Validate(o Order) error {
	if len(c.Quantities) == 0 && len(c.Edits) == 0 && len(c.Add) == 0 {
		return Refuse("quantities", "refusal.change_empty")
	}
	byID := make(map[int64]Line, len(o.Lines))
	for _, l := range o.Lines {
		byID[l.ID] = l
	}
	newQty := make(map[int64]int64, len(c.Quantities)+len(c.Edits))
	changed := false
	for i, q := range c.Quantities {
		field := fmt.Sprintf("quantities[%d]", i)
		l, ok := byID[q.LineID]
		if !ok {
			return Refuse(field, "refusal.line_not_in_order", lineArg(q.LineID), locale.Text(o.Number))
		}
		if _, twice := newQty[q.LineID]; twice {
			return Refuse(field, "refusal.line_named_twice", lineArg(q.LineID), locale.Text(l.SKU))
		}
		newQty[q.LineID] = q.Quantity
		if q.Quantity < 0 {
			return Refuse(field, "refusal.quantity_negative", qty(q.Quantity), locale.Text(l.SKU))
		}
		if q.Quantity > l.Remaining() {
			return Refuse(field, "refusal.quantity_above_ordered", qty(q.Quantity), locale.Text(l.SKU), qty(l.Remaining()))
		}
		if q.Quantity < l.Delivered() {
			return Refuse(field, "refusal.quantity_below_shipped", qty(q.Quantity), locale.Text(l.SKU), qty(l.Delivered()))
		}
		if q.Quantity != l.Remaining() {
			changed = true
		}
	}
	edited := make(map[int64]bool, len(c.Edits))
	for i, e := range c.Edits {
		field := fmt.Sprintf("edits[%d]", i)
		l, ok := byID[e.LineID]
		if !ok {
			return Refuse(field, "refusal.line_not_in_order", lineArg(e.LineID), locale.Text(o.Number))
		}
		if edited[e.LineID] {
			return Refuse(field, "refusal.line_edited_twice", lineArg(e.LineID), locale.Text(l.SKU))
		}
		edited[e.LineID] = true
		if q, named := newQty[e.LineID]; named {
			if q == 0 {
				return Refuse(field, "refusal.line_removed_and_edited", lineArg(e.LineID), locale.Text(l.SKU))
			}
			return Refuse(field, "refusal.line_in_quantities_and_edit", lineArg(e.LineID), locale.Text(l.SKU))
		}
		if err := e.check(field, l); err != nil {
			return err
		}
		if e.Quantity != nil {
			newQty[e.LineID] = *e.Quantity
		}
		changed = true
	}
	for i, a := range c.Add {
		if err := a.check(fmt.Sprintf("add[%d]", i)); err != nil {
			return err
		}
		changed = true
	}
	if !changed {
		return Refuse("quantities", "refusal.change_same_quantities")
	}
	// An order with nothing left in it would still go to the warehouse and
	// still be charged its shipping fee: that is a cancellation, which has
	// its own procedure (status, credit note, refund of the shipping).
	left := int64(len(c.Add))
	for _, l := range o.Lines {
		q, named := newQty[l.ID]
		if !named {
			q = l.Remaining()
		}
		left += q
	}
	if left == 0 {
		return Refuse("quantities", "refusal.change_removes_all", locale.Text(o.Number))
	}
	return c.checkTotal(o)
}

// checkTotal refuses a change after which the order's merchandise would
// come to more than MaxOrderTotal, naming the quantity, edit or added
// product that takes it over: each line is within its bounds
// (MaxUnitPrice × MaxQuantity = MaxOrderTotal), so the sum is checked
// after each line and cannot wrap before it is caught, and the order's
// VAT split stays within int64.
func (c ContentChange) checkTotal(o Order) error {
	fields := map[int64]string{}
	want := map[int64]int64{}
	for i, q := range c.Quantities {
		fields[q.LineID], want[q.LineID] = fmt.Sprintf("quantities[%d]", i), q.Quantity
	}
	edits := map[int64]LineEdit{}
	for i, e := range c.Edits {
		fields[e.LineID], edits[e.LineID] = fmt.Sprintf("edits[%d]", i), e
	}
	var sum int64
	over := func(field string, total int64) error {
		if sum += total; sum > MaxOrderTotal {
			return Refuse(field, "refusal.order_total_above_max", eur(MaxOrderTotal))
		}
		return nil
	}
	// The lines the change leaves as they are, then those it changes in
	// its order, then what it adds: the refusal names what took the order
	// over, not a line the agent did not touch.
	after := func(l Line) int64 {
		if e, ok := edits[l.ID]; ok {
			l = e.apply(l)
		} else if q, ok := want[l.ID]; ok {
			l.Quantity = q + l.QtyCancelled
		}
		return min(l.UnitPrice, MaxUnitPrice) * min(l.Remaining(), MaxQuantity)
	}
	byID := map[int64]Line{}
	for _, l := range o.Lines {
		byID[l.ID] = l
		if _, changed := fields[l.ID]; !changed {
			if err := over("quantities", after(l)); err != nil {
				return err
			}
		}
	}
	for _, id := range append(lineIDs(c.Quantities), editIDs(c.Edits)...) {
		if l, ok := byID[id]; ok && fields[id] != "" {
			if err := over(fields[id], after(l)); err != nil {
				return err
			}
			fields[id] = "" // counted once
		}
	}
	for i, a := range c.Add {
		if err := over(fmt.Sprintf("add[%d]", i), a.UnitPrice*a.Quantity); err != nil {
			return err
		}
	}
	return nil
}

func lineIDs(qs []LineQuantity) []int64 {
	ids := make([]int64, len(qs))
	for i, q := range qs {
		ids[i] = q.LineID
	}
	return ids
}

func editIDs(es []LineEdit) []int64 {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.LineID
	}
	return ids
}

// check validates an edit of line l; field is "edits[i]".
func (e LineEdit) check(field string, l Line) error {
	same := true
	if e.SKU != nil {
		if strings.TrimSpace(*e.SKU) == "" {
			return Refuse(field+".sku", "refusal.sku_empty", lineArg(l.ID))
		}
		same = same && strings.TrimSpace(*e.SKU) == l.SKU
	}
	if e.Name != nil {
		if strings.TrimSpace(*e.Name) == "" {
			return Refuse(field+".name", "refusal.product_name_empty", locale.Text(l.SKU))
		}
		same = same && strings.TrimSpace(*e.Name) == l.Name
	}
	if e.UnitPrice != nil {
		if err := checkPrice(field+".unit_price", *e.UnitPrice); err != nil {
			return err
		}
		same = same && *e.UnitPrice == l.UnitPrice
	}
	if e.Quantity != nil {
		q := *e.Quantity
		switch {
		case q < 1:
			return Refuse(field+".quantity", "refusal.quantity_below_one_edit", qty(q), locale.Text(l.SKU))
		case q > MaxQuantity:
			return Refuse(field+".quantity", "refusal.quantity_above_max", qty(q), locale.Text(l.SKU), qty(MaxQuantity))
		case q < l.Delivered():
			return Refuse(field+".quantity", "refusal.quantity_below_shipped", qty(q), locale.Text(l.SKU), qty(l.Delivered()))
		}
		same = same && q == l.Remaining()
	}
	if e.VATRate != nil {
		if !ValidVATRate(*e.VATRate) {
			return Refuse(field+".vat_rate", "refusal.vat_rate_unknown", locale.Percent(*e.VATRate))
		}
		same = same && *e.VATRate == l.VATRate
	}
	if same {
		return Refuse(field, "refusal.line_edit_changes_nothing", lineArg(l.ID), locale.Text(l.SKU))
	}
	return nil
}

// check validates an added product; field is "add[i]".
func (a NewLine) check(field string) error {
	switch {
	case strings.TrimSpace(a.SKU) == "":
		return Refuse(field+".sku", "refusal.sku_empty_added")
	case strings.TrimSpace(a.Name) == "":
		return Refuse(field+".name", "refusal.product_name_empty", locale.Text(a.SKU))
	case a.Quantity < 1:
		return Refuse(field+".quantity", "refusal.quantity_below_one", qty(a.Quantity), locale.Text(a.SKU))
	case a.Quantity > MaxQuantity:
		return Refuse(field+".quantity", "refusal.quantity_above_max", qty(a.Quantity), locale.Text(a.SKU), qty(MaxQuantity))
	case !ValidVATRate(a.VATRate):
		return Refuse(field+".vat_rate", "refusal.vat_rate_unknown", locale.Percent(a.VATRate))
	}
	return checkPrice(field+".unit_price", a.UnitPrice)
}

func checkPrice(field string, cents int64) error {
	switch {
	case cents < 0:
		return Refuse(field, "refusal.price_negative", eur(cents))
	case cents > MaxUnitPrice:
		return Refuse(field, "refusal.price_above_max", eur(cents), eur(MaxUnitPrice))
	}
	return nil
}

// ContentResult is the order before and after a content change, and what
// the change means for the customer's money.
type ContentResult struct {
	Before Totals `json:"before"`
	After  Totals `json:"after"`
	// Lines are the lines after the change, in the order's order, added
	// products last with ID 0 (the store inserts them). A removed line is
	// gone, unless it carries cancelled or shipped quantities: it then
	// stays, with nothing remaining, so its history is not lost.
	Lines []Line `json:"lines"`
	// Removed is what left the order through Quantities: each line as it
	// was, with the quantity taken out.
	Removed []Line `json:"removed"`
	// Added are the products added, as in Lines.
	Added []Line `json:"added,omitempty"`
	// Edited are the lines an edit changed, before and after.
	Edited   []LineDiff     `json:"edited,omitempty"`
	Shipping ShippingChange `json:"shipping"`
}

// LineDiff is one edited line before and after the edit.
type LineDiff struct {
	Before Line `json:"before"`
	After  Line `json:"after"`
}

// SKUChanged reports whether the edit changed the SKU.
func (d LineDiff) SKUChanged() bool { return d.Before.SKU != d.After.SKU }

// NameChanged reports whether the edit changed the name.
func (d LineDiff) NameChanged() bool { return d.Before.Name != d.After.Name }

// PriceChanged reports whether the edit changed the unit price.
func (d LineDiff) PriceChanged() bool { return d.Before.UnitPrice != d.After.UnitPrice }

// QuantityChanged reports whether the edit changed the remaining quantity.
func (d LineDiff) QuantityChanged() bool { return d.Before.Remaining() != d.After.Remaining() }

// VATChanged reports whether the edit changed the VAT rate.
func (d LineDiff) VATChanged() bool { return d.Before.VATRate != d.After.VATRate }

// ShippingChange tells whether the change moved the shipping fee, e.g. free
// shipping lost when the merchandise falls under the threshold.
type ShippingChange struct {
	Before int64 `json:"before_cents"`
	After  int64 `json:"after_cents"`
}

// FreeShippingLost reports whether the order had free shipping and no longer has.
func (s ShippingChange) FreeShippingLost() bool { return s.Before == 0 && s.After > 0 }

// Changed reports whether the fee moved.
func (s ShippingChange) Changed() bool { return s.Before != s.After }

// Note calls the change out for an agent, in French unless locale is "en":
// "livraison gratuite perdue : +6,90 €", "frais de port : 6,90 € → 0,00 €",
// or "" when the fee did not move.
func (s ShippingChange) Note(currency, locale string) string {
	m := func(c int64) string { return Money{Cents: c, Currency: currency}.Format(locale) }
	switch {
	case !s.Changed():
		return ""
	case s.FreeShippingLost() && locale == "en":
		return "free shipping lost: +" + m(s.After)
	case s.FreeShippingLost():
		return "livraison gratuite perdue\u00a0: +" + m(s.After)
	case locale == "en":
		return "shipping: " + m(s.Before) + " → " + m(s.After)
	default:
		return "frais de port\u00a0: " + m(s.Before) + " → " + m(s.After)
	}
}

// ApplyContentChange validates the change and returns the order's new
// lines and totals: removals, edits and additions applied, the shipping
// fee recalculated from the order's own rules when asked (a percent
// discount follows the new merchandise total, a fixed one never exceeds
// it). The order itself is not modified.
func ApplyContentChange(o Order, c ContentChange) (ContentResult, error) {
	if err := CheckModifiable(o); err != nil {
		return ContentResult{}, err
	}
	if err := c.Validate(o); err != nil {
		return ContentResult{}, err
	}
	want := make(map[int64]int64, len(c.Quantities))
	for _, q := range c.Quantities {
		want[q.LineID] = q.Quantity
	}
	edits := make(map[int64]LineEdit, len(c.Edits))
	for _, e := range c.Edits {
		edits[e.LineID] = e
	}
	res := ContentResult{Before: Reprice(o)}
	for _, l := range o.Lines {
		if e, ok := edits[l.ID]; ok {
			after := e.apply(l)
			res.Edited = append(res.Edited, LineDiff{Before: l, After: after})
			res.Lines = append(res.Lines, after)
			continue
		}
		q, ok := want[l.ID]
		if !ok {
			q = l.Remaining()
		}
		if q < l.Remaining() {
			gone := l
			gone.Quantity, gone.QtyCancelled, gone.QtyShipped, gone.QtyCompleted = l.Remaining()-q, 0, 0, 0
			res.Removed = append(res.Removed, gone)
		}
		l.Quantity = q + l.QtyCancelled
		if q > 0 || l.QtyCancelled > 0 || l.Delivered() > 0 {
			res.Lines = append(res.Lines, l)
		}
	}
	for _, a := range c.Add {
		l := Line{SKU: strings.TrimSpace(a.SKU), Name: strings.TrimSpace(a.Name), UnitPrice: a.UnitPrice,
			Quantity: a.Quantity, VATRate: a.VATRate, Physical: a.Physical}
		res.Added = append(res.Added, l)
		res.Lines = append(res.Lines, l)
	}
	fee := o.ShippingFee
	if c.RecalcShipping {
		fee = ShippingFee(o.ShippingRules, MerchandiseTotal(res.Lines))
	}
	res.Shipping = ShippingChange{Before: o.ShippingFee, After: fee}
	res.After = Price(res.Lines, o.Discount, fee, o.ShippingRules.VATRate)
	return res, nil
}

// apply returns l with the edit's fields set.
func (e LineEdit) apply(l Line) Line {
	if e.SKU != nil {
		l.SKU = strings.TrimSpace(*e.SKU)
	}
	if e.Name != nil {
		l.Name = strings.TrimSpace(*e.Name)
	}
	if e.UnitPrice != nil {
		l.UnitPrice = *e.UnitPrice
	}
	if e.VATRate != nil {
		l.VATRate = *e.VATRate
	}
	if e.Quantity != nil {
		l.Quantity = *e.Quantity + l.QtyCancelled
	}
	return l
}

// ContentPreview is what the agent sees before a content change starts
// (the « Confirmation et règlement » step of the form): computed by the same
// code as the procedure, so what is shown is what will happen.
type ContentPreview struct {
	Result     ContentResult `json:"result"` // new lines and totals
	Settlement Settlement    `json:"settlement"`
	// ShippingNote calls the fee change out in French ("livraison
	// gratuite perdue : +6,90 €"); empty when the fee does not move.
	ShippingNote string `json:"shipping_note,omitempty"`
	// Summary says in French what happens with the money ("À rembourser
	// au client : 52,80 €").
	Summary string `json:"summary"`
}

// Preview applies the change to the order as the procedure will, given
// what the customer paid net of refunds, and says what it means. It
// refuses what the procedure would refuse, with the same errors.
func Preview(o Order, c ContentChange, paid Position) (ContentPreview, error) {
	res, err := ApplyContentChange(o, c)
	if err != nil {
		return ContentPreview{}, err
	}
	s := SettleChange(o.PaymentMethod, paid, res.Before.Total, res.After.Total)
	return ContentPreview{
		Result:       res,
		Settlement:   s,
		ShippingNote: res.Shipping.Note(o.Currency, "fr"),
		Summary:      s.Summary(o.Currency, "fr"),
	}, nil
}

// Describe lists lines as "2 × Mug (MUG-01)" for emails and history, with
// the quantity each line carries (removed, added or cancelled).
func Describe(lines []Line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprintf("%d × %s (%s)", l.Quantity, l.Name, l.SKU)
	}
	return strings.Join(parts, ", ")
}
