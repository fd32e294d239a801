package order

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
)

// Carriers are the carriers an agent picks from when marking items
// shipped (« sélectionnez un transporteur »); any other name
// can be typed ("Ajouter un nouveau").
var Carriers = []string{"Colissimo", "Chronopost", "Mondial Relay", "DPD", "GLS", "UPS", "DHL Express", "Lettre suivie"}

// trackingURLs are the carriers' public tracking pages, by carrier.
var trackingURLs = map[string]string{
	"colissimo":     "https://www.laposte.fr/outils/suivre-vos-envois?code=",
	"lettre suivie": "https://www.laposte.fr/outils/suivre-vos-envois?code=",
	"chronopost":    "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=",
	"mondial relay": "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition=",
	"dpd":           "https://trace.dpd.fr/fr/trace/",
	"gls":           "https://gls-group.com/FR/fr/suivi-colis?match=",
	"ups":           "https://www.ups.com/track?tracknum=",
	"dhl express":   "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id=",
}

// TrackingURL is the carrier's page that follows a parcel, or "" for a
// carrier without a known page or an empty tracking number.
func TrackingURL(carrier, tracking string) string {
	base, ok := trackingURLs[strings.ToLower(strings.TrimSpace(carrier))]
	if !ok || strings.TrimSpace(tracking) == "" {
		return ""
	}
	return base + url.QueryEscape(strings.TrimSpace(tracking))
}

// Limits on what an agent types about a shipment.
const (
	maxCarrier  = 100
	maxTracking = 100
)

// FulfilRequest is what an agent asks of the fulfil procedure:
// mark shipped all or part of the physical items, with a carrier and an
// optional tracking number, and mark non-physical items completed.
type FulfilRequest struct {
	// Ship is the quantity to mark shipped per physical line, at most
	// Line.Shippable. Forms start from DefaultShip: everything left.
	Ship []LineQuantity `json:"ship"`
	// Complete lists the non-physical lines to mark completed (all that
	// is left of each).
	Complete []int64 `json:"complete,omitempty"`
	// Carrier is required when something ships; Tracking is optional.
	Carrier  string `json:"carrier,omitempty"`
	Tracking string `json:"tracking,omitempty"`
	// Notify emails the customer (on by default, can be switched off).
	Notify bool `json:"notify"`
}

// FulfilResult is a fulfilment as applied to the order.
type FulfilResult struct {
	// Shipped are the physical lines shipped now, each with Quantity set
	// to the quantity shipped now; Completed the non-physical lines marked
	// completed now, each with Quantity set to what was completed.
	Shipped   []Line `json:"shipped"`
	Completed []Line `json:"completed"`
	// LeftToShip are the physical lines still to ship afterwards, each
	// with Quantity set to what is left.
	LeftToShip []Line `json:"left_to_ship"`
	// Lines are every line of the order afterwards.
	Lines     []Line          `json:"lines"`
	Before    Status          `json:"before"`
	Status    Status          `json:"status"`
	Logistics LogisticsStatus `json:"logistics"`
	Carrier   string          `json:"carrier,omitempty"`
	Tracking  string          `json:"tracking,omitempty"`
}

// Shippable is how many items of a physical line can still be marked
// shipped: ordered minus cancelled minus already shipped. Non-physical
// lines ship nothing.
func (l Line) Shippable() int64 {
	if !l.Physical {
		return 0
	}
	return max(l.Remaining()-l.QtyShipped, 0)
}

// Completable is how many items of a non-physical line can still be
// marked completed.
func (l Line) Completable() int64 {
	if l.Physical {
		return 0
	}
	return max(l.Remaining()-l.QtyCompleted, 0)
}

// CheckFulfillable says why nothing of the order can be marked shipped or
// completed now: it is not paid (naming its status), a procedure holds it
// while changing its content, or it is archived. The error is a *FieldError on "order".
func CheckFulfillable(o Order) error {
	switch o.Status {
	case StatusPaid, StatusPartiallyShipped, StatusShipped:
	case StatusCompleted:
		return Refuse("order", "refusal.ship_completed", locale.Text(o.Number))
	case StatusCancelled:
		return Refuse("order", "refusal.ship_cancelled", locale.Text(o.Number))
	default:
		return Refuse("order", "refusal.ship_not_paid", locale.Text(o.Number))
	}
	if o.HoldBy != "" {
		return Refuse("order", "refusal.order_held", locale.Text(o.Number), locale.Text(o.HoldBy))
	}
	return CheckNotArchived(o)
}

// DefaultShip selects everything left to ship, the starting point of the
// form (every item selected).
func DefaultShip(o Order) []LineQuantity {
	var out []LineQuantity
	for _, l := range o.Lines {
		if q := l.Shippable(); q > 0 {
			out = append(out, LineQuantity{LineID: l.ID, Quantity: q})
		}
	}
	return out
}

// DefaultComplete selects every non-physical line left to complete.
func DefaultComplete(o Order) []int64 {
	var out []int64
	for _, l := range o.Lines {
		if l.Completable() > 0 {
			out = append(out, l.ID)
		}
	}
	return out
}

