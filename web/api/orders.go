package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web/internal/request"
)

// The orders API: the storefront hands over a new order (POST /api/orders),
// any system reads one (GET /api/orders/{number}), the warehouse moves its
// logistics status (POST /api/orders/{number}/logistics).

// Store is what the API reads and writes in the store: it reads orders
// as the pages do, and writes them straight in the two cases that are no
// procedure (a new order with its payment and history, a logistics
// status). *store.Store implements it.
type Store interface {
	GetOrder(ctx context.Context, number string) (order.Order, error)
	ListPayments(ctx context.Context, orderID int64) ([]store.Payment, error)
	PaidNet(ctx context.Context, orderID int64) (int64, error)
	PlaceOrder(ctx context.Context, o order.Order, p *store.Payment, events []store.Event) (order.Order, error)
	AddPayment(ctx context.Context, p store.Payment) (store.Payment, error)
	AddEvent(ctx context.Context, ev store.Event) (store.Event, error)
	EventByKey(ctx context.Context, key string) (store.Event, error)
	SetLogisticsStatus(ctx context.Context, number string, to order.LogisticsStatus, actor string) error
	GetReturnLabel(ctx context.Context, number string) (store.ReturnLabel, bool, error)
}

// orderNotifier starts the notify-new-order procedure, which emails the
// shop that an order arrived.
type orderNotifier interface {
	NotifyNewOrder(ctx context.Context, orderNumber string) (starter.Run, error)
}

// apiOrderRequest is the body of POST /api/orders: the order as the
// storefront took it, checked by order.AcceptOrder.
type apiOrderRequest = order.Intake

type (
	apiShippingRules = order.IntakeShippingRules
	apiLine          = order.IntakeLine
	apiPayment       = order.IntakePayment
)

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

