package workflows

// Return is the return procedure: shipped items come back for a refund or
// an exchange.
//
// Steps:
//  1. record the return and give it its number (R-2026-000001), checked
//     again against the items already returned;
//  2. authorise it: a withdrawal told within the withdrawal period (the
//     last shipment plus the rules' transit days, then the rules' days, in
//     the shop's time zone), or a return for another reason, is
//     authorised; a withdrawal out of the period, or an exchange for items
//     above the approval limit, WAITS FOR A SUPERVISOR (approve or
//     refuse, with a reason): refused, the return ends there;
//  3. the customer email with the return's number and the items to send
//     back (written to the outbox);
//  4. WAIT FOR THE PARCEL (the Update receive-return: the parcel's id,
//     or a proof of sending), on durable timers: reminder emails to the
//     customer after the settings' delays, then an agent task (keep
//     waiting, or close the return), then the return expires and
//     nothing is refunded;
//  5. the inspection, an agent task: accepted in full, in part (per
//     line), or refused (with a reason); a withdrawal proved sent is
//     settled without waiting for the parcel;
//  6. settle what order.SettleReturn says: a refund (through the
//     provider, by hand, or paid back otherwise, keyed by the
//     procedure), with a credit note when the order is invoiced; for an
//     exchange, the difference refunded, or the balance due collected by
//     collect-payment.
//
// Compensation: nothing moves money before step 6, whose settlement
// closes its tasks and settles a reserved refund on the provider's word
// when the procedure is cancelled; a cancelled return is marked so.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// ReturnSettings are the shop's rules for returns and how long a return
// waits for its parcel; a zero field is its default
// (DefaultReturnSettings).
type ReturnSettings struct {
	Rules order.ReturnRules `json:"rules,omitzero"`
	// Reminders are the delays, from the instructions email, of the
	// reminder emails to the customer.
	Reminders []time.Duration `json:"reminders,omitempty"`
	// TaskAfter is when an agent is asked to chase the customer;
	// ExpireAfter when the return expires without its parcel.
	TaskAfter   time.Duration `json:"task_after,omitempty"`
	ExpireAfter time.Duration `json:"expire_after,omitempty"`
}

// DefaultReturnSettings: the law's rules, reminders after 7 and 14 days,
// an agent task after 21, expiry after 30.
func DefaultReturnSettings() ReturnSettings {
	return ReturnSettings{
		Rules:     order.DefaultReturnRules(),
		Reminders: []time.Duration{7 * 24 * time.Hour, 14 * 24 * time.Hour},
		TaskAfter: 21 * 24 * time.Hour, ExpireAfter: 30 * 24 * time.Hour,
	}
}

// returnSettings are the settings with their defaults filled in.
func (s Settings) returnSettings() ReturnSettings {
	r, d := s.Returns, DefaultReturnSettings()
	if r.Rules == (order.ReturnRules{}) {
		r.Rules = d.Rules
	}
	if r.Reminders == nil {
		r.Reminders = d.Reminders
	}
	if r.TaskAfter <= 0 {
		r.TaskAfter = d.TaskAfter
	}
	if r.ExpireAfter <= 0 {
		r.ExpireAfter = d.ExpireAfter
	}
	return r
}

// The return's tasks and their answers.
const (
	// TaskApproveRefund approves a return out of the withdrawal period.
	// TaskReturnOverdue: the parcel is late; keep waiting, or close the
	// return (AnswerKeepWaiting, AnswerExpireReturn).
	TaskReturnOverdue  = "return_overdue"
	AnswerExpireReturn = "expire_return"
	// TaskInspectReturn: the parcel is in; AnswerAcceptReturn,
	// AnswerAcceptPart (Lines, and a Reason for the items refused),
	// AnswerRefuseReturn (Reason).
	TaskInspectReturn  = "inspect_return"
	AnswerAcceptReturn = "accept_return"
	AnswerAcceptPart   = "accept_part"
	AnswerRefuseReturn = "refuse_return"
)

