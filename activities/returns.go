package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/carrier"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// Returns are the steps of the return procedure: the return's row, its
// receipt, its inspection, its status, and its customer email.
type Returns struct {
	Store *store.Store
	// Carrier makes the prepaid return label the instructions email
	// gives (return_label.go); nil: no carrier, the customer sends the
	// parcel their own way.
	Carrier carrier.Carrier
	// Shop is where the parcel goes back: the seller's name and address.
	Shop Shop
}

// shopZone is the time zone the withdrawal period is counted in.
var shopZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()

// BeginReturnInput records a return for its procedure.
type BeginReturnInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	RequestID   string              `json:"request_id"`
	Request     order.ReturnRequest `json:"request"`
	ToldAt      time.Time           `json:"told_at"`
	Rules       order.ReturnRules   `json:"rules"`
}

// BeginReturnOutput is the return recorded, the order it is about, what
// was returned before it and the withdrawal period.
type BeginReturnOutput struct {
	ReturnID int64           `json:"return_id"`
	Number   string          `json:"number"`
	Order    order.Order     `json:"order"`
	Returned map[int64]int64 `json:"returned"`
	// Delivered is the delivery date counted from (the last shipment
	// plus the rules' transit days); zero when nothing was shipped.
	Delivered time.Time `json:"delivered"`
	// Deadline is the end of the withdrawal period; InWindow says the
	// withdrawal was told before it.
	Deadline time.Time `json:"deadline"`
	InWindow bool      `json:"in_window"`
}

// BeginReturn records the return (once per procedure) with its number and
// a history line, and reads what the procedure decides on. Safe to run
// twice: the second run finds the return.
func (r *Returns) BeginReturn(ctx context.Context, in BeginReturnInput) (BeginReturnOutput, error) {
	ret, err := r.Store.CreateReturn(ctx, store.NewReturn{
		OrderNumber: in.OrderNumber, WorkflowID: in.Actor.WorkflowID, RequestID: in.RequestID,
		CreatedBy: in.Actor.Agent, Request: in.Request, ToldAt: in.ToldAt,
	})
	if err != nil {
		return BeginReturnOutput{}, classify(err)
	}
	o, err := r.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return BeginReturnOutput{}, classify(err)
	}
	returned, err := r.Store.ReturnedQuantities(ctx, o.ID, in.Actor.WorkflowID)
	if err != nil {
		return BeginReturnOutput{}, classify(err)
	}
	out := BeginReturnOutput{ReturnID: ret.ID, Number: ret.Number, Order: o, Returned: returned}
	last, shipped, err := r.Store.LastShipmentAt(ctx, o.ID)
	if err != nil {
		return BeginReturnOutput{}, classify(err)
	}
	if shipped {
		out.Delivered = in.Rules.DeliveredAround(last)
		out.Deadline = in.Rules.WithdrawalDeadline(out.Delivered, shopZone)
		out.InWindow = !ret.ToldAt.After(out.Deadline)
	}
	_, err = r.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: "return_requested", Key: in.Actor.WorkflowID + "/requested",
		Phrase: locale.Phr("history.return.requested", textArg(ret.Number), textArg(string(in.Request.Reason)), textArg(string(in.Request.Resolution))),
	})
	return out, classify(err)
}

// ReturnStatusInput moves a return to a status, with its settlement once
// inspected.
type ReturnStatusInput struct {
	OrderNumber string                  `json:"order_number"`
	Actor       Actor                   `json:"actor"`
	ReturnID    int64                   `json:"return_id"`
	Number      string                  `json:"number"`
	Status      string                  `json:"status"`
	Settlement  *order.ReturnSettlement `json:"settlement,omitempty"`
	Currency    string                  `json:"currency,omitempty"`
}

// SetReturnStatus moves the return to its status with a history line
// (written once per status).
func (r *Returns) SetReturnStatus(ctx context.Context, in ReturnStatusInput) error {
	if err := r.Store.SetReturnStatus(ctx, in.ReturnID, in.Status, in.Settlement); err != nil {
		return classify(err)
	}
	o, err := r.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	ph := locale.Phr("history.return.status", textArg(in.Number), textArg(in.Status))
	if s := in.Settlement; s != nil {
		ph = locale.Phr("history.return.settled", textArg(in.Number), amountArg(s.Refund, o.Currency), amountArg(s.BalanceDue, o.Currency))
	}
	_, err = r.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: "return_" + in.Status, Key: in.Actor.WorkflowID + "/status/" + in.Status, Phrase: ph,
	})
	return classify(err)
}

// ReturnReceiptInput is a return's parcel received, or its proof of
// sending.
type ReturnReceiptInput struct {
	OrderNumber    string    `json:"order_number"`
	Actor          Actor     `json:"actor"`
	ReturnID       int64     `json:"return_id"`
	Number         string    `json:"number"`
	ParcelID       string    `json:"parcel_id"`
	ProofOfSending bool      `json:"proof_of_sending,omitempty"`
	By             string    `json:"by,omitempty"`
	At             time.Time `json:"at"`
}

