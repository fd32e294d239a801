package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	netmail "net/mail"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
)

// The orders API: the storefront hands over a new order (POST /api/orders),
// any system reads one (GET /api/orders/{number}), the warehouse moves its
// logistics status (POST /api/orders/{number}/logistics).

// apiStore is what the API writes beyond what the pages read; *store.Store
// implements it.
type apiStore interface {
	InsertOrder(ctx context.Context, o order.Order) (order.Order, error)
	PlaceOrder(ctx context.Context, o order.Order, p *store.Payment, events []store.Event) (order.Order, error)
	AddPayment(ctx context.Context, p store.Payment) (store.Payment, error)
	AddEvent(ctx context.Context, ev store.Event) (store.Event, error)
	EventByKey(ctx context.Context, key string) (store.Event, error)
	SetLogisticsStatus(ctx context.Context, number string, to order.LogisticsStatus, actor string) error
	PaidNet(ctx context.Context, orderID int64) (int64, error)
}

var _ apiStore = (*store.Store)(nil)

// orderNotifier starts the notify-new-order procedure, which emails the
// shop that an order arrived; *starter.Collector implements it.
type orderNotifier interface {
	NotifyNewOrder(ctx context.Context, orderNumber string) (starter.Run, error)
}

func (s *server) apiStore() (apiStore, error) {
	if st, ok := s.store.(apiStore); ok {
		return st, nil
	}
	return nil, errors.New("web: the store cannot record orders")
}

// apiOrderRequest is the body of POST /api/orders: the order as the
// storefront took it. Totals are not part of it: orderdesk computes them
// (TotalCents is only checked against them). Members a missing value of
// would silently mean something (a price, a quantity, a VAT rate) are
// pointers, so "missing" is refused rather than read as zero.
type apiOrderRequest struct {
	Number        string              `json:"number"`
	Currency      string              `json:"currency,omitempty"`
	Customer      order.Customer      `json:"customer"`
	Billing       order.Address       `json:"billing_address"`
	Delivery      order.Address       `json:"delivery_address"`
	PaymentMethod order.PaymentMethod `json:"payment_method"`
	ShippingRules apiShippingRules    `json:"shipping_rules"`
	Discount      *order.Discount     `json:"discount,omitempty"`
	Lines         []apiLine           `json:"lines"`
	// Payment is the money already taken by a direct means (card, PayPal…):
	// the order is then paid. Without it the order is new.
	Payment *apiPayment `json:"payment,omitempty"`
	// TotalCents, when sent, must be the total orderdesk computes.
	TotalCents *int64 `json:"total_cents,omitempty"`
}

// apiShippingRules are the shipping rules in force when the order was
// placed, kept with the order for any later recalculation.
type apiShippingRules struct {
	Method   string `json:"method"`
	Fee      *int64 `json:"fee_cents"`
	FreeFrom int64  `json:"free_from_cents,omitempty"` // 0: never free
	VATRate  *int64 `json:"vat_rate_bp"`
}

// apiLine is one product of the order; prices are tax-inclusive.
type apiLine struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	UnitPrice *int64 `json:"unit_price_cents"`
	Quantity  *int64 `json:"quantity"`
	VATRate   *int64 `json:"vat_rate_bp"`
	Physical  *bool  `json:"physical"`
}

// apiPayment is the payment taken when the order was placed.
type apiPayment struct {
	Amount    *int64 `json:"amount_cents"`
	Reference string `json:"reference"`
}