// InspectedLine is what the inspection accepts of one line of a return.
type InspectedLine struct {
	LineID    int64 `json:"line_id"`
	Accepted  int64 `json:"accepted_quantity"`
	Restocked bool  `json:"restocked,omitempty"`
}

// ReturnInput is what an agent asks of the return procedure.
type ReturnInput struct {
	OrderNumber string              `json:"order_number"`
	RequestID   string              `json:"request_id"`
	Agent       string              `json:"agent"`
	Request     order.ReturnRequest `json:"request"`
	// ToldAt is when the shop was told (the withdrawal received); zero:
	// when the procedure started.
	ToldAt time.Time `json:"told_at,omitzero"`
	Settings
}

// ReturnReceipt is the parcel of a return received, or its proof of
// sending, sent as the Update receive-return.
type ReturnReceipt struct {
	ParcelID       string    `json:"parcel_id"`
	ProofOfSending bool      `json:"proof_of_sending,omitempty"`
	Agent          string    `json:"agent,omitempty"`
	At             time.Time `json:"at,omitzero"`
}

// ReturnResult is how the return ended.
type ReturnResult struct {
	Number     string                 `json:"number"`
	Status     string                 `json:"status"`
	Settlement order.ReturnSettlement `json:"settlement"`
	Settled    SettleResult           `json:"settled"`
	EmailID    int64                  `json:"email_id,omitempty"`
}

type returnRun struct {
	*procedure
	in       ReturnInput
	begun    activities.BeginReturnOutput
	receipt  *ReturnReceipt
	waiting  bool // for the parcel
	expire   bool // an agent closed the return
	settings ReturnSettings
	told     time.Time // when the shop was told of the return
}

