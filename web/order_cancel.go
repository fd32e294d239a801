package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// cancelLine is one product of the cancel form.
type cancelLine struct {
	order.Line
	Left     int64  // what can still be cancelled
	Selected bool   // the agent cancels some of it
	Qty      string // the quantity to cancel, as typed
}

// cancelData is the data of the cancel-items/refund form and its
// confirmation.
type cancelData struct {
	Layout
	Order       order.Order
	Lines       []cancelLine
	Refund      string // as typed
	RefundCents int64
	// RefundProposed is the amount the form proposed, as shown: a refund
	// sent back unchanged follows the items ticked (order.PlanCancel's
	// default), one typed otherwise stands.
	RefundProposed string
	Paid           order.Position // the order's money, from its ledger
	MaxRefund      int64          // the most that can be refunded: paid net, never below 0
	RefundShipping bool
	Reason         string
	Notify         bool
	RequestID      string
	Errors         fieldErrors
	Threshold      int64
	Confirm        bool
	Cancelled      []cancelLine     // the confirmation: what is cancelled
	Plan           order.CancelPlan // the confirmation: the figures, as the procedure will use them
	RefundNote     string           // the confirmation: where the refund comes from
	lang           string           // the agent's language, for the messages made here
}

// NeedsApproval reports whether the refund waits for a supervisor.
func (d cancelData) NeedsApproval() bool { return d.Threshold > 0 && d.RefundCents > d.Threshold }

// RefundHint says how the amount proposed is read.
func (d cancelData) RefundHint() string {
	return tr(d.lang, "cancel.refund_hint")
}

// cancelBlocked says why items cannot be cancelled or refunded now, or "".
func cancelBlocked(o order.Order, lang string) string {
	switch {
	case o.Status == order.StatusCancelled:
		return tr(lang, "blocked.cancel_already", statusArg(lang, o.Status))
	case o.HoldBy != "":
		return tr(lang, "blocked.cancel_held", procedureArg(lang, o.HoldBy))
	}
	return ""
}

// cancelForm is GET /orders/{number}/cancel: every quantity selected, and
// the refund at the most that can be refunded.
func (s *server) cancelForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	if reason := cancelBlocked(o, langOf(r)); reason != "" {
		return blockedPage(reason)
	}
	d, err := s.newCancelData(r, o)
	if err != nil {
		return err
	}
	// the shipping and refund procedure: every item selected; the order-details procedure: the most that can be
	// refunded; the customer told by email.
	d.Notify, d.RefundShipping = true, true
	d.RequestID = newRequestID()
	for _, l := range o.Lines {
		n := l.Cancellable()
		d.Lines = append(d.Lines, cancelLine{Line: l, Left: n, Selected: n > 0, Qty: strconv.FormatInt(n, 10)})
	}
	// What cancelling everything frees up (0 when there is nothing to do).
	all, _ := order.PlanCancel(o, order.CancelRequest{Cancel: order.DefaultCancel(o), RefundShipping: true, RefundDefault: true}, d.Paid)
	d.RefundCents = all.DefaultRefund
	d.Refund = amountInput(d.lang, d.RefundCents)
	d.RefundProposed = d.Refund
	return s.render(w, http.StatusOK, "cancel", d)
}

// PaidNet is what the customer paid, net of refunds.
func (d cancelData) PaidNet() int64 { return d.Paid.PaidNet }

func (s *server) newCancelData(r *http.Request, o order.Order) (cancelData, error) {
	paid, err := s.store.MoneyPosition(r.Context(), o.ID)
	if err != nil {
		return cancelData{}, err
	}
	return cancelData{
		Layout: Layout{Title: tr(langOf(r), "order.cancel"), Nav: "orders"},
		Order:  o, Paid: paid, MaxRefund: paid.Refundable, Errors: fieldErrors{}, Threshold: s.threshold, lang: langOf(r),
	}, nil
}

// cancelSubmit is POST /orders/{number}/cancel: "preview" shows what will
// happen, "edit" goes back, "confirm" starts the procedure.
func (s *server) cancelSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	if r.PostFormValue("step") == "confirm" {
		if done, err := s.startedBefore(w, r, workflows.ProcCancelRefund, o.Number); done || err != nil {
			return err
		}
	}
	d, err := s.newCancelData(r, o)
	if err != nil {
		return err
	}
	step := r.PostFormValue("step")
	req := d.readForm(r, step)
	if step == "edit" {
		return s.render(w, http.StatusOK, "cancel", d)
	}
	if reason := cancelBlocked(o, d.lang); reason != "" && step != "confirm" {
		d.Errors["form"] = reason
	}
	if len(d.Errors) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "cancel", d)
	}
	if step != "confirm" {
		plan, err := order.PlanCancel(o, req, d.Paid)
		if err != nil {
			if !d.refusal(err, o, req) {
				return err
			}
			return s.render(w, http.StatusUnprocessableEntity, "cancel", d)
		}
		d.confirmation(plan)
		return s.render(w, http.StatusOK, "cancel", d)
	}
	// The amount confirmed is the one the confirmation showed: the
	// starter checks it again with the same order.PlanCancel.
	a := agentOf(r)
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: d.RequestID, Agent: a.Email, Role: a.Role,
		Cancel: req.Cancel, Refund: req.Refund, RefundDefault: req.RefundDefault, RefundShipping: req.RefundShipping,
		Reason: req.Reason, Notify: req.Notify,
		ReviewEmail: req.Notify, // the agent reads the email before it goes
	})
	if err != nil {
		if !d.refusal(err, o, req) {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "cancel", d)
	}
	http.Redirect(w, r, procedureURL(run.WorkflowID), http.StatusSeeOther)
	return nil
}