// RecordReturnReceipt records the parcel once (the store keys it by the
// parcel's id) with a history line. A parcel already received for another
// return fails for good: an agent looks at it.
func (r *Returns) RecordReturnReceipt(ctx context.Context, in ReturnReceiptInput) error {
	_, _, err := r.Store.RecordReturnReceipt(ctx, in.ReturnID, store.Receipt{ParcelID: in.ParcelID, ProofOfSending: in.ProofOfSending, At: in.At})
	if errors.Is(err, store.ErrParcelTaken) || errors.Is(err, store.ErrReturnReceived) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	if err != nil {
		return classify(err)
	}
	o, err := r.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	key, kind := locale.Key("history.return.received"), "return_received"
	if in.ProofOfSending {
		key, kind = "history.return.proof", "return_proof_of_sending"
	}
	actor, actorKind := in.By, store.ActorAgent
	if actor == "" {
		actor, actorKind = in.Actor.WorkflowID, store.ActorProcedure
	}
	_, err = r.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: actorKind, Actor: actor, WorkflowID: in.Actor.WorkflowID,
		Kind: kind, Key: in.Actor.WorkflowID + "/receipt/" + in.ParcelID,
		Phrase: locale.Phr(key, textArg(in.Number), textArg(in.ParcelID)),
	})
	return classify(err)
}

// ReturnInspectionInput is what the inspection said of each line.
type ReturnInspectionInput struct {
	OrderNumber string            `json:"order_number"`
	Actor       Actor             `json:"actor"`
	ReturnID    int64             `json:"return_id"`
	Number      string            `json:"number"`
	Lines       []store.Inspected `json:"lines"`
	Asked       int64             `json:"asked"`
}

// RecordReturnInspection records the inspection per line with a history
// line; run again, it writes the same.
func (r *Returns) RecordReturnInspection(ctx context.Context, in ReturnInspectionInput) error {
	if err := r.Store.RecordReturnInspection(ctx, in.ReturnID, in.Lines); err != nil {
		return classify(err)
	}
	o, err := r.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	var accepted int64
	for _, l := range in.Lines {
		accepted += l.Accepted
	}
	_, err = r.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: "return_inspected", Key: in.Actor.WorkflowID + "/inspected",
		Phrase: locale.Phr("history.return.inspected", textArg(in.Number), locale.Count(int(accepted)), locale.Count(int(in.Asked))),
	})
	return classify(err)
}

// ReturnEmailInput is the customer email of a return: its instructions,
// or a reminder that the parcel has not arrived.
type ReturnEmailInput struct {
	OrderNumber string             `json:"order_number"`
	Actor       Actor              `json:"actor"`
	Key         string             `json:"key"`
	Number      string             `json:"number"`
	Lines       []order.ReturnLine `json:"lines"`
	Exchange    bool               `json:"exchange,omitempty"`
	WaitUntil   time.Time          `json:"wait_until"`
	Reminder    bool               `json:"reminder,omitempty"`
	BySender    bool               `json:"by_sender,omitempty"`
}

// QueueReturnEmail renders the return's email in the customer's language
// and writes it to the outbox, once per key; with a carrier, the email
// gives the return's prepaid label (returnLabel).
func (r *Returns) QueueReturnEmail(ctx context.Context, in ReturnEmailInput) (EmailRef, error) {
	o, err := r.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return EmailRef{}, classify(err)
	}
	items := make([]order.Line, 0, len(in.Lines))
	for _, rl := range in.Lines {
		if l, ok := o.Line(rl.LineID); ok {
			l.Quantity = rl.Quantity
			items = append(items, l)
		}
	}
	label, err := r.returnLabel(ctx, o, in, items)
	if err != nil {
		return EmailRef{}, err
	}
	msg, err := mail.Render(mail.TemplateReturnInstructions, o.Customer.Locale, mail.ReturnInstructions{
		CustomerName: o.Customer.Name, OrderNumber: o.Number, ReturnNumber: in.Number, Items: items,
		Exchange: in.Exchange, WaitUntil: in.WaitUntil.In(shopZone), Reminder: in.Reminder,
		LabelURL: label.URL, LabelTracking: label.Tracking, LabelCarrier: label.Carrier,
	})
	if err != nil {
		return EmailRef{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("the return email of %s: %v", in.Number, err), ErrTypeInvalidInput, err)
	}
	return (&Emails{Store: r.Store}).enqueue(ctx, o, in.Actor, in.Key, in.BySender, msg)
}

// Inspected is what the inspection said of one line (store.Inspected),
// for the procedure, which does not reach the store.
type Inspected = store.Inspected

// The statuses of a return (store.Return*), for the procedure.
const (
	ReturnRequested  = store.ReturnRequested
	ReturnAuthorised = store.ReturnAuthorised
	ReturnReceived   = store.ReturnReceived
	ReturnInspected  = store.ReturnInspected
	ReturnRefunded   = store.ReturnRefunded
	ReturnExchanged  = store.ReturnExchanged
	ReturnRefused    = store.ReturnRefused
	ReturnExpired    = store.ReturnExpired
	ReturnCancelled  = store.ReturnCancelled
)
