package workflows

// Fulfil is the shop's « Marquer les articles comme expédiés » and
// « Marquer les articles non-physiques comme finalisés » (and the shop's
// « marquer la commande comme expédiée »): all or part of the physical
// items leave with a carrier and an optional tracking number; chosen
// non-physical items are completed. Shipping the rest later is the same
// procedure again.
//
// Steps:
//  1. record the shipment: the parcel (carrier, tracking, lines and
//     quantities), the lines' shipped and completed quantities, the
//     order's status (paid → partially_shipped → shipped) and logistics
//     status (shipped once every physical item has), in one transaction
//     keyed by the procedure; refused, with nothing written, when the
//     order is not paid, a quantity is above what is left to ship, or
//     modify-content holds the order;
//  2. the customer email (items shipped, carrier, tracking link, what is
//     left to ship), unless the agent switched it off: written to the
//     outbox, then sent.
//
// Nothing waits for a person, and nothing is compensated: once recorded,
// the parcel has left.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
)

// FulfilInput is what an agent asks of the fulfil procedure.
type FulfilInput struct {
	OrderNumber string              `json:"order_number"`
	RequestID   string              `json:"request_id"`
	Agent       string              `json:"agent"`
	Request     order.FulfilRequest `json:"request"`
	// Lean: see Settings.Lean.
	Lean bool `json:"lean,omitempty"`
}

// FulfilResult is how the procedure ended.
type FulfilResult struct {
	Result  order.FulfilResult `json:"result"`
	EmailID int64              `json:"email_id,omitempty"`
}

// Fulfil runs the procedure; see the top of this file.
func Fulfil(ctx workflow.Context, in FulfilInput) (res FulfilResult, err error) {
	ctx, _ = beginLean(ctx, in.Lean)
	p := newProcedure(ctx, ProcFulfil, in.OrderNumber, in.Agent, 0, 0)
	if err := p.register(ctx); err != nil {
		return res, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	var orders *activities.Orders
	var emails *activities.Emails
	defer func() { p.state.Done = true }()

	// 1. Record the shipment.
	step := p.state.begin("fulfil", text(LabelRecordShipment))
	p.details(ctx, "Expédition")
	var out activities.FulfilOutput
	if err := db(ctx, orders.RecordFulfil, activities.FulfilInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Request: in.Request,
	}).Get(ctx, &out); err != nil {
		return res, p.fail(ctx, step, err)
	}
	res.Result = out.Result
	p.state.end(step, StepDone, fulfilText(out.Result))

	// 2. Tell the customer.
	if !in.Request.Notify {
		step = p.state.begin("email", text(LabelEmailCustomer))
		p.state.end(step, StepSkipped, text(DetailEmailNotSent, textArg("agent", in.Agent)))
		p.details(ctx, "Terminée")
		return res, nil
	}
	res.EmailID, err = p.email(ctx, false, nil, emails.QueueShippedEmail, activities.ShippedEmailInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email", Result: out.Result,
	}, nil)
	if err == nil {
		p.details(ctx, "Terminée")
	}
	return res, err
}

// fulfilText says what the record step did: the items shipped and their
// carrier, or else the items completed (the history has both).
func fulfilText(r order.FulfilResult) Text {
	if len(r.Shipped) == 0 {
		return text(DetailCompleted, textArg("items", order.Describe(r.Completed)))
	}
	carrier := r.Carrier
	if r.Tracking != "" {
		carrier += " (" + r.Tracking + ")"
	}
	return text(DetailShipped, textArg("carrier", carrier), textArg("items", order.Describe(r.Shipped)))
}
