package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web/internal/request"
)

// Returns through the API: the shop's systems start the return procedure
// (a customer's withdrawal taken by the storefront, a return announced by
// the customer service tool), the warehouse says the parcel came back, and
// anyone reads where a return is.
//
//	POST /api/orders/{number}/returns
//	{"request_id": "ret-881", "agent": "agent@orderdesk.test",
//	 "lines": [{"line_id": 12, "quantity": 1}], "reason": "withdrawal", "resolution": "refund"}
//	POST /api/returns/{number}/receipt   {"parcel_id": "6A-RET-991"}
//	GET  /api/returns/{number}
//
// request_id makes a retried start start one return: the same id answers
// the same return and number (200 instead of 201). A line is named by its
// line_id or its sku. The agent is the shop's agent on whose behalf the
// return is asked (an account of the agents table): the return's history
// and its approvals name them. A receipt's parcel_id makes a retried
// receipt record once; "proof_of_sending": true says the customer proved
// a withdrawal's parcel sent, without the parcel.

// returner starts returns and gives them their parcel.
type returner interface {
	StartReturn(ctx context.Context, req starter.ReturnRequest) (starter.ReturnRun, error)
	Receive(ctx context.Context, req starter.ReceiveRequest) (store.Return, error)
	FindReturn(ctx context.Context, ref string) (store.Return, error)
}

// apiReturnRequest is the body of POST /api/orders/{number}/returns.
type apiReturnRequest struct {
	RequestID  string                 `json:"request_id"`
	Agent      string                 `json:"agent"`
	Lines      []apiReturnLine        `json:"lines"`
	Reason     order.ReturnReason     `json:"reason"`
	Resolution order.ReturnResolution `json:"resolution"`
	Exchange   []order.Line           `json:"exchange,omitempty"`
}

type apiReturnLine struct {
	LineID   int64  `json:"line_id,omitempty"`
	SKU      string `json:"sku,omitempty"`
	Quantity int64  `json:"quantity"`
}

// apiReceiptRequest is the body of POST /api/returns/{number}/receipt.
type apiReceiptRequest struct {
	ParcelID       string `json:"parcel_id"`
	ProofOfSending bool   `json:"proof_of_sending,omitempty"`
	Agent          string `json:"agent,omitempty"`
}

// apiReturn is a return as the API answers it.
type apiReturn struct {
	Number         string                  `json:"number"`
	OrderNumber    string                  `json:"order_number"`
	WorkflowID     string                  `json:"workflow_id"`
	Status         string                  `json:"status"`
	Reason         order.ReturnReason      `json:"reason"`
	Resolution     order.ReturnResolution  `json:"resolution"`
	Lines          []apiReturnedLine       `json:"lines"`
	Settlement     *order.ReturnSettlement `json:"settlement,omitempty"`
	ToldAt         time.Time               `json:"told_at"`
	ReceivedAt     *time.Time              `json:"received_at,omitempty"`
	ParcelID       *string                 `json:"parcel_id,omitempty"`
	ProofOfSending bool                    `json:"proof_of_sending"`
	CreatedAt      time.Time               `json:"created_at"`
	UpdatedAt      time.Time               `json:"updated_at"`
	Existing       *bool                   `json:"existing,omitempty"` // on a start: the request id had started it already
	// Label is the carrier's prepaid return label, when a carrier made one.
	Label *store.ReturnLabel `json:"label,omitempty"`
}

type apiReturnedLine struct {
	LineID        int64  `json:"line_id"`
	SKU           string `json:"sku"`
	Name          string `json:"name"`
	Quantity      int64  `json:"quantity"`
	Accepted      *int64 `json:"accepted_quantity,omitempty"`
	RefusalReason string `json:"refusal_reason,omitempty"`
}

// apiReceipt is the answer to a receipt: the same for the same parcel.
type apiReceipt struct {
	Number         string     `json:"number"`
	ParcelID       string     `json:"parcel_id"`
	ProofOfSending bool       `json:"proof_of_sending"`
	ReceivedAt     *time.Time `json:"received_at,omitempty"`
}

// notFoundField answers a value that names nothing (an order, a return)
// 404, naming the field; other errors go on as they are.
func notFoundField(err error) error {
	var fe *order.FieldError
	if errors.Is(err, starter.ErrNotFound) && errors.As(err, &fe) {
		return &apiError{status: http.StatusNotFound, code: string(fe.Code), msg: fe.Message, field: fe.Field}
	}
	return err
}