// apiOrder is an order as the API answers it.
type apiOrder struct {
	Number        string                `json:"number"`
	Status        order.Status          `json:"status"`
	Logistics     order.LogisticsStatus `json:"logistics_status"`
	PaymentMethod order.PaymentMethod   `json:"payment_method"`
	Currency      string                `json:"currency"`
	Customer      order.Customer        `json:"customer"`
	Billing       order.Address         `json:"billing_address"`
	Delivery      order.Address         `json:"delivery_address"`
	ShippingRules order.ShippingRules   `json:"shipping_rules"`
	ShippingFee   int64                 `json:"shipping_fee_cents"`
	Discount      *order.Discount       `json:"discount,omitempty"`
	Lines         []order.Line          `json:"lines"`
	Totals        order.Totals          `json:"totals"`
	PaidNet       int64                 `json:"paid_net_cents"`    // paid, net of refunds
	HeldBy        string                `json:"held_by,omitempty"` // the procedure that holds the order
	CreatedAt     time.Time             `json:"created_at"`
	UpdatedAt     time.Time             `json:"updated_at"`
	ArchivedAt    *time.Time            `json:"archived_at,omitempty"`
}

// History keys of what the API writes, derived from the order number so a
// retried POST writes each once.
func apiPlacedKey(number string) string   { return "api/" + number + "/order_placed" }
func apiPaymentKey(number string) string  { return "api/" + number + "/payment" }
func apiReceivedKey(number string) string { return "api/" + number + "/payment_received" }

// apiCreateOrder is POST /api/orders. The order is validated and priced
// before anything is written; then it is recorded (order, payment, history)
// and the shop is notified. The order number is the idempotency key: the
// same order posted again is answered 200 with the order as it stands
// (finishing what an interrupted first POST left undone), a different
// order under a number that exists is 409.
func (s *server) apiCreateOrder(w http.ResponseWriter, r *http.Request) error {
	st, err := s.apiStore()
	if err != nil {
		return err
	}
	notifier, ok := s.starter.(orderNotifier)
	if !ok {
		return apiErrorf(http.StatusServiceUnavailable, "orderdesk is not connected to Temporal: orders cannot be taken (the shop could not be notified); try again later")
	}
	var req apiOrderRequest
	if err := decodeJSON(r, w, &req); err != nil {
		return err
	}
	req.normalize()
	o, err := req.order()
	if err != nil {
		return err
	}
	ctx := r.Context()
	existing, err := s.store.GetOrder(ctx, o.Number)
	switch {
	case err == nil:
		return s.apiRepeatedOrder(w, r, st, notifier, req, existing)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	payment, events, err := placement(req, o)
	if err != nil {
		return err
	}
	stored, err := st.PlaceOrder(ctx, o, payment, events)
	if err != nil {
		// The same number posted at the same moment: the other request won.
		if existing, gerr := s.store.GetOrder(ctx, o.Number); gerr == nil {
			return s.apiRepeatedOrder(w, r, st, notifier, req, existing)
		}
		return err
	}
	if err := s.notifyNewOrder(ctx, notifier, stored.Number); err != nil {
		return err
	}
	return s.writeAPIOrder(w, r, http.StatusCreated, stored.Number)
}

// apiRepeatedOrder answers a POST for an order number that exists: the
// same order is a retry, finished and answered 200; another is 409 naming
// the first member that differs.
func (s *server) apiRepeatedOrder(w http.ResponseWriter, r *http.Request, st apiStore, notifier orderNotifier, req apiOrderRequest, existing order.Order) error {
	ctx := r.Context()
	placed := req
	placed.TotalCents = nil
	var first apiOrderRequest
	ev, err := st.EventByKey(ctx, apiPlacedKey(existing.Number))
	switch {
	case err == nil:
		// Placed through the API: compare with the request as it was then,
		// not with the order as procedures may have changed it since.
		var data struct {
			Request apiOrderRequest `json:"request"`
		}
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			return fmt.Errorf("web: order_placed event of %s: %w", existing.Number, err)
		}
		first = data.Request
	case errors.Is(err, store.ErrNotFound):
		// No API history: another way in (an import), or a first POST that
		// stopped before writing it. Compare with the order as stored.
		payments, err := s.store.ListPayments(ctx, existing.ID)
		if err != nil {
			return err
		}
		first = requestOf(existing, payments, req.Payment)
	default:
		return err
	}
	if field := jsonDiff(first, placed); field != "" {
		return &apiError{status: http.StatusConflict, field: field,
			msg: fmt.Sprintf("order %s exists already with different content (%s differs): send the same order again, or another number", existing.Number, field)}
	}
	if err := s.apiPlaceOrder(ctx, st, notifier, req, existing); err != nil {
		return err
	}
	return s.writeAPIOrder(w, r, http.StatusOK, existing.Number)
}

