package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

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
	Order          order.Order
	Lines          []cancelLine
	Refund         string // as typed
	RefundCents    int64
	MaxRefund      int64 // paid net of refunds
	RefundShipping bool
	Reason         string
	Notify         bool
	RequestID      string
	Errors         fieldErrors
	Threshold      int64
	Confirm        bool
	Cancelled      []cancelLine       // the confirmation: what is cancelled
	Preview        order.CancelResult // the confirmation: the order afterwards
	lang           string             // the agent's language, for the messages made here
}

// NeedsApproval reports whether the refund waits for a supervisor.
func (d cancelData) NeedsApproval() bool { return d.Threshold > 0 && d.RefundCents > d.Threshold }

// cancelBlocked says why items cannot be cancelled or refunded now, or "".
func cancelBlocked(o order.Order, lang string) string {
	switch {
	case o.Status == order.StatusCancelled:
		return say(lang, "Annulation impossible : la commande est déjà ", "Cannot cancel: the order is already ") + o.Status.Label(lang)
	case o.HoldBy != "" && lang == "en":
		return "Cannot cancel: the procedure “" + english(procedureLabel(o.HoldBy)) + "” is running on the order"
	case o.HoldBy != "":
		return "Annulation impossible : la procédure « " + procedureLabel(o.HoldBy) + " » est en cours sur la commande"
	}
	return ""
}

// cancelForm is GET /orders/{number}/cancel: every quantity selected, and
// the refund at the most that can be refunded (seed 004).
func (s *server) cancelForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	if s.starter == nil {
		return noTemporal()
	}
	if reason := cancelBlocked(o, langOf(r)); reason != "" {
		return blockedPage(reason)
	}
	d, err := s.newCancelData(r, o)
	if err != nil {
		return err
	}
	// Seed 004: every item selected; seed 003: the most that can be
	// refunded; the customer told by email.
	d.Notify, d.RefundShipping = true, true
	d.RequestID = newRequestID()
	all := order.DefaultCancel(o)
	for _, l := range o.Lines {
		n := l.Cancellable()
		d.Lines = append(d.Lines, cancelLine{Line: l, Left: n, Selected: n > 0, Qty: strconv.FormatInt(n, 10)})
	}
	d.RefundCents = order.DefaultRefund(o, order.CancelRequest{Cancel: all, RefundShipping: true}, d.MaxRefund)
	d.Refund = centsInput(d.RefundCents)
	return s.render(w, http.StatusOK, "cancel", d)
}

func (s *server) newCancelData(r *http.Request, o order.Order) (cancelData, error) {
	paid, refunded, err := s.paidNet(r.Context(), o.ID)
	if err != nil {
		return cancelData{}, err
	}
	return cancelData{
		Layout: Layout{Title: "Annuler des articles / rembourser", Nav: "orders"},
		Order:  o, MaxRefund: max(0, paid-refunded), Errors: fieldErrors{}, Threshold: s.threshold, lang: langOf(r),
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
	if s.starter == nil {
		return noTemporal()
	}
	if r.PostFormValue("step") == "confirm" && s.startedBefore(w, r, workflows.ProcCancelRefund, o.Number) {
		return nil
	}
	d, err := s.newCancelData(r, o)
	if err != nil {
		return err
	}
	step := r.PostFormValue("step")
	req := d.readForm(r)
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
		res, err := order.PreviewCancel(o, order.CancelRequest{Cancel: req.Cancel, Refund: req.Refund,
			RefundShipping: req.RefundShipping, Reason: req.Reason, Notify: req.Notify}, d.MaxRefund)
		if err != nil {
			if !d.refusal(err, o) {
				return err
			}
			return s.render(w, http.StatusUnprocessableEntity, "cancel", d)
		}
		d.Preview = res
		d.Confirm, d.Title = true, "Confirmer l'annulation et le remboursement"
		return s.render(w, http.StatusOK, "cancel", d)
	}
	a := agentOf(r)
	req.OrderNumber, req.Agent, req.Role = o.Number, a.Email, a.Role
	req.ReviewEmail = req.Notify // the agent reads the email before it goes
	run, err := s.starter.CancelRefund(ctx, req)
	if err != nil {
		if !d.refusal(err, o) {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "cancel", d)
	}
	http.Redirect(w, r, procedureURL(run.WorkflowID), http.StatusSeeOther)
	return nil
}

// readForm reads the quantities, the refund and the switches, keeping what
// was typed and noting in French what is wrong.
func (d *cancelData) readForm(r *http.Request) starter.CancelRefundRequest {
	req := starter.CancelRefundRequest{RequestID: formRequestID(r)}
	d.RequestID = req.RequestID
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
		q, bad := typedQuantity(d.lang, cl.Qty, cl.Left,
			fmt.Sprintf(say(d.lang, "Au plus %d (ni expédié ni déjà annulé).", "At most %d (neither shipped nor already cancelled)."), cl.Left))
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
	cents, err := parseAmount(d.Refund)
	switch {
	case err != nil:
		d.Errors["refund"] = say(d.lang, "Saisissez un montant, par exemple 12,50.", "Enter an amount, for example 12.50.")
	case cents > d.MaxRefund && d.lang == "en":
		d.Errors["refund"] = "At most " + moneyIn("en")(d.MaxRefund) + ": what the customer paid, net of refunds."
	case cents > d.MaxRefund:
		d.Errors["refund"] = "Au plus " + money(d.MaxRefund) + " : ce que le client a payé, net des remboursements."
	}
	d.RefundCents, req.Refund = cents, cents
	d.RefundShipping = r.PostFormValue("refund_shipping") == "1"
	d.Notify = r.PostFormValue("notify") == "1"
	d.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	req.RefundShipping, req.Notify, req.Reason = d.RefundShipping, d.Notify, d.Reason
	if len(d.Errors) == 0 {
		switch {
		case len(req.Cancel) == 0 && cents == 0:
			d.Errors["form"] = say(d.lang, "Rien à faire : choisissez des quantités à annuler, un montant à rembourser, ou les deux.",
				"Nothing to do: choose quantities to cancel, an amount to refund, or both.")
		case len(req.Cancel) == 0 && d.Reason == "":
			d.Errors["reason"] = say(d.lang, "Un remboursement sans annulation demande un motif.", "A refund without a cancellation needs a reason.")
		}
	}
	return req
}

// refusal puts a refusal of the domain or the starter next to its field;
// false for an error that is not a refusal.
func (d *cancelData) refusal(err error, o order.Order) bool {
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	field := fe.Field
	switch {
	case strings.HasPrefix(field, "cancel["):
		var i int
		if _, err := fmt.Sscanf(field, "cancel[%d]", &i); err == nil && i < len(d.Cancelled) {
			field = fmt.Sprintf("qty_%d", d.Cancelled[i].ID)
		} else {
			field = "form"
		}
	case field == "refund", field == "reason":
	case field == "order":
		if b := cancelBlocked(o, d.lang); b != "" {
			d.Errors["form"] = b
			return true
		}
		field = "form"
	default:
		field = "form"
	}
	d.Errors[field] = fe.Message
	return true
}
