package starter

import (
	"context"
	"fmt"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// FulfilRequest asks to mark items of an order shipped, with a carrier and
// an optional tracking number, and non-physical items completed.
type FulfilRequest struct {
	OrderNumber string
	RequestID   string // from the caller: the same id starts one procedure, not two
	Agent       string
	Ship        []order.LineQuantity // quantity to ship per physical line (order.DefaultShip: everything left)
	Complete    []int64              // non-physical lines to mark completed
	Carrier     string
	Tracking    string
	Notify      bool // email the customer (on by default)
}

// Fulfil validates the request against the order and starts the fulfil
// procedure. Bad input (an order not paid, held by modify-content, a
// quantity above what is left to ship, nothing selected, no carrier) is
// refused with an error naming the field, and nothing is started or
// written.
func (s *Starter) Fulfil(ctx context.Context, req FulfilRequest) (Run, error) {
	id, run, done, err := s.startedAlready(ctx, workflows.ProcFulfil, req.OrderNumber, req.RequestID, req.Agent)
	if done {
		return run, err
	}
	o, err := s.order(ctx, req.OrderNumber)
	if err != nil {
		return Run{}, err
	}
	fr := order.FulfilRequest{Ship: req.Ship, Complete: req.Complete, Carrier: req.Carrier, Tracking: req.Tracking, Notify: req.Notify}
	if err := fr.Validate(o); err != nil {
		return Run{}, err
	}
	in := workflows.FulfilInput{OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, Request: fr, Lean: true}
	return s.start(ctx, id, workflows.ProcFulfil, o, fmt.Sprintf("Expédier %s", o.Number), in)
}