// startReturn is POST /api/orders/{number}/returns.
func (s *server) startReturn(w http.ResponseWriter, r *http.Request) error {
	rs := s.starter
	var req apiReturnRequest
	if err := decodeJSON(r, w, &req); err != nil {
		return err
	}
	ctx := r.Context()
	number := r.PathValue("number")
	var err error
	rr := order.ReturnRequest{Reason: req.Reason, Resolution: req.Resolution, Exchange: req.Exchange}
	var o order.Order
	for i, l := range req.Lines {
		id := l.LineID
		if l.SKU != "" {
			if o.Number == "" {
				if o, err = s.store.GetOrder(ctx, number); errors.Is(err, store.ErrNotFound) {
					return &apiError{status: http.StatusNotFound, code: "refusal.order_not_found", field: "order",
						msg: order.Refuse("order", "refusal.order_not_found", locale.Text(number)).Message}
				} else if err != nil {
					return err
				}
			}
			line, ok := o.LineBySKU(l.SKU)
			if !ok {
				return order.Refuse(fmt.Sprintf("lines[%d].sku", i), "refusal.order_no_product", locale.Text(o.Number), locale.Text(l.SKU))
			}
			id = line.ID
		}
		rr.Lines = append(rr.Lines, order.ReturnLine{LineID: id, Quantity: l.Quantity})
	}
	run, err := rs.StartReturn(ctx, starter.ReturnRequest{OrderNumber: number, RequestID: strings.TrimSpace(req.RequestID),
		Agent: strings.TrimSpace(req.Agent), Request: rr})
	if err != nil {
		return notFoundField(err)
	}
	if run.Number == "" {
		// The procedure did not record the return in time: say where it
		// is, the same request id later answers its number.
		writeJSON(w, http.StatusAccepted, map[string]any{"workflow_id": run.WorkflowID, "existing": run.Existing})
		return nil
	}
	ret, err := rs.FindReturn(ctx, run.Number)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if run.Existing {
		status = http.StatusOK
	}
	out, err := s.apiReturnOf(ctx, ret)
	if err != nil {
		return err
	}
	out.Existing = &run.Existing
	writeJSON(w, status, out)
	return nil
}

// receiveReturn is POST /api/returns/{number}/receipt. It answers once the
// return shows the parcel, so the same parcel again answers the same.
func (s *server) receiveReturn(w http.ResponseWriter, r *http.Request) error {
	rs := s.starter
	var req apiReceiptRequest
	if err := decodeJSON(r, w, &req); err != nil {
		return err
	}
	ctx, cancel := request.UpdateContext(r, s.updateTimeout)
	defer cancel()
	parcel := strings.TrimSpace(req.ParcelID)
	ret, err := rs.Receive(ctx, starter.ReceiveRequest{Return: r.PathValue("number"), ParcelID: parcel,
		ProofOfSending: req.ProofOfSending, Agent: strings.TrimSpace(req.Agent)})
	if err != nil {
		return notFoundField(err)
	}
	// The procedure took the parcel; it records it in its next step.
	deadline := time.Now().Add(5 * time.Second)
	for ret.ParcelID == nil || *ret.ParcelID != parcel {
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if ret, err = rs.FindReturn(ctx, ret.Number); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, apiReceipt{Number: ret.Number, ParcelID: parcel, ProofOfSending: ret.ProofOfSending, ReceivedAt: ret.ReceivedAt})
	return nil
}

// getReturn is GET /api/returns/{number}.
func (s *server) getReturn(w http.ResponseWriter, r *http.Request) error {
	rs := s.starter
	ret, err := rs.FindReturn(r.Context(), r.PathValue("number"))
	if err != nil {
		return notFoundField(err)
	}
	out, err := s.apiReturnOf(r.Context(), ret)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiReturnOf(ctx context.Context, ret store.Return) (apiReturn, error) {
	o, err := s.store.GetOrder(ctx, ret.OrderNumber)
	if err != nil {
		return apiReturn{}, err
	}
	out := apiReturn{Number: ret.Number, OrderNumber: ret.OrderNumber, WorkflowID: ret.WorkflowID, Status: ret.Status,
		Reason: ret.Reason, Resolution: ret.Resolution, Settlement: ret.Settlement, ToldAt: ret.ToldAt, ReceivedAt: ret.ReceivedAt,
		ParcelID: ret.ParcelID, ProofOfSending: ret.ProofOfSending, CreatedAt: ret.CreatedAt, UpdatedAt: ret.UpdatedAt,
		Lines: []apiReturnedLine{}}
	for _, l := range ret.Lines {
		line := apiReturnedLine{LineID: l.LineID, Quantity: l.Quantity, Accepted: l.Accepted, RefusalReason: l.RefusalReason}
		if ol, ok := o.Line(l.LineID); ok {
			line.SKU, line.Name = ol.SKU, ol.Name
		}
		out.Lines = append(out.Lines, line)
	}
	if l, ok, err := s.store.GetReturnLabel(ctx, ret.Number); err != nil {
		return apiReturn{}, err
	} else if ok {
		out.Label = &l
	}
	return out, nil
}
