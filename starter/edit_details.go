package starter

import (
	"context"
	"fmt"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// EditDetailsRequest asks to edit an order's details
// : name, email, phone, addresses, method names, shipping fee,
// discount. Nil fields of Edit are left as they are.
type EditDetailsRequest struct {
	OrderNumber string
	RequestID   string // from the caller: the same id starts one procedure, not two
	Agent       string
	Role        string
	Channel     order.ContactChannel // how the customer asked (optional)
	Edit        order.DetailsEdit
	// Notify emails the customer the details_changed email. Nil is the
	// default: only when the total changes (the customer is refunded or
	// owes a balance); a corrected typo gets no email.
	Notify *bool
}

// OrderDetails returns the order and its current details, as the edit
// form shows them.
func (s *Starter) OrderDetails(ctx context.Context, number string) (order.Order, order.Details, error) {
	o, err := s.order(ctx, number)
	return o, order.DetailsOf(o), err
}

// PreviewDetails says what an edit would do, as the procedure would do
// it: the changes, the new total and the refund or balance. It refuses
// what the procedure would refuse, and writes nothing.
func (s *Starter) PreviewDetails(ctx context.Context, number string, edit order.DetailsEdit) (order.Order, order.DetailsPreview, error) {
	o, cur, err := s.OrderDetails(ctx, number)
	if err != nil {
		return o, order.DetailsPreview{}, err
	}
	paid, err := s.orders.MoneyPosition(ctx, o.ID)
	if err != nil {
		return o, order.DetailsPreview{}, err
	}
	p, err := order.PreviewDetails(o, cur, edit, paid)
	return o, p, err
}

// EditDetails validates the edit against the order and starts the
// edit-details procedure. Bad input is refused with an *order.FieldError
// naming the field (an empty name, a malformed email, a missing postal
// code, a negative fee, a discount above 100 % or above the merchandise,
// a delivery address once shipped or while the warehouse prepares the
// order, an edit that changes nothing), and nothing is started or written.
func (s *Starter) EditDetails(ctx context.Context, req EditDetailsRequest) (Run, error) {
	return s.startOnce(ctx, workflows.ProcEditDetails, req.OrderNumber, req.RequestID, req.Agent, func(id string) (Run, error) {
		if err := s.checkAgent(ctx, req.Agent); err != nil {
			return Run{}, err
		}
		if req.Channel != "" && !req.Channel.Valid() {
			return Run{}, order.Refuse("channel", "refusal.contact_channel_unknown", locale.Text(string(req.Channel)))
		}
		o, cur, err := s.OrderDetails(ctx, req.OrderNumber)
		if err != nil {
			return Run{}, err
		}
		res, err := order.ApplyDetails(o, cur, req.Edit)
		if err != nil {
			return Run{}, err
		}
		notify := res.MoneyChanged()
		if req.Notify != nil {
			notify = *req.Notify
		}
		in := workflows.EditDetailsInput{
			OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, Role: req.Role, Channel: req.Channel,
			Edit: req.Edit, Notify: notify, Settings: s.settings(),
		}
		return s.start(ctx, id, workflows.ProcEditDetails, o, fmt.Sprintf("Modifier les informations de %s", o.Number), in)
	})
}