// Return runs the procedure; see the top of this file.
func Return(ctx workflow.Context, in ReturnInput) (res ReturnResult, err error) {
	ctx = beginLeanSettings(ctx, in.Settings)
	p := newProcedure(ctx, ProcReturn, in.OrderNumber, in.Agent, in.Reminder, in.Escalation)
	p.bySender = leanSince(ctx, LeanOutbox)
	r := &returnRun{procedure: p, in: in, settings: in.returnSettings(), waiting: true}
	if err := p.register(ctx); err != nil {
		return res, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReceiveReturn, r.onReceipt,
		workflow.UpdateHandlerOptions{Validator: refusing(r.validateReceipt)}); err != nil {
		return res, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	defer func() { p.state.Done = true }()
	defer func() { r.cancelled(ctx, err) }()
	var returns *activities.Returns

	// 1. Record the return.
	step := p.state.begin("record", text(LabelRecordReturn))
	told := in.ToldAt
	if told.IsZero() {
		told = workflow.GetInfo(ctx).WorkflowStartTime
	}
	r.told = told
	if err := db(ctx, returns.BeginReturn, activities.BeginReturnInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, RequestID: in.RequestID, Request: in.Request, ToldAt: told, Rules: r.settings.Rules,
	}).Get(ctx, &r.begun); err != nil {
		return res, p.fail(ctx, step, err)
	}
	res.Number, res.Status = r.begun.Number, activities.ReturnRequested
	p.state.end(step, StepDone, text(DetailReturnNumber, textArg("number", r.begun.Number)))

	// 2. Authorise it.
	step = p.state.begin("authorise", text(LabelAuthoriseReturn))
	ok, err := r.authorise(ctx, step)
	if err != nil {
		return res, p.fail(ctx, step, err)
	}
	if !ok {
		res.Status = activities.ReturnRefused
		return res, r.status(ctx, activities.ReturnRefused, nil)
	}
	if err := r.status(ctx, activities.ReturnAuthorised, nil); err != nil {
		return res, err
	}
	res.Status = activities.ReturnAuthorised

	// 3. The instructions.
	start := workflow.Now(ctx)
	email := r.emailInput(start, false)
	if res.EmailID, err = p.email(ctx, false, nil, returns.QueueReturnEmail, email, nil); err != nil {
		return res, err
	}

	// 4. Wait for the parcel.
	step = p.state.begin("parcel", text(LabelWaitParcel))
	if err := r.waitForParcel(ctx, start); err != nil {
		return res, p.fail(ctx, step, err)
	}
	if r.receipt == nil {
		p.state.end(step, StepDone, text(DetailReturnExpired))
		res.Status = activities.ReturnExpired
		return res, r.status(ctx, activities.ReturnExpired, nil)
	}
	detail := DetailParcelReceived
	if r.receipt.ProofOfSending {
		detail = DetailParcelProof
	}
	p.state.end(step, StepDone, text(detail, textArg("parcel", r.receipt.ParcelID)))
	res.Status = activities.ReturnReceived

	// 5. Inspect the items.
	step = p.state.begin("inspect", text(LabelInspectReturn))
	accepted, err := r.inspect(ctx)
	if err != nil {
		return res, p.fail(ctx, step, err)
	}
	var asked, took int64
	for _, l := range in.Request.Lines {
		asked += l.Quantity
	}
	for _, l := range accepted {
		took += l.Quantity
	}
	p.state.end(step, StepDone, text(DetailReturnAccepted, textArg("accepted", fmt.Sprint(took)), textArg("asked", fmt.Sprint(asked))))
	if took == 0 {
		res.Status = activities.ReturnRefused
		return res, r.status(ctx, activities.ReturnRefused, nil)
	}
	res.Status = activities.ReturnInspected

	// 6. Settle.
	step = p.state.begin("settle", text(LabelSettleReturn))
	o := r.begun.Order
	ledger := leanSince(ctx, LeanReturnLedger)
	if ledger {
		// What the items are worth covers the order in its ledger; the
		// refund is what the customer's money then covers beyond it.
		if err := db(ctx, returns.SettleReturnInLedger, activities.ReturnLedgerInput{
			OrderNumber: in.OrderNumber, Actor: p.actor, ReturnID: r.begun.ReturnID, Number: r.begun.Number,
			Accepted: accepted, Rules: r.settings.Rules,
		}).Get(ctx, &res.Settlement); err != nil {
			return res, p.fail(ctx, step, err)
		}
	} else {
		// Procedures started before: the amounts as they were paid.
		res.Settlement = order.SettleReturn(o, in.Request, accepted, r.begun.Returned, r.settings.Rules, order.PaidInFull(o.Totals.Total))
		if err := r.status(ctx, activities.ReturnInspected, &res.Settlement); err != nil {
			return res, p.fail(ctx, step, err)
		}
	}
	kind := order.SettleRefund
	if res.Settlement.BalanceDue > 0 {
		kind = order.SettleBalanceDue
	}
	settle := SettleInput{
		OrderNumber: in.OrderNumber, Agent: in.Agent, Method: o.PaymentMethod, Currency: o.Currency,
		Billing: o.Billing, Delivery: o.Delivery, Refund: res.Settlement.Refund, BalanceDue: res.Settlement.BalanceDue, Kind: kind,
		Settings: in.Settings, NoCreditNote: ledger,
	}
	if leanSince(ctx, LeanReturnCovered) && !ledger {
		// The items came back: what they are worth is not owed back.
		settle.Gesture, settle.GestureNote = res.Settlement.Refund, "retour d'articles "+res.Number
	}
	settled, err := p.settle(ctx, settle)
	if err != nil {
		return res, p.fail(ctx, step, err)
	}
	if ledger && res.Settlement.Credit > 0 && settled.Outcome != activities.OutcomeRefundRejected {
		// The credit note is the items' (and the delivery's), at their
		// VAT rates, even when nothing was left to refund.
		var collect *activities.Collect
		var ref activities.CreditNoteRef
		if err := db(ctx, collect.IssueReturnCreditNote, activities.ReturnCreditNoteInput{
			OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/credit-note", ReturnNumber: r.begun.Number,
			Accepted: accepted, Returned: r.begun.Returned, Delivery: res.Settlement.Delivery, Cost: res.Settlement.Cost,
		}).Get(ctx, &ref); err != nil {
			return res, p.fail(ctx, step, err)
		}
		settled.CreditNote = ref.Number
	}
	if leanSince(ctx, LeanReturnTellsCollection) {
		// The items cover part of the order: a collection chasing its
		// balance asks for less, or for nothing.
		p.tellCollection(ctx, settled, 0, false)
	}
	res.Settled = settled
	p.state.end(step, StepDone, outcomeText(settled, o.Currency))
	if settled.Outcome == activities.OutcomeRefundRejected {
		return res, nil
	}
	res.Status = activities.ReturnRefunded
	if in.Request.Resolution == order.ReturnExchange {
		res.Status = activities.ReturnExchanged
	}
	return res, r.status(ctx, res.Status, nil)
}