// confirmation shows the plan: the figures the procedure will use, the
// refund among them, and where that refund comes from.
func (d *cancelData) confirmation(p order.CancelPlan) {
	d.Plan, d.Confirm, d.Title = p, true, tr(d.lang, "cancel.confirm_title")
	d.RefundCents, d.Refund, d.RefundProposed = p.Refund, amountInput(d.lang, p.Refund), amountInput(d.lang, p.DefaultRefund)
	switch {
	case p.Refund == p.DefaultRefund && len(p.Result.Cancelled) > 0:
		d.RefundNote = tr(d.lang, "cancel.refund_note_default")
	case p.Refund != p.DefaultRefund:
		d.RefundNote = tr(d.lang, "cancel.refund_note_typed", locale.Amount(p.DefaultRefund, d.Order.Currency))
	}
}

// readForm reads the quantities, the refund and the switches, keeping what
// was typed and noting in the agent's language what is wrong. A refund sent
// back as the form proposed it follows the items ticked; the confirmation
// sends the amount it showed.
func (d *cancelData) readForm(r *http.Request, step string) order.CancelRequest {
	var req order.CancelRequest
	d.RequestID = formRequestID(r)
	selected := tickedLines(r)
	for _, l := range d.Order.Lines {
		id := strconv.FormatInt(l.ID, 10)
		cl := cancelLine{Line: l, Left: l.Cancellable(), Selected: selected[id], Qty: strings.TrimSpace(r.PostFormValue("qty_" + id))}
		if cl.Qty == "" {
			cl.Qty = "0"
		}
		d.Lines = append(d.Lines, cl)
		if !cl.Selected {
			continue
		}
		q, bad := typedQuantity(d.lang, cl.Qty, cl.Left, d.atMost(cl.Left))
		switch {
		case bad != "":
			d.Errors["qty_"+id] = bad
		case q > 0:
			req.Cancel = append(req.Cancel, order.LineQuantity{LineID: l.ID, Quantity: q})
			d.Cancelled = append(d.Cancelled, cl)
		}
	}
	d.Refund = strings.TrimSpace(r.PostFormValue("refund"))
	if d.Refund == "" {
		d.Refund = "0"
	}
	d.RefundProposed = strings.TrimSpace(r.PostFormValue("refund_proposed"))
	cents, err := parseAmount(d.lang, d.Refund)
	proposed, perr := parseAmount(d.lang, d.RefundProposed)
	req.RefundDefault = step != "confirm" && err == nil && perr == nil && cents == proposed
	switch {
	case err != nil:
		d.Errors["refund"] = tr(d.lang, "form.enter_amount", locale.Text(amountInput(d.lang, 1250)))
	case cents > d.MaxRefund && !req.RefundDefault:
		d.Errors["refund"] = d.refundAtMost()
	}
	d.RefundCents, req.Refund = cents, cents
	d.RefundShipping = r.PostFormValue("refund_shipping") == "1"
	d.Notify = r.PostFormValue("notify") == "1"
	d.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	req.RefundShipping, req.Notify, req.Reason = d.RefundShipping, d.Notify, d.Reason
	return req
}

// atMost says how many items of a line can be cancelled.
func (d *cancelData) atMost(n int64) string {
	return tr(d.lang, "cancel.at_most_items", locale.Count(int(n)))
}

// refundAtMost says the most that can be refunded.
func (d *cancelData) refundAtMost() string {
	return tr(d.lang, "cancel.refund_at_most", locale.Amount(d.MaxRefund, d.Order.Currency))
}

// refusal puts a refusal of the domain or the starter next to its field,
// in the agent's language; false for an error that is not a refusal.
func (d *cancelData) refusal(err error, o order.Order, req order.CancelRequest) bool {
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	field, msg := "form", sayRefusal(fe, d.lang)
	switch {
	case strings.HasPrefix(fe.Field, "cancel["):
		var i int
		if _, err := fmt.Sscanf(fe.Field, "cancel[%d]", &i); err == nil && i < len(req.Cancel) {
			for _, l := range o.Lines {
				if l.ID == req.Cancel[i].LineID {
					field = fmt.Sprintf("qty_%d", l.ID)
					if req.Cancel[i].Quantity > l.Cancellable() {
						msg = d.atMost(l.Cancellable())
					}
				}
			}
		}
	case fe.Field == "cancel":
		msg = tr(d.lang, "cancel.nothing_to_do")
		if len(req.Cancel) == 0 && req.RefundDefault {
			msg = tr(d.lang, "cancel.nothing_ticked")
		}
	case fe.Field == "reason":
		field, msg = "reason", tr(d.lang, "cancel.reason_needed")
	case fe.Field == "refund":
		field = "refund"
		switch {
		case d.PaidNet() <= 0:
			msg = tr(d.lang, "cancel.nothing_paid")
		case req.Refund > d.MaxRefund:
			msg = d.refundAtMost()
		}
	case fe.Field == "order":
		if b := cancelBlocked(o, d.lang); b != "" {
			msg = b
		}
	}
	d.Errors[field] = msg
	return true
}