// placement is what follows an order's row: its history and the payment
// already taken, each keyed by the order number so writing them again
// changes nothing.
func placement(req apiOrderRequest, o order.Order) (*store.Payment, []store.Event, error) {
	var items int64
	for _, l := range o.Lines {
		items += l.Quantity
	}
	placed := req
	placed.TotalCents = nil
	data, err := json.Marshal(map[string]any{"source": "api", "request": placed, "totals": o.Totals})
	if err != nil {
		return nil, nil, err
	}
	money := func(c int64) string { return order.Money{Cents: c, Currency: o.Currency}.French() }
	events := []store.Event{{
		ActorKind: store.ActorCustomer, Actor: o.Customer.Email, Kind: "order_placed",
		Message: fmt.Sprintf("Commande passée en ligne : %d article(s), %s, livraison %s", items, money(o.Totals.Total), o.ShippingRules.Method),
		Data:    data, Key: apiPlacedKey(o.Number),
	}}
	p := req.Payment
	if p == nil {
		return nil, events, nil
	}
	events = append(events, store.Event{
		ActorKind: store.ActorSystem, Actor: string(o.PaymentMethod), Kind: "payment_received",
		Message: fmt.Sprintf("Paiement reçu : %s par %s (%s)", money(*p.Amount), o.PaymentMethod.Label("fr"), p.Reference),
		Key:     apiReceivedKey(o.Number),
	})
	return &store.Payment{
		Method: string(o.PaymentMethod), Amount: *p.Amount, Currency: o.Currency,
		Reference: p.Reference, IdempotencyKey: apiPaymentKey(o.Number),
	}, events, nil
}

// apiPlaceOrder finishes an order that exists already (a repeated POST, or
// an order that came in another way): its keyed history and payment, then
// the shop's notification.
func (s *server) apiPlaceOrder(ctx context.Context, st apiStore, notifier orderNotifier, req apiOrderRequest, o order.Order) error {
	payment, events, err := placement(req, o)
	if err != nil {
		return err
	}
	for _, ev := range events {
		ev.OrderID = o.ID
		if _, err := st.AddEvent(ctx, ev); err != nil {
			return err
		}
	}
	if payment != nil {
		payment.OrderID = o.ID
		if _, err := st.AddPayment(ctx, *payment); err != nil {
			return err
		}
	}
	return s.notifyNewOrder(ctx, notifier, o.Number)
}

// notifyNewOrder starts the notify-new-order procedure, whose workflow id
// is derived from the order number: one notification per order.
func (s *server) notifyNewOrder(ctx context.Context, notifier orderNotifier, number string) error {
	if _, err := notifier.NotifyNewOrder(ctx, number); err != nil {
		ref := newReference()
		s.log.Error("web: API order recorded but the shop's notification did not start", "ref", ref, "order", number, "err", err)
		return &apiError{status: http.StatusServiceUnavailable, extra: map[string]any{"reference": ref},
			msg: fmt.Sprintf("order %s is recorded but the shop's notification could not be started (reference %s): send the same POST again", number, ref)}
	}
	return nil
}

// apiGetOrder is GET /api/orders/{number}.
func (s *server) apiGetOrder(w http.ResponseWriter, r *http.Request) error {
	return s.writeAPIOrder(w, r, http.StatusOK, r.PathValue("number"))
}

// apiLogisticsRequest is the body of POST /api/orders/{number}/logistics.
type apiLogisticsRequest struct {
	Status order.LogisticsStatus `json:"status"`
	// Actor names who moves the order in its history ("entrepôt Lyon");
	// "entrepôt (API)" when empty.
	Actor string `json:"actor,omitempty"`
}