// authorise authorises the return, or asks a supervisor when the law or
// the approval limit says so; false: refused.
func (r *returnRun) authorise(ctx workflow.Context, step int) (bool, error) {
	in, b := r.in, r.begun
	why := ""
	switch {
	case in.Request.Reason == order.ReturnWithdrawal && !b.InWindow:
		why = "hors du délai de rétractation"
		if !b.Deadline.IsZero() {
			why += " (fin le " + b.Deadline.In(paris).Format("02/01/2006") + ")"
		}
	case in.Request.Resolution == order.ReturnExchange && in.ApproveAbove > 0 && order.MerchandiseTotal(in.Request.Exchange) > in.ApproveAbove:
		why = "échange au-delà de la limite d'approbation"
	}
	if why == "" {
		if in.Request.Reason == order.ReturnWithdrawal {
			r.state.end(step, StepDone, text(DetailReturnInWindow, textArg("until", b.Deadline.In(paris).Format("02/01/2006"))))
		} else {
			r.state.end(step, StepDone, Text{})
		}
		return true, nil
	}
	r.ask.requesters = []string{in.Agent}
	defer func() { r.ask.requesters = nil }()
	ans, err := r.ask.ask(ctx, "authorise", TaskApproveRefund,
		locale.Phr("task_question.approve_return", textOf(b.Number), textOf(in.Agent), textOf(why)),
		order.MerchandiseTotal(in.Request.Exchange), []string{AnswerApprove, AnswerReject})
	if err != nil {
		return false, err
	}
	if ans.Outcome == AnswerReject {
		r.state.end(step, StepDone, text(DetailReturnRefused, textArg("reason", ans.Reason)))
		return false, nil
	}
	r.state.end(step, StepDone, text(DetailReturnApproved, textArg("agent", ans.Agent)))
	return true, nil
}

// emailInput is the instructions email, or a reminder.
func (r *returnRun) emailInput(start time.Time, reminder bool) activities.ReturnEmailInput {
	key := r.actor.WorkflowID + "/email"
	if reminder {
		key = fmt.Sprintf("%s/email/reminder-%d", r.actor.WorkflowID, workflowNowKey(start))
	}
	return activities.ReturnEmailInput{
		OrderNumber: r.in.OrderNumber, Actor: r.actor, Key: key, Number: r.begun.Number, Lines: r.in.Request.Lines,
		Exchange: r.in.Request.Resolution == order.ReturnExchange, WaitUntil: start.Add(r.settings.ExpireAfter), Reminder: reminder,
		BySender: r.bySender,
	}
}

// workflowNowKey is a reminder's place in the schedule, for its key.
func workflowNowKey(t time.Time) int64 { return t.Unix() }

