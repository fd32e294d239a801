package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// fulfiller is the starter's fulfil procedure (part of Starter).
type fulfiller interface {
	Fulfil(ctx context.Context, req starter.FulfilRequest) (starter.Run, error)
}

// shipmentLister reads an order's shipments for the order page (part of
// OrderStore).
type shipmentLister interface {
	ListShipments(ctx context.Context, orderID int64) ([]store.Shipment, error)
}

// fulfilLine is one product of the ship form.
type fulfilLine struct {
	order.Line
	Left     int64  // left to ship (physical) or to complete (non-physical)
	Selected bool   // the agent ships or completes some of it
	Qty      string // the quantity to ship, as typed
}

// fulfilData is the data of the ship form.
type fulfilData struct {
	Layout
	Order     order.Order
	Lines     []fulfilLine
	Carriers  []string
	Carrier   string // chosen in the list, or "other"
	Other     string // the carrier typed when not in the list
	Tracking  string
	Notify    bool
	RequestID string
	Errors    fieldErrors
	lang      string
}

// fulfilBlocked says why nothing can be marked shipped now, or "".
func fulfilBlocked(o order.Order, lang string) string {
	switch {
	case o.Status != order.StatusPaid && o.Status != order.StatusPartiallyShipped && o.Status != order.StatusShipped:
		return tr(lang, "blocked.ship_status", statusArg(lang, o.Status))
	case o.HoldBy != "":
		return tr(lang, "blocked.ship_held", procedureArg(lang, o.HoldBy))
	}
	for _, l := range o.Lines {
		if l.Shippable() > 0 || l.Completable() > 0 {
			return ""
		}
	}
	return tr(lang, "blocked.ship_nothing_left")
}

// fulfilBlockedFor is why the order page's ship action is disabled, or "".
func (s *server) fulfilBlockedFor(o order.Order, lang string) string {
	return fulfilBlocked(o, lang)
}

// shipmentsOf reads the order's shipments, for the order page.
func (s *server) shipmentsOf(ctx context.Context, orderID int64) ([]store.Shipment, error) {
	return s.store.ListShipments(ctx, orderID)
}

// fulfilForm is GET /orders/{number}/ship: every item left selected,
// the customer email on.
func (s *server) fulfilForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrder(r.Context(), r.PathValue("number"))
	if err != nil {
		return err
	}
	if reason := s.fulfilBlockedFor(o, langOf(r)); reason != "" {
		return blockedPage(reason)
	}
	d := newFulfilData(r, o)
	d.Notify, d.RequestID, d.Carrier = true, newRequestID(), carrierFor(o.ShippingRules.Method)
	for _, l := range o.Lines {
		n := max(l.Shippable(), l.Completable())
		d.Lines = append(d.Lines, fulfilLine{Line: l, Left: n, Selected: n > 0, Qty: strconv.FormatInt(n, 10)})
	}
	return s.render(w, http.StatusOK, "fulfil", d)
}

// carrierFor is the carrier the ship form starts on: the one the order's
// shipping method names (« Mondial Relay point relais » is Mondial Relay),
// the list's first for a method that names none.
func carrierFor(method string) string {
	m := strings.ToLower(method)
	for _, c := range order.Carriers {
		if strings.Contains(m, strings.ToLower(c)) {
			return c
		}
	}
	return order.Carriers[0]
}

func newFulfilData(r *http.Request, o order.Order) fulfilData {
	return fulfilData{
		Layout: Layout{Title: tr(langOf(r), "fulfil.title"), Nav: "orders"},
		Order:  o, Carriers: order.Carriers, Errors: fieldErrors{}, lang: langOf(r),
	}
}

// fulfilSubmit is POST /orders/{number}/ship: starts the procedure and
// shows its page; bad input re-renders the form with the message next to
// the field, and nothing is started.
func (s *server) fulfilSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	f := s.starter
	if done, err := s.startedBefore(w, r, workflows.ProcFulfil, o.Number); done || err != nil {
		return err
	}
	d := newFulfilData(r, o)
	req := d.readForm(r)
	if reason := fulfilBlocked(o, d.lang); reason != "" {
		d.Errors["form"] = reason
	}
	if len(d.Errors) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "fulfil", d)
	}
	req.OrderNumber, req.Agent = o.Number, agentOf(r).Email
	run, err := f.Fulfil(ctx, req)
	if err != nil {
		var fe *order.FieldError
		if !errors.As(err, &fe) {
			return err
		}
		d.Errors[d.fieldOf(fe.Field)] = sayRefusal(fe, d.lang)
		return s.render(w, http.StatusUnprocessableEntity, "fulfil", d)
	}
	http.Redirect(w, r, procedureURL(run.WorkflowID), http.StatusSeeOther)
	return nil
}

// readForm reads the lines, the carrier, the tracking number and the
// email switch, keeping what was typed and noting what is wrong.
func (d *fulfilData) readForm(r *http.Request) starter.FulfilRequest {
	req := starter.FulfilRequest{RequestID: formRequestID(r)}
	d.RequestID = req.RequestID
	selected := tickedLines(r)
	for _, l := range d.Order.Lines {
		id := strconv.FormatInt(l.ID, 10)
		fl := fulfilLine{Line: l, Left: max(l.Shippable(), l.Completable()), Selected: selected[id], Qty: strings.TrimSpace(r.PostFormValue("qty_" + id))}
		if fl.Qty == "" {
			fl.Qty = "0"
		}
		d.Lines = append(d.Lines, fl)
		if !fl.Selected {
			continue
		}
		if !l.Physical {
			req.Complete = append(req.Complete, l.ID)
			continue
		}
		q, bad := typedQuantity(d.lang, fl.Qty, fl.Left, tr(d.lang, "fulfil.at_most_left", locale.Count(int(fl.Left)), locale.Text(l.SKU)))
		switch {
		case bad != "":
			d.Errors["qty_"+id] = bad
		case q > 0:
			req.Ship = append(req.Ship, order.LineQuantity{LineID: l.ID, Quantity: q})
		}
	}
	d.Carrier = strings.TrimSpace(r.PostFormValue("carrier"))
	d.Other = strings.TrimSpace(r.PostFormValue("carrier_other"))
	req.Carrier = d.Carrier
	if d.Carrier == "other" {
		req.Carrier = d.Other
	}
	d.Tracking = strings.TrimSpace(r.PostFormValue("tracking"))
	d.Notify = r.PostFormValue("notify") == "1"
	req.Tracking, req.Notify = d.Tracking, d.Notify
	if len(d.Errors) == 0 {
		switch {
		case len(req.Ship) == 0 && len(req.Complete) == 0:
			d.Errors["form"] = tr(d.lang, "fulfil.nothing_selected")
		case len(req.Ship) > 0 && req.Carrier == "":
			d.Errors["carrier"] = tr(d.lang, "fulfil.choose_carrier")
		}
	}
	return req
}

// fieldOf maps a refusal's field to the form's: ship[i] names the i-th
// line shipped, which the message names too.
func (d *fulfilData) fieldOf(field string) string {
	switch {
	case field == "carrier", field == "tracking":
		return field
	case strings.HasPrefix(field, "ship["):
		var i int
		if _, err := fmt.Sscanf(field, "ship[%d]", &i); err == nil {
			n := 0
			for _, l := range d.Lines {
				if l.Selected && l.Physical {
					if q, _ := formInt64(l.Qty); q > 0 {
						if n == i {
							return fmt.Sprintf("qty_%d", l.ID)
						}
						n++
					}
				}
			}
		}
	}
	return "form"
}
