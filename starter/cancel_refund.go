package starter

import (
	"context"
	"fmt"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// CancelRefundRequest asks to cancel items of an order and/or refund an
// amount.
type CancelRefundRequest struct {
	OrderNumber    string
	RequestID      string // from the caller: the same id starts one procedure, not two
	Agent          string
	Role           string
	Cancel         []order.LineQuantity // quantity to cancel per line (order.DefaultCancel: everything)
	Refund         int64                // cents to give back
	RefundDefault  bool                 // give back what the cancellation frees up (order.DefaultRefund) instead of Refund
	RefundShipping bool
	Reason         string // required to refund without cancelling (a commercial gesture)
	Notify         bool   // email the customer
	ReviewEmail    bool   // the agent reviews the email before it goes
}

// CancelRefund validates the request against the order and what was paid,
// and starts the cancel-refund procedure. Bad input is refused with an
// error naming the field, and nothing is started or written.
func (s *Starter) CancelRefund(ctx context.Context, req CancelRefundRequest) (Run, error) {
	return s.startOnce(ctx, workflows.ProcCancelRefund, req.OrderNumber, req.RequestID, req.Agent, func(id string) (Run, error) {
		if err := s.checkAgent(ctx, req.Agent); err != nil {
			return Run{}, err
		}
		o, err := s.order(ctx, req.OrderNumber)
		if err != nil {
			return Run{}, err
		}
		if o.HoldBy != "" {
			return Run{}, order.Refuse("order", "refusal.order_held", locale.Text(o.Number), locale.Text(o.HoldBy))
		}
		if err := order.CheckNotArchived(o); err != nil {
			return Run{}, err
		}
		paid, err := s.orders.MoneyPosition(ctx, o.ID)
		if err != nil {
			return Run{}, err
		}
		plan, err := order.PlanCancel(o, order.CancelRequest{
			Cancel: req.Cancel, Refund: req.Refund, RefundDefault: req.RefundDefault, RefundShipping: req.RefundShipping,
			Reason: req.Reason, Notify: req.Notify,
		}, paid)
		if err != nil {
			return Run{}, err
		}
		if req.Notify {
			if err := activities.CheckCancelEmail(o, plan.Result); err != nil {
				return Run{}, err
			}
		}
		in := workflows.CancelRefundInput{
			OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, Role: req.Role, Request: plan.Request,
			ReviewEmail: req.ReviewEmail, Settings: s.settings(),
		}
		return s.start(ctx, id, workflows.ProcCancelRefund, o, fmt.Sprintf("Annuler / rembourser %s", o.Number), in)
	})
}