// waitForParcel waits for the receipt, running the reminders, the agent
// task and the expiry as their time comes.
func (r *returnRun) waitForParcel(ctx workflow.Context, start time.Time) error {
	var returns *activities.Returns
	type stage struct {
		kind string
		at   time.Time
	}
	var stages []stage
	for _, d := range r.settings.Reminders {
		if d > 0 && d < r.settings.ExpireAfter {
			stages = append(stages, stage{"remind", start.Add(d)})
		}
	}
	if r.settings.TaskAfter < r.settings.ExpireAfter {
		stages = append(stages, stage{"task", start.Add(r.settings.TaskAfter)})
	}
	stages = append(stages, stage{"expire", start.Add(r.settings.ExpireAfter)})
	r.ask.answered = func(ctx workflow.Context, a TaskAnswer) error {
		if a.Outcome == AnswerExpireReturn {
			r.expire = true
		}
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		r.ask.closeTask(dctx, "answered", summarize(a), a.Agent)
		return nil
	}
	defer func() {
		r.ask.answered = nil
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		r.ask.closeTask(dctx, "cancelled", locale.Phr("history.outcome.done"), "")
		r.waiting = false
	}()
	done := func() bool { return r.receipt != nil || r.expire }
	r.details(ctx, "En attente du colis retourné "+r.begun.Number)
	for _, s := range stages {
		ok, err := workflow.AwaitWithTimeout(ctx, s.at.Sub(workflow.Now(ctx)), done)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		switch s.kind {
		case "remind":
			var ref activities.EmailRef
			if err := db(ctx, returns.QueueReturnEmail, r.emailInput(s.at, true)).Get(ctx, &ref); err != nil {
				return err
			}
		case "task":
			if err := r.ask.open(ctx, "overdue", TaskReturnOverdue,
				locale.Phr("task_question.return_overdue", textOf(r.begun.Number), textOf(r.in.OrderNumber)), 0,
				[]string{AnswerKeepWaiting, AnswerExpireReturn}, nil); err != nil {
				return err
			}
		case "expire":
			r.expire = true
		}
	}
	if r.receipt == nil {
		return nil
	}
	return db(ctx, returns.RecordReturnReceipt, activities.ReturnReceiptInput{
		OrderNumber: r.in.OrderNumber, Actor: r.actor, ReturnID: r.begun.ReturnID, Number: r.begun.Number,
		ParcelID: r.receipt.ParcelID, ProofOfSending: r.receipt.ProofOfSending, By: r.receipt.Agent, At: r.receipt.At,
	}).Get(ctx, nil)
}

// validateReceipt refuses a receipt without a parcel, one for a return
// that waits for none any more, and another parcel for a return received.
func (r *returnRun) validateReceipt(_ workflow.Context, rc ReturnReceipt) error {
	switch {
	case strings.TrimSpace(rc.ParcelID) == "":
		return order.Refuse("parcel_id", "refusal.return_parcel_missing")
	case r.receipt != nil && r.receipt.ParcelID == rc.ParcelID:
		return nil // the same parcel again: taken once
	case r.receipt != nil:
		return order.Refuse("parcel_id", "refusal.return_received_other", textOf(r.begun.Number), textOf(r.receipt.ParcelID))
	case !r.waiting || r.expire:
		return order.Refuse("return", "refusal.return_not_waiting", textOf(r.begun.Number))
	case rc.ProofOfSending && r.in.Request.Reason != order.ReturnWithdrawal:
		return order.Refuse("proof_of_sending", "refusal.return_parcel_missing")
	}
	return nil
}

// onReceipt takes the parcel (the same parcel twice is taken once).
func (r *returnRun) onReceipt(ctx workflow.Context, rc ReturnReceipt) error {
	if r.receipt == nil {
		if rc.At.IsZero() {
			rc.At = workflow.Now(ctx)
		}
		r.receipt = &rc
	}
	return nil
}