// apiSetLogistics is POST /api/orders/{number}/logistics: the warehouse
// moves the order. Refused with 409 while a procedure holds the order
// (held_by names it) and for a move that is not allowed (from and to name
// both statuses). Moving to the status the order has is a success.
func (s *server) apiSetLogistics(w http.ResponseWriter, r *http.Request) error {
	st, err := s.apiStore()
	if err != nil {
		return err
	}
	var req apiLogisticsRequest
	if err := decodeJSON(r, w, &req); err != nil {
		return err
	}
	if !req.Status.Valid() {
		return order.Fieldf("status", "%q is not a logistics status: use one of %s", req.Status, logisticsList())
	}
	actor := strings.TrimSpace(req.Actor)
	if actor == "" {
		actor = "entrepôt (API)"
	}
	number := r.PathValue("number")
	err = st.SetLogisticsStatus(r.Context(), number, req.Status, actor)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return apiErrorf(http.StatusNotFound, "order %s does not exist", number)
	case errors.Is(err, store.ErrOrderHeld):
		o, gerr := s.store.GetOrder(r.Context(), number)
		if gerr != nil || o.HoldBy == "" {
			return &apiError{status: http.StatusConflict, msg: fmt.Sprintf("order %s is held by a procedure: try again when it is done (%v)", number, err)}
		}
		return &apiError{status: http.StatusConflict, extra: map[string]any{"held_by": o.HoldBy},
			msg: fmt.Sprintf("order %s is held by procedure %s (an agent is changing it): it cannot move to %s until the procedure ends", number, o.HoldBy, req.Status)}
	case errors.Is(err, store.ErrLogisticsMove):
		o, gerr := s.store.GetOrder(r.Context(), number)
		if gerr != nil {
			return &apiError{status: http.StatusConflict, msg: err.Error()}
		}
		return &apiError{status: http.StatusConflict, extra: map[string]any{"from": o.Logistics, "to": req.Status},
			msg: fmt.Sprintf("order %s is %s: it cannot move to %s (from %s it can move to %s)", number, o.Logistics, req.Status, o.Logistics, movesFrom(o.Logistics))}
	case err != nil:
		return err
	}
	return s.writeAPIOrder(w, r, http.StatusOK, number)
}

// writeAPIOrder answers with the order as it stands.
func (s *server) writeAPIOrder(w http.ResponseWriter, r *http.Request, status int, number string) error {
	st, err := s.apiStore()
	if err != nil {
		return err
	}
	o, err := s.store.GetOrder(r.Context(), number)
	if errors.Is(err, store.ErrNotFound) {
		return apiErrorf(http.StatusNotFound, "order %s does not exist", number)
	}
	if err != nil {
		return err
	}
	paid, err := st.PaidNet(r.Context(), o.ID)
	if err != nil {
		return err
	}
	out := apiOrder{
		Number: o.Number, Status: o.Status, Logistics: o.Logistics, PaymentMethod: o.PaymentMethod, Currency: o.Currency,
		Customer: o.Customer, Billing: o.Billing, Delivery: o.Delivery, ShippingRules: o.ShippingRules,
		ShippingFee: o.ShippingFee, Lines: o.Lines, Totals: o.Totals, PaidNet: paid, HeldBy: o.HoldBy,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, ArchivedAt: o.ArchivedAt,
	}
	if o.Discount.Kind != order.DiscountNone {
		d := o.Discount
		out.Discount = &d
	}
	writeJSON(w, status, out)
	return nil
}

