package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// The warehouse reports a parcel through the API the way an agent marks
// items shipped on the order page: it starts the fulfil
// procedure, which records the parcel and emails the customer.
//
//	POST /api/orders/{number}/shipments
//	{"request_id": "parcel-6A123", "carrier": "Colissimo", "tracking": "6A123",
//	 "lines": [{"sku": "MUG-01", "quantity": 2}], "notify": true, "actor": "entrepôt Lyon"}
//
// request_id is required: the warehouse's own id of the parcel, so a call
// retried after a timeout starts one procedure, not two (the answer then
// says "existing": true). Without lines, everything left to ship leaves.
// The answer (202) names the procedure; the order's state follows it.

// fulfiller starts the fulfil procedure.
type fulfiller interface {
	Fulfil(ctx context.Context, req starter.FulfilRequest) (starter.Run, error)
}

// apiShipmentRequest is the body of POST /api/orders/{number}/shipments.
type apiShipmentRequest struct {
	RequestID string            `json:"request_id"`
	Carrier   string            `json:"carrier"`
	Tracking  string            `json:"tracking"`
	Lines     []apiShipmentLine `json:"lines"`
	Notify    *bool             `json:"notify"` // default true, as on the form
	Actor     string            `json:"actor"`
}

type apiShipmentLine struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// shipment starts the fulfil procedure for a parcel the warehouse sent.
func (s *server) shipment(w http.ResponseWriter, r *http.Request) error {
	var req apiShipmentRequest
	if err := decodeJSON(r, w, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.RequestID) == "" {
		return order.Refuse("request_id", "refusal.parcel_id_missing")
	}
	number := r.PathValue("number")
	o, err := s.store.GetOrder(r.Context(), number)
	if err != nil {
		return err // store.ErrNotFound: 404
	}
	ship := order.DefaultShip(o)
	if len(req.Lines) > 0 {
		ship = ship[:0]
		for i, l := range req.Lines {
			line, ok := o.LineBySKU(l.SKU)
			if !ok {
				return order.Refuse(fmt.Sprintf("lines[%d].sku", i), "refusal.order_no_product", locale.Text(o.Number), locale.Text(l.SKU))
			}
			ship = append(ship, order.LineQuantity{LineID: line.ID, Quantity: l.Quantity})
		}
	}
	actor := strings.TrimSpace(req.Actor)
	if actor == "" {
		actor = "entrepôt (API)"
	}
	notify := req.Notify == nil || *req.Notify
	run, err := s.starter.Fulfil(r.Context(), starter.FulfilRequest{
		OrderNumber: o.Number, RequestID: req.RequestID, Agent: actor,
		Ship: ship, Carrier: req.Carrier, Tracking: req.Tracking, Notify: notify,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"workflow_id": run.WorkflowID, "existing": run.Existing, "procedure": workflows.ProcFulfil,
	})
	return nil
}
