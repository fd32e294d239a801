package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
)

// cmdStartCancelRefund is `start cancel-refund` (seeds 003, 004).
func cmdStartCancelRefund(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("start cancel-refund", "start cancel-refund --order NUMBER [--cancel SKU=QTY ...] [--refund AMOUNT] [--reason TEXT] --agent EMAIL")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	var cancels listFlag
	fs.Var(&cancels, "cancel", "quantity to cancel, SKU=QTY; repeat for several products (default: every item that can be)")
	none := fs.Bool("no-cancel", false, "cancel nothing: refund only (a commercial gesture, with --reason)")
	amount := fs.String("refund", "", "amount to refund in euros, e.g. 12,50 (default: the most that can be refunded for what is cancelled; 0: none)")
	shipping := fs.Bool("refund-shipping", false, "take the shipping fee off the order too")
	reason := fs.String("reason", "", "why (required to refund without cancelling)")
	agent := fs.String("agent", "", "the agent asking")
	role := fs.String("role", "agent", "the agent's role")
	noEmail := fs.Bool("no-email", false, "do not email the customer")
	rid := requestIDFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	o, err := s.store.GetOrder(ctx, *number)
	if err != nil {
		return order.Fieldf("order", "order %s does not exist", *number)
	}
	req := order.CancelRequest{RefundShipping: *shipping, Reason: *reason, Notify: !*noEmail}
	switch {
	case *none:
	case len(cancels) == 0:
		req.Cancel = order.DefaultCancel(o)
	default:
		c, err := parseSets(o, cancels)
		if err != nil {
			return err
		}
		req.Cancel = c.Quantities
	}
	paid, err := s.store.PaidNet(ctx, o.ID)
	if err != nil {
		return err
	}
	if *amount == "" {
		req.Refund = order.DefaultRefund(o, req, paid)
	} else if req.Refund, err = order.ParseCents(*amount); err != nil {
		return order.Fieldf("refund", "%v", err)
	}
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: rid.Value(), Agent: *agent, Role: *role, Cancel: req.Cancel,
		Refund: req.Refund, RefundShipping: req.RefundShipping, Reason: req.Reason, Notify: req.Notify,
	})
	if err != nil {
		return err
	}
	announce(cfg, run, fmt.Sprintf(" (refund %s)", order.Money{Cents: req.Refund, Currency: o.Currency}.French()))
	return followProcedure(ctx, s, run.WorkflowID, 30*time.Second)
}