// normalize trims the texts and fills the defaults, so that the order as
// stored and the comparison of a repeated POST do not depend on spacing.
func (req *apiOrderRequest) normalize() {
	req.Number = strings.TrimSpace(req.Number)
	req.Currency = strings.ToUpper(strings.TrimSpace(req.Currency))
	if req.Currency == "" {
		req.Currency = order.DefaultCurrency
	}
	c := &req.Customer
	c.Name, c.Email, c.Phone = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	c.Locale = strings.ToLower(strings.TrimSpace(c.Locale))
	if c.Locale == "" {
		c.Locale = "fr"
	}
	for _, a := range []*order.Address{&req.Billing, &req.Delivery} {
		a.Name, a.Line1, a.Line2 = strings.TrimSpace(a.Name), strings.TrimSpace(a.Line1), strings.TrimSpace(a.Line2)
		a.PostalCode, a.City = strings.TrimSpace(a.PostalCode), strings.TrimSpace(a.City)
		a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
		if a.Country == "" {
			a.Country = "FR"
		}
	}
	req.PaymentMethod = order.PaymentMethod(strings.TrimSpace(string(req.PaymentMethod)))
	req.ShippingRules.Method = strings.TrimSpace(req.ShippingRules.Method)
	if d := req.Discount; d != nil {
		d.Code = strings.TrimSpace(d.Code)
		if *d == (order.Discount{}) {
			req.Discount = nil
		}
	}
	for i := range req.Lines {
		req.Lines[i].SKU, req.Lines[i].Name = strings.TrimSpace(req.Lines[i].SKU), strings.TrimSpace(req.Lines[i].Name)
	}
	if p := req.Payment; p != nil {
		p.Reference = strings.TrimSpace(p.Reference)
	}
}

// orderNumberRE is what an order number may be: it goes into URLs and
// workflow ids.
var orderNumberRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// maxAPILines bounds the lines of one order, so no total can overflow.
const maxAPILines = 1000

// maxText bounds every text member.
const maxText = 500

// order validates the (normalized) request and returns the order to
// insert, priced by order.Price with the shipping fee from its own rules.
// Every refusal is an *order.FieldError naming the member at fault.
func (req apiOrderRequest) order() (order.Order, error) {
	if !orderNumberRE.MatchString(req.Number) {
		return order.Order{}, order.Fieldf("number", "%q is not an order number: 1 to 64 letters, digits, '-', '_' or '.', e.g. C-2026-000123", req.Number)
	}
	if req.Currency != order.DefaultCurrency {
		return order.Order{}, order.Fieldf("currency", "orders are in EUR, got %q", req.Currency)
	}
	if err := checkCustomer(req.Customer); err != nil {
		return order.Order{}, err
	}
	if err := checkAddress("billing_address", req.Billing); err != nil {
		return order.Order{}, err
	}
	if err := checkAddress("delivery_address", req.Delivery); err != nil {
		return order.Order{}, err
	}
	if !req.PaymentMethod.Valid() {
		return order.Order{}, order.Fieldf("payment_method", "%q is not a payment method: use one of %s", req.PaymentMethod, paymentList())
	}
	rules, err := req.ShippingRules.check()
	if err != nil {
		return order.Order{}, err
	}
	var discount order.Discount
	if req.Discount != nil {
		if err := checkDiscount(*req.Discount); err != nil {
			return order.Order{}, err
		}
		discount = *req.Discount
	}
	switch {
	case len(req.Lines) == 0:
		return order.Order{}, order.Fieldf("lines", "an order needs at least one line")
	case len(req.Lines) > maxAPILines:
		return order.Order{}, order.Fieldf("lines", "an order has at most %d lines, got %d", maxAPILines, len(req.Lines))
	}
	lines := make([]order.Line, len(req.Lines))
	for i, l := range req.Lines {
		if lines[i], err = l.check(fmt.Sprintf("lines[%d]", i)); err != nil {
			return order.Order{}, err
		}
	}
	fee := order.ShippingFee(rules, order.MerchandiseTotal(lines))
	totals := order.Price(lines, discount, fee, rules.VATRate)
	eur := func(c int64) string { return order.EUR(c).French() }
	if req.TotalCents != nil && *req.TotalCents != totals.Total {
		return order.Order{}, order.Fieldf("total_cents", "the total is %s (merchandise %s − discount %s + shipping %s), not %s: orderdesk computes the totals from the lines, the discount and the shipping rules",
			eur(totals.Total), eur(totals.Merchandise), eur(totals.Discount), eur(totals.Shipping), eur(*req.TotalCents))
	}
	status := order.StatusNew
	if p := req.Payment; p != nil {
		switch {
		case !req.PaymentMethod.Direct():
			return order.Order{}, order.Fieldf("payment", "an order paid by %s has no payment yet when it is placed: leave payment out, the shop collects it (payment procedure)", req.PaymentMethod)
		case p.Amount == nil:
			return order.Order{}, order.Fieldf("payment.amount_cents", "give the amount taken, in cents")
		case *p.Amount != totals.Total:
			return order.Order{}, order.Fieldf("payment.amount_cents", "the payment of %s is not the order's total of %s", eur(*p.Amount), eur(totals.Total))
		case *p.Amount <= 0:
			return order.Order{}, order.Fieldf("payment.amount_cents", "a payment must be above 0: leave payment out of an order with nothing to pay")
		case p.Reference == "":
			return order.Order{}, order.Fieldf("payment.reference", "give the payment provider's reference of the payment")
		case len(p.Reference) > maxText:
			return order.Order{}, order.Fieldf("payment.reference", "at most %d characters", maxText)
		}
		status = order.StatusPaid
	}
	return order.Order{
		Number: req.Number, Status: status, Logistics: order.LogisticsAwaitingPrinting,
		PaymentMethod: req.PaymentMethod, Currency: req.Currency,
		Customer: req.Customer, Billing: req.Billing, Delivery: req.Delivery,
		ShippingRules: rules, ShippingFee: fee, Discount: discount,
		Lines: lines, Totals: totals,
	}, nil
}

