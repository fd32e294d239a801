package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"

	"github.com/orderdesk/orderdesk/locale"
)

// cmdStartCancelRefund is `start cancel-refund`.
func cmdStartCancelRefund(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("start cancel-refund", "start cancel-refund --order NUMBER [--cancel SKU=QTY ...] [--refund AMOUNT] [--reason TEXT] [--preview] --agent EMAIL")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	var cancels listFlag
	fs.Var(&cancels, "cancel", "quantity to cancel, SKU=QTY; repeat for several products (default: every item that can be)")
	none := fs.Bool("no-cancel", false, "cancel nothing: refund only (a commercial gesture, with --reason)")
	amount := fs.String("refund", "", "amount to refund in euros, e.g. 12,50 (default: what the items cancelled free up, at most what was paid; 0: none)")
	shipping := fs.Bool("refund-shipping", false, "take the shipping fee off the order too")
	reason := fs.String("reason", "", "why (required to refund without cancelling)")
	agent := fs.String("agent", "", "the agent asking")
	role := fs.String("role", "agent", "the agent's role")
	noEmail := fs.Bool("no-email", false, "do not email the customer")
	preview := fs.Bool("preview", false, "show what the cancellation would do (new total, refund, what is left due) and start nothing")
	rid := requestIDFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if !*preview {
		if done, err := alreadyDone(ctx, s, cfg, workflows.ProcCancelRefund, *number, rid, *agent); done || err != nil {
			return err
		}
	}
	o, err := s.store.GetOrder(ctx, *number)
	if errors.Is(err, store.ErrNotFound) {
		return order.Refuse("order", "refusal.order_not_found", locale.Text(*number))
	}
	if err != nil {
		return err
	}
	req := order.CancelRequest{RefundShipping: *shipping, Reason: *reason, Notify: !*noEmail}
	switch {
	case *none:
	case len(cancels) == 0:
		req.Cancel = order.DefaultCancel(o)
	default:
		if req.Cancel, err = parseCancels(o, cancels); err != nil {
			return err
		}
	}
	if *amount == "" {
		req.RefundDefault = true
	} else if req.Refund, err = order.ParseCents(*amount); err != nil {
		return order.Refuse("refund", "refusal.amount_unreadable", locale.Text(*amount))
	}
	paid, err := s.store.MoneyPosition(ctx, o.ID)
	if err != nil {
		return err
	}
	plan, err := order.PlanCancel(o, req, paid)
	if err != nil {
		return err
	}
	if *preview {
		printCancelPreview(os.Stdout, o, plan)
		return nil
	}
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: rid.Value(), Agent: *agent, Role: *role, Cancel: plan.Request.Cancel,
		Refund: plan.Refund, RefundShipping: req.RefundShipping, Reason: req.Reason, Notify: req.Notify,
	})
	if err != nil {
		return err
	}
	announce(cfg, run, fmt.Sprintf(" (refund %s)", order.Money{Cents: plan.Refund, Currency: o.Currency}.French()))
	return followProcedure(ctx, s, run.WorkflowID, 30*time.Second)
}

// parseCancels reads --cancel SKU=QTY (or LINEID=QTY) pairs, in the order
// given: a refusal of the n-th quantity names --cancel and its product.
// How many can be cancelled is the domain's to say (order.PlanCancel).
func parseCancels(o order.Order, specs []string) ([]order.LineQuantity, error) {
	return parseLineQuantities(o, "cancel", "--cancel MUG-01=1", specs)
}

// printCancelPreview shows the figures of a cancellation, the ones the
// procedure will use and the web form's confirmation shows, in French.
func printCancelPreview(w io.Writer, o order.Order, p order.CancelPlan) {
	m := func(cents int64) string { return order.Money{Cents: cents, Currency: o.Currency}.French() }
	fmt.Fprintf(w, "Aperçu de l'annulation / du remboursement de %s (rien n'est encore fait) :\n", o.Number)
	for _, l := range p.Result.Cancelled {
		fmt.Fprintf(w, "  annulé          %d × %s (%s)\n", l.Quantity, l.Name, l.SKU)
	}
	if s := p.Result.Shipping; s.Changed() {
		fmt.Fprintf(w, "  frais de port   %s → %s\n", m(s.Before), m(s.After))
	}
	fmt.Fprintf(w, "  total           %s → %s\n", m(p.Result.Before.Total), m(p.NewTotal))
	if p.Result.OrderCancelled() && len(p.Result.Cancelled) > 0 {
		fmt.Fprintln(w, "  la commande sera annulée")
	}
	fmt.Fprintf(w, "  payé net        %s\n", m(p.PaidNet))
	fmt.Fprintf(w, "  remboursement   %s\n", m(p.Refund))
	if p.Refund != p.DefaultRefund {
		fmt.Fprintf(w, "                  (montant saisi : les articles annulés libèrent %s ; au plus %s)\n", m(p.DefaultRefund), m(p.MaxRefund))
	}
	if p.BalanceDue > 0 {
		fmt.Fprintf(w, "  reste à payer   %s\n", m(p.BalanceDue))
	}
}

// alreadyDone answers a command run again with the request id of a
// procedure it started: that procedure and where it is, before anything is
// read or checked on the order, which the first run may have changed. It
// is false when the request id (given with --request-id) started nothing.
func alreadyDone(ctx context.Context, s *services, cfg config, proc, number string, rid *requestID, agent string) (bool, error) {
	if rid.id == "" {
		return false, nil
	}
	run, found, err := s.starter.StartedBefore(ctx, proc, number, rid.id, agent)
	if err != nil || !found {
		return false, err
	}
	p, err := s.starter.Progress(ctx, run.WorkflowID)
	if err != nil {
		return true, err
	}
	if p.Status == "Running" {
		announce(cfg, run, "")
		return true, followProcedure(ctx, s, run.WorkflowID, 30*time.Second)
	}
	fmt.Printf("already done by this request id: %s (%s)\n", run.WorkflowID, strings.ToLower(p.Status))
	for _, step := range p.State.Steps {
		line := fmt.Sprintf("  [%s] %s", step.Status, step.Label)
		if step.Detail != "" {
			line += " — " + step.Detail
		}
		fmt.Println(line)
	}
	if p.State.Error != "" {
		fmt.Printf("  it failed: %s\n", p.State.Error)
	}
	fmt.Printf("  Temporal Web UI: %s\n", temporalLink(cfg, run.WorkflowID))
	return true, nil
}