// inspect asks an agent what of the items is accepted; a withdrawal
// proved sent is taken as sent, without waiting for the parcel.
func (r *returnRun) inspect(ctx workflow.Context) ([]order.ReturnLine, error) {
	var returns *activities.Returns
	asked := r.in.Request.Lines
	var total int64
	for _, l := range asked {
		total += l.Quantity
	}
	var lines []activities.Inspected
	if r.receipt.ProofOfSending {
		for _, l := range asked {
			lines = append(lines, activities.Inspected{LineID: l.LineID, Accepted: l.Quantity})
		}
	} else {
		items := make([]string, 0, len(asked))
		for _, l := range asked {
			name := fmt.Sprint(l.LineID)
			if ol, ok := r.begun.Order.Line(l.LineID); ok {
				name = ol.Name
			}
			items = append(items, fmt.Sprintf("%d × %s", l.Quantity, name))
		}
		rem, esc := r.ask.reminder, r.ask.escalation
		if leanSince(ctx, LeanReturnLedger) {
			if err := r.refundDue(ctx); err != nil {
				return nil, err
			}
		}
		r.ask.check = r.checkInspection
		ans, err := r.ask.ask(ctx, "inspect", TaskInspectReturn,
			locale.Phr("task_question.inspect_return", textOf(r.begun.Number), textOf(strings.Join(items, ", "))), 0,
			[]string{AnswerAcceptReturn, AnswerAcceptPart, AnswerRefuseReturn})
		r.ask.check, r.ask.reminder, r.ask.escalation = nil, rem, esc
		if err != nil {
			return nil, err
		}
		switch ans.Outcome {
		case AnswerAcceptReturn:
			for _, l := range asked {
				lines = append(lines, activities.Inspected{LineID: l.LineID, Accepted: l.Quantity, Restocked: true})
			}
		case AnswerAcceptPart:
			for _, l := range ans.Lines {
				lines = append(lines, activities.Inspected{LineID: l.LineID, Accepted: l.Accepted, Restocked: l.Restocked, RefusalReason: ans.Reason})
			}
			for _, l := range asked {
				if !inspected(ans.Lines, l.LineID) {
					lines = append(lines, activities.Inspected{LineID: l.LineID, RefusalReason: ans.Reason})
				}
			}
		default:
			for _, l := range asked {
				lines = append(lines, activities.Inspected{LineID: l.LineID, RefusalReason: ans.Reason})
			}
		}
	}
	if err := db(ctx, returns.RecordReturnInspection, activities.ReturnInspectionInput{
		OrderNumber: r.in.OrderNumber, Actor: r.actor, ReturnID: r.begun.ReturnID, Number: r.begun.Number, Lines: lines, Asked: total,
	}).Get(ctx, nil); err != nil {
		return nil, err
	}
	var accepted []order.ReturnLine
	for _, l := range lines {
		if l.Accepted > 0 {
			accepted = append(accepted, order.ReturnLine{LineID: l.LineID, Quantity: l.Accepted})
		}
	}
	return accepted, nil
}

// refundDue says in the order's history by when a withdrawal must be
// refunded (the rules' days after the shop was told, or the parcel's
// arrival if that came later: the shop may wait for the goods), and has
// the inspection's task reminded, then escalated to a supervisor, early
// enough for the refund to go out in time.
func (r *returnRun) refundDue(ctx workflow.Context) error {
	if r.in.Request.Reason != order.ReturnWithdrawal {
		return nil
	}
	var orders *activities.Orders
	due := r.settings.Rules.RefundDeadline(r.told)
	if r.receipt.At.After(due) {
		due = r.receipt.At
	}
	line := locale.Phr("history.return.refund_due", textOf(r.begun.Number), locale.Day(due))
	if err := db(ctx, orders.RecordEvent, activities.NoteInput{
		OrderNumber: r.in.OrderNumber, Actor: r.actor, Key: r.actor.WorkflowID + "/refund-due", Kind: "return_refund_due",
		Message: line.French(), Phrase: line,
	}).Get(ctx, nil); err != nil {
		return err
	}
	// Escalated a day before the deadline at the latest, reminded
	// halfway there.
	left := due.Add(-24 * time.Hour).Sub(workflow.Now(ctx))
	left = max(left, time.Hour)
	if r.ask.escalation <= 0 || r.ask.escalation > left {
		r.ask.escalation = left
	}
	if r.ask.reminder <= 0 || r.ask.reminder >= r.ask.escalation {
		r.ask.reminder = r.ask.escalation / 2
	}
	return nil
}