func checkCustomer(c order.Customer) error {
	switch {
	case c.Name == "":
		return order.Fieldf("customer.name", "give the customer's name")
	case len(c.Name) > maxText:
		return order.Fieldf("customer.name", "at most %d characters", maxText)
	case !validEmail(c.Email):
		return order.Fieldf("customer.email", "%q is not an email address", c.Email)
	case len(c.Phone) > 40:
		return order.Fieldf("customer.phone", "%q is not a phone number", c.Phone)
	case c.Locale != "fr" && c.Locale != "en":
		return order.Fieldf("customer.locale", "%q is not a language of the emails: use fr or en", c.Locale)
	}
	return nil
}

// validEmail accepts a bare address with a domain that has a dot, the shape
// the email provider will take.
func validEmail(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

var postalFR = regexp.MustCompile(`^[0-9]{5}$`)
var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

func checkAddress(field string, a order.Address) error {
	for _, m := range []struct{ name, value string }{{"name", a.Name}, {"line1", a.Line1}, {"postal_code", a.PostalCode}, {"city", a.City}} {
		if m.value == "" {
			return order.Fieldf(field+"."+m.name, "required")
		}
	}
	for _, m := range []struct{ name, value string }{{"name", a.Name}, {"line1", a.Line1}, {"line2", a.Line2}, {"postal_code", a.PostalCode}, {"city", a.City}} {
		if len(m.value) > maxText {
			return order.Fieldf(field+"."+m.name, "at most %d characters", maxText)
		}
	}
	switch {
	case !countryRE.MatchString(a.Country):
		return order.Fieldf(field+".country", "%q is not a country code: two letters (ISO 3166-1), e.g. FR", a.Country)
	case a.Country == "FR" && !postalFR.MatchString(a.Postal()):
		return order.Fieldf(field+".postal_code", "%q is not a French postal code (5 digits)", a.PostalCode)
	}
	return nil
}

func (r apiShippingRules) check() (order.ShippingRules, error) {
	switch {
	case r.Method == "":
		return order.ShippingRules{}, order.Fieldf("shipping_rules.method", "name the shipping method, e.g. Colissimo domicile")
	case len(r.Method) > maxText:
		return order.ShippingRules{}, order.Fieldf("shipping_rules.method", "at most %d characters", maxText)
	case r.Fee == nil:
		return order.ShippingRules{}, order.Fieldf("shipping_rules.fee_cents", "give the flat shipping fee in cents, tax included (0 for free shipping)")
	case *r.Fee < 0 || *r.Fee > order.MaxUnitPrice:
		return order.ShippingRules{}, order.Fieldf("shipping_rules.fee_cents", "%d is not a fee: 0 to %d cents", *r.Fee, order.MaxUnitPrice)
	case r.FreeFrom < 0:
		return order.ShippingRules{}, order.Fieldf("shipping_rules.free_from_cents", "%d is below 0: leave it out (or 0) when shipping is never free", r.FreeFrom)
	case r.VATRate == nil:
		return order.ShippingRules{}, order.Fieldf("shipping_rules.vat_rate_bp", "give the VAT rate of shipping in basis points, one of %v", order.VATRates)
	case !order.ValidVATRate(*r.VATRate):
		return order.ShippingRules{}, order.Fieldf("shipping_rules.vat_rate_bp", "%d bp is not a French VAT rate (one of %v)", *r.VATRate, order.VATRates)
	}
	return order.ShippingRules{Method: r.Method, Fee: *r.Fee, FreeFrom: r.FreeFrom, VATRate: *r.VATRate}, nil
}

func checkDiscount(d order.Discount) error {
	switch d.Kind {
	case order.DiscountFixed:
		switch {
		case d.Amount <= 0 || d.Amount > order.MaxUnitPrice:
			return order.Fieldf("discount.amount_cents", "a fixed discount is 1 to %d cents, got %d", order.MaxUnitPrice, d.Amount)
		case d.Percent != 0:
			return order.Fieldf("discount.percent_bp", "a fixed discount has no percentage")
		}
	case order.DiscountPercent:
		switch {
		case d.Percent <= 0 || d.Percent > 10000:
			return order.Fieldf("discount.percent_bp", "a percentage is 1 to 10000 basis points (10000 is 100 %%), got %d", d.Percent)
		case d.Amount != 0:
			return order.Fieldf("discount.amount_cents", "a percent discount has no amount: orderdesk computes it")
		}
	default:
		return order.Fieldf("discount.kind", "%q is not a discount kind: use fixed or percent", d.Kind)
	}
	if len(d.Code) > maxText {
		return order.Fieldf("discount.code", "at most %d characters", maxText)
	}
	return nil
}

func (l apiLine) check(field string) (order.Line, error) {
	switch {
	case l.SKU == "":
		return order.Line{}, order.Fieldf(field+".sku", "required")
	case len(l.SKU) > maxText:
		return order.Line{}, order.Fieldf(field+".sku", "at most %d characters", maxText)
	case l.Name == "":
		return order.Line{}, order.Fieldf(field+".name", "required")
	case len(l.Name) > maxText:
		return order.Line{}, order.Fieldf(field+".name", "at most %d characters", maxText)
	case l.UnitPrice == nil:
		return order.Line{}, order.Fieldf(field+".unit_price_cents", "give the unit price in cents, tax included")
	case *l.UnitPrice < 0 || *l.UnitPrice > order.MaxUnitPrice:
		return order.Line{}, order.Fieldf(field+".unit_price_cents", "%d is not a unit price: 0 to %d cents", *l.UnitPrice, order.MaxUnitPrice)
	case l.Quantity == nil:
		return order.Line{}, order.Fieldf(field+".quantity", "give the quantity ordered")
	case *l.Quantity < 1 || *l.Quantity > order.MaxQuantity:
		return order.Line{}, order.Fieldf(field+".quantity", "%d is not a quantity: 1 to %d", *l.Quantity, order.MaxQuantity)
	case l.VATRate == nil:
		return order.Line{}, order.Fieldf(field+".vat_rate_bp", "give the VAT rate in basis points, one of %v", order.VATRates)
	case !order.ValidVATRate(*l.VATRate):
		return order.Line{}, order.Fieldf(field+".vat_rate_bp", "%d bp is not a French VAT rate (one of %v)", *l.VATRate, order.VATRates)
	case l.Physical == nil:
		return order.Line{}, order.Fieldf(field+".physical", "say whether the product is shipped (true) or not (false)")
	}
	return order.Line{SKU: l.SKU, Name: l.Name, UnitPrice: *l.UnitPrice, Quantity: *l.Quantity, VATRate: *l.VATRate, Physical: *l.Physical}, nil
}

// requestOf is the request that would have placed o as stored, for a POST
// of an order the API has no history of. Its payment is the one the API
// keyed, else the one posted when the order is paid and has no other
// payment (the first POST stopped before writing it).
func requestOf(o order.Order, payments []store.Payment, posted *apiPayment) apiOrderRequest {
	req := apiOrderRequest{
		Number: o.Number, Currency: o.Currency, Customer: o.Customer, Billing: o.Billing, Delivery: o.Delivery,
		PaymentMethod: o.PaymentMethod,
		ShippingRules: apiShippingRules{Method: o.ShippingRules.Method, Fee: &o.ShippingRules.Fee, FreeFrom: o.ShippingRules.FreeFrom, VATRate: &o.ShippingRules.VATRate},
	}
	if o.Discount != (order.Discount{}) {
		d := o.Discount
		req.Discount = &d
	}
	for _, l := range o.Lines {
		req.Lines = append(req.Lines, apiLine{SKU: l.SKU, Name: l.Name, UnitPrice: &l.UnitPrice, Quantity: &l.Quantity, VATRate: &l.VATRate, Physical: &l.Physical})
	}
	if i := slices.IndexFunc(payments, func(p store.Payment) bool { return p.IdempotencyKey == apiPaymentKey(o.Number) }); i >= 0 {
		req.Payment = &apiPayment{Amount: &payments[i].Amount, Reference: payments[i].Reference}
	} else if posted != nil && o.Status == order.StatusPaid && len(payments) == 0 {
		req.Payment = posted
	}
	return req
}

// jsonDiff returns the path of the first member where a and b differ as
// JSON ("lines[1].quantity"), or "" when they are the same.
func jsonDiff(a, b any) string {
	var x, y any
	for _, p := range []struct {
		v   any
		dst *any
	}{{a, &x}, {b, &y}} {
		data, err := json.Marshal(p.v)
		if err != nil {
			return "(unreadable)"
		}
		if err := json.Unmarshal(data, p.dst); err != nil {
			return "(unreadable)"
		}
	}
	return diffValues("", x, y)
}

func diffValues(path string, x, y any) string {
	here := path
	if here == "" {
		here = "order"
	}
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			return here
		}
		keys := make([]string, 0, len(xv)+len(yv))
		for k := range xv {
			keys = append(keys, k)
		}
		for k := range yv {
			if _, ok := xv[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			if d := diffValues(sub, xv[k], yv[k]); d != "" {
				return d
			}
		}
	case []any:
		yv, ok := y.([]any)
		if !ok || len(xv) != len(yv) {
			return here
		}
		for i := range xv {
			if d := diffValues(fmt.Sprintf("%s[%d]", path, i), xv[i], yv[i]); d != "" {
				return d
			}
		}
	default:
		if !reflect.DeepEqual(x, y) {
			return here
		}
	}
	return ""
}

func paymentList() string {
	names := make([]string, len(order.PaymentMethods))
	for i, p := range order.PaymentMethods {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

func logisticsList() string {
	names := make([]string, len(order.LogisticsStatuses))
	for i, l := range order.LogisticsStatuses {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

// movesFrom says where the warehouse may move an order from a status.
func movesFrom(from order.LogisticsStatus) string {
	var to []string
	for _, st := range order.LogisticsStatuses {
		if from.CanMoveTo(st) {
			to = append(to, string(st))
		}
	}
	if len(to) == 0 {
		return "nothing: it is the last status"
	}
	return strings.Join(to, " or ")
}