// Validate checks the request against the order. Every error is a
// *FieldError: the order not paid or held ("order"), a line not in the
// order, named twice, not physical, or a quantity outside 1 to what is
// left to ship ("ship[i]", naming the line), a line to complete that is
// physical or already completed ("complete[i]"), a missing or too long
// carrier ("carrier"), a too long tracking number ("tracking"), or a
// request that does nothing ("ship").
func (r FulfilRequest) Validate(o Order) error {
	if err := CheckFulfillable(o); err != nil {
		return err
	}
	byID := make(map[int64]Line, len(o.Lines))
	for _, l := range o.Lines {
		byID[l.ID] = l
	}
	seen := map[int64]bool{}
	var shipped int64
	for i, q := range r.Ship {
		field := fmt.Sprintf("ship[%d]", i)
		l, ok := byID[q.LineID]
		switch {
		case !ok:
			return Refuse(field, "refusal.line_not_in_order", lineArg(q.LineID), locale.Text(o.Number))
		case seen[q.LineID]:
			return Refuse(field, "refusal.line_named_twice", lineArg(q.LineID), locale.Text(l.SKU))
		case !l.Physical:
			return Refuse(field, "refusal.ship_not_physical", locale.Text(l.SKU))
		case q.Quantity < 0:
			return Refuse(field, "refusal.quantity_negative", qty(q.Quantity), locale.Text(l.SKU))
		case q.Quantity > l.Shippable():
			return Refuse(field, "refusal.ship_above_left", qty(q.Quantity), locale.Text(l.SKU),
				qty(l.Shippable()), qty(l.Quantity), qty(l.QtyCancelled), qty(l.QtyShipped))
		}
		seen[q.LineID] = true
		shipped += q.Quantity
	}
	done := map[int64]bool{}
	for i, id := range r.Complete {
		field := fmt.Sprintf("complete[%d]", i)
		l, ok := byID[id]
		switch {
		case !ok:
			return Refuse(field, "refusal.line_not_in_order", lineArg(id), locale.Text(o.Number))
		case done[id]:
			return Refuse(field, "refusal.line_named_twice", lineArg(id), locale.Text(l.SKU))
		case l.Physical:
			return Refuse(field, "refusal.complete_physical", locale.Text(l.SKU))
		case l.Completable() == 0:
			return Refuse(field, "refusal.complete_nothing_left", locale.Text(l.SKU))
		}
		done[id] = true
	}
	carrier := strings.TrimSpace(r.Carrier)
	switch {
	case shipped == 0 && len(r.Complete) == 0:
		return Refuse("ship", "refusal.ship_nothing_selected")
	case shipped > 0 && carrier == "":
		return Refuse("carrier", "refusal.carrier_missing")
	case len(carrier) > maxCarrier:
		return Refuse("carrier", "refusal.carrier_too_long", locale.Count(maxCarrier))
	case len(strings.TrimSpace(r.Tracking)) > maxTracking:
		return Refuse("tracking", "refusal.tracking_too_long", locale.Count(maxTracking))
	}
	return nil
}

// ApplyFulfil validates the request and returns the order's lines,
// status and logistics status afterwards. The status moves paid →
// partially_shipped → shipped: shipped once every item left in the order
// is shipped (physical) or completed (non-physical), completed when the
// order holds nothing physical. The logistics status becomes shipped
// once every physical item left has shipped. The order is not modified.
func ApplyFulfil(o Order, r FulfilRequest) (FulfilResult, error) {
	if err := r.Validate(o); err != nil {
		return FulfilResult{}, err
	}
	ship := map[int64]int64{}
	for _, q := range r.Ship {
		ship[q.LineID] = q.Quantity
	}
	complete := map[int64]bool{}
	for _, id := range r.Complete {
		complete[id] = true
	}
	res := FulfilResult{Before: o.Status, Status: o.Status, Logistics: o.Logistics}
	if len(ship) > 0 {
		res.Carrier, res.Tracking = strings.TrimSpace(r.Carrier), strings.TrimSpace(r.Tracking)
	}
	physical, allShipped, allDelivered := false, true, true
	for _, l := range o.Lines {
		if q := ship[l.ID]; q > 0 {
			now := l
			now.Quantity, now.QtyShipped, now.QtyCompleted, now.QtyCancelled = q, 0, 0, 0
			res.Shipped = append(res.Shipped, now)
			l.QtyShipped += q
		}
		if complete[l.ID] {
			now := l
			now.Quantity, now.QtyShipped, now.QtyCompleted, now.QtyCancelled = l.Completable(), 0, 0, 0
			res.Completed = append(res.Completed, now)
			l.QtyCompleted += l.Completable()
		}
		if l.Physical && l.Remaining() > 0 {
			physical = true
		}
		if left := l.Shippable(); left > 0 {
			allShipped = false
			rest := l
			rest.Quantity, rest.QtyShipped, rest.QtyCompleted, rest.QtyCancelled = left, 0, 0, 0
			res.LeftToShip = append(res.LeftToShip, rest)
		}
		if l.Shippable() > 0 || l.Completable() > 0 {
			allDelivered = false
		}
		res.Lines = append(res.Lines, l)
	}
	next := StatusPartiallyShipped
	switch {
	case allDelivered && !physical:
		next = StatusCompleted
	case allDelivered:
		next = StatusShipped
	}
	if next != o.Status && o.Status.CanMoveTo(next) {
		res.Status = next
	}
	if physical && allShipped {
		res.Logistics = LogisticsShipped
	}
	return res, nil
}