func inspected(lines []InspectedLine, id int64) bool {
	for _, l := range lines {
		if l.LineID == id {
			return true
		}
	}
	return false
}

// checkInspection refuses an inspection that accepts items not returned,
// or refuses items without a reason.
func (r *returnRun) checkInspection(ans TaskAnswer) error {
	if r.ask.task == nil || r.ask.task.Kind != TaskInspectReturn {
		return nil
	}
	switch ans.Outcome {
	case AnswerRefuseReturn:
		if strings.TrimSpace(ans.Reason) == "" {
			return order.Refuse("reason", "refusal.return_refusal_reason")
		}
	case AnswerAcceptPart:
		var accepted, asked int64
		for i, l := range ans.Lines {
			q := int64(-1)
			for _, a := range r.in.Request.Lines {
				if a.LineID == l.LineID {
					q = a.Quantity
				}
			}
			if q < 0 {
				return order.Refuse(fmt.Sprintf("lines[%d].line_id", i), "refusal.return_inspect_line", locale.Count(int(l.LineID)))
			}
			if l.Accepted < 0 || l.Accepted > q {
				return order.Refuse(fmt.Sprintf("lines[%d].accepted_quantity", i), "refusal.return_inspect_quantity", locale.Count(int(l.Accepted)), locale.Count(int(q)))
			}
			accepted += l.Accepted
		}
		for _, a := range r.in.Request.Lines {
			asked += a.Quantity
		}
		if accepted < asked && strings.TrimSpace(ans.Reason) == "" {
			return order.Refuse("reason", "refusal.return_refusal_reason")
		}
	}
	return nil
}

// status moves the return to a status.
func (r *returnRun) status(ctx workflow.Context, status string, s *order.ReturnSettlement) error {
	var returns *activities.Returns
	return db(ctx, returns.SetReturnStatus, activities.ReturnStatusInput{
		OrderNumber: r.in.OrderNumber, Actor: r.actor, ReturnID: r.begun.ReturnID, Number: r.begun.Number, Status: status, Settlement: s,
	}).Get(ctx, nil)
}

// cancelled marks the return cancelled when an operator cancels the
// procedure before it settled.
func (r *returnRun) cancelled(ctx workflow.Context, err error) {
	var canceled *temporal.CanceledError
	if r.begun.ReturnID == 0 || !(errors.As(err, &canceled) || errors.Is(ctx.Err(), workflow.ErrCanceled)) {
		return
	}
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	_ = r.status(dctx, activities.ReturnCancelled, nil)
}

// The return's step texts.
const (
	LabelRecordReturn    TextKey = "label.record_return"
	LabelAuthoriseReturn TextKey = "label.authorise_return"
	LabelWaitParcel      TextKey = "label.wait_parcel"
	LabelInspectReturn   TextKey = "label.inspect_return"
	LabelSettleReturn    TextKey = "label.settle_return"
	DetailReturnNumber   TextKey = "detail.return_number"
	DetailReturnInWindow TextKey = "detail.return_in_window"
	DetailReturnApproved TextKey = "detail.return_approved"
	DetailReturnRefused  TextKey = "detail.return_refused"
	DetailParcelReceived TextKey = "detail.parcel_received"
	DetailParcelProof    TextKey = "detail.parcel_proof"
	DetailReturnExpired  TextKey = "detail.return_expired"
	DetailReturnAccepted TextKey = "detail.return_accepted"
)