// createOrder is POST /api/orders. The order is validated and priced
// by the domain (order.AcceptOrder) before anything is written; then it is
// recorded (order, payment, history) and the shop is notified. The order
// number is the idempotency key: the same order posted again is answered
// 200 with the order as it stands (finishing what an interrupted first
// POST left undone), a different order under a number that exists is 409.
func (s *server) createOrder(w http.ResponseWriter, r *http.Request) error {
	var req apiOrderRequest
	if err := decodeJSON(r, w, &req); err != nil {
		return err
	}
	req = req.Normalized()
	o, err := order.AcceptOrder(req)
	if err != nil {
		return err
	}
	ctx := r.Context()
	existing, err := s.store.GetOrder(ctx, o.Number)
	switch {
	case err == nil:
		return s.repeatedOrder(w, r, req, existing)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	payment, events, err := placement(req, o)
	if err != nil {
		return err
	}
	stored, err := s.store.PlaceOrder(ctx, o, payment, events)
	if err != nil {
		// The same number posted at the same moment: the other request won.
		if existing, gerr := s.store.GetOrder(ctx, o.Number); gerr == nil {
			return s.repeatedOrder(w, r, req, existing)
		}
		return err
	}
	if err := s.notifyNewOrder(ctx, stored.Number); err != nil {
		return err
	}
	return s.writeAPIOrder(w, r, http.StatusCreated, stored.Number)
}

// repeatedOrder answers a POST for an order number that exists: the
// same order is a retry, finished and answered 200; another is 409 naming
// the first member that differs.
func (s *server) repeatedOrder(w http.ResponseWriter, r *http.Request, req apiOrderRequest, existing order.Order) error {
	ctx := r.Context()
	placed := req
	placed.TotalCents = nil
	var first apiOrderRequest
	ev, err := s.store.EventByKey(ctx, apiPlacedKey(existing.Number))
	switch {
	case err == nil:
		// Placed through the API: compare with the request as it was then,
		// not with the order as procedures may have changed it since.
		var data struct {
			Request apiOrderRequest `json:"request"`
		}
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			return fmt.Errorf("api: order_placed event of %s: %w", existing.Number, err)
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
	if err := s.placeOrder(ctx, req, existing); err != nil {
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
	// The history lines are phrases, said in the reader's language (the
	// agent's), never the customer's.
	events := []store.Event{{
		ActorKind: store.ActorCustomer, Actor: o.Customer.Email, Kind: "order_placed",
		Phrase: locale.Phr("history.order_placed", locale.Count(int(items)), locale.Amount(o.Totals.Total, o.Currency), locale.Text(o.ShippingRules.Method)),
		Data:   data, Key: apiPlacedKey(o.Number),
	}}
	p := req.Payment
	if p == nil {
		return nil, events, nil
	}
	events = append(events, store.Event{
		ActorKind: store.ActorSystem, Actor: string(o.PaymentMethod), Kind: "payment_received",
		Phrase: locale.Phr("history.payment_at_checkout", locale.Amount(*p.Amount, o.Currency), locale.Label("payment_method.", string(o.PaymentMethod), o.PaymentMethod.Label("fr")), locale.Text(p.Reference)),
		Key:    apiReceivedKey(o.Number),
	})
	return &store.Payment{
		Method: string(o.PaymentMethod), Amount: *p.Amount, Currency: o.Currency,
		Reference: p.Reference, IdempotencyKey: apiPaymentKey(o.Number),
	}, events, nil
}

// placeOrder finishes an order that exists already (a repeated POST, or
// an order that came in another way): its keyed history and payment, then
// the shop's notification.
func (s *server) placeOrder(ctx context.Context, req apiOrderRequest, o order.Order) error {
	payment, events, err := placement(req, o)
	if err != nil {
		return err
	}
	for _, ev := range events {
		ev.OrderID = o.ID
		if _, err := s.store.AddEvent(ctx, ev); err != nil {
			return err
		}
	}
	if payment != nil {
		payment.OrderID = o.ID
		if _, err := s.store.AddPayment(ctx, *payment); err != nil {
			return err
		}
	}
	return s.notifyNewOrder(ctx, o.Number)
}

// notifyNewOrder starts the notify-new-order procedure, whose workflow id
// is derived from the order number: one notification per order.
func (s *server) notifyNewOrder(ctx context.Context, number string) error {
	if _, err := s.starter.NotifyNewOrder(ctx, number); err != nil {
		ref := request.NewReference()
		s.log.Error("api: order recorded but the shop's notification did not start", "ref", ref, "order", number, "err", err)
		return &apiError{status: http.StatusServiceUnavailable, extra: map[string]any{"reference": ref},
			msg: fmt.Sprintf("order %s is recorded but the shop's notification could not be started (reference %s): send the same POST again", number, ref)}
	}
	return nil
}

// getOrder is GET /api/orders/{number}.
func (s *server) getOrder(w http.ResponseWriter, r *http.Request) error {
	return s.writeAPIOrder(w, r, http.StatusOK, r.PathValue("number"))
}

// apiLogisticsRequest is the body of POST /api/orders/{number}/logistics.
type apiLogisticsRequest struct {
	Status order.LogisticsStatus `json:"status"`
	// Actor names who moves the order in its history ("entrepôt Lyon");
	// "entrepôt (API)" when empty.
	Actor string `json:"actor,omitempty"`
}

// setLogistics is POST /api/orders/{number}/logistics: the warehouse
// moves the order. Refused with 409 while a procedure holds the order
// (held_by names it) and for a move that is not allowed (from and to name
// both statuses). Moving to the status the order has is a success.
func (s *server) setLogistics(w http.ResponseWriter, r *http.Request) error {
	var req apiLogisticsRequest
	if err := decodeJSON(r, w, &req); err != nil {
		return err
	}
	if !req.Status.Valid() {
		return order.Refuse("status", "refusal.logistics_status_use_one_of", locale.Text(string(req.Status)), locale.Text(logisticsList()))
	}
	actor := strings.TrimSpace(req.Actor)
	if actor == "" {
		actor = "entrepôt (API)"
	}
	number := r.PathValue("number")
	err := s.store.SetLogisticsStatus(r.Context(), number, req.Status, actor)
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
	o, err := s.store.GetOrder(r.Context(), number)
	if errors.Is(err, store.ErrNotFound) {
		return apiErrorf(http.StatusNotFound, "order %s does not exist", number)
	}
	if err != nil {
		return err
	}
	paid, err := s.store.PaidNet(r.Context(), o.ID)
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
