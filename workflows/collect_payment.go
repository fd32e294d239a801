package workflows

// CollectPayment is the payment procedure: an order paid by a manual means, by an
// invoice with a payment link, or at the shop's terminal — and the balance
// due when modify content raised the total of a paid order.
//
// Steps:
//  1. begin: a new order becomes « En attente du paiement »;
//  2. invoice: for a payment link, the terminal and a balance due, the
//     invoice is issued (or the one an agent created is used), and emailed
//     — always with a link, at the terminal when the agent asks,
//     for a balance due with a link when the means allows;
//  3. WAIT FOR THE PAYMENT: recorded by an agent (Update record-payment:
//     means, amount, reference, date received; at the terminal no means to
//     choose) or reported by the provider's webhook (the same Update, with
//     the provider's event id as update id). A partial payment leaves the
//     balance awaited. While it waits, on durable timers: a reminder email
//     to the customer, then an agent task, then the order is cancelled
//     with an email (defaults 7, 14 and 30 days). A payment stops them;
//  4. the invoice is marked paid and the order becomes paid,
//     « Complétée »; an overpayment is recorded for the money procedures
//     to refund (event "overpayment", result Overpaid) and its refund offered
//     by a settle-difference of its own;
//  5. the shop is told of each payment received (merchant email);
//  6. the payment confirmation email, with the paid invoice: at once for a
//     payment link or when the shop's setting says so, otherwise when an
//     agent presses « Envoyer la confirmation de paiement » (Update
//     send-payment-confirmation).
//
// An agent's payment above what is due is refused unless the agent
// confirms the overpayment; its refund is asked by the agent who recorded
// it. When another procedure changes the order's total, it tells the
// collection (Update order-changed, collect_payment_due.go), which waits
// for what the order owes now.
//
// At any time while it runs an agent can have the invoice emailed (Update
// send-invoice). Compensation: a cancelled procedure closes its open task;
// an order cancelled for non-payment gets a credit note for its unpaid
// invoice, and what was paid is recorded as a refund due (event
// "refund_due", result RefundDue) for the money procedures.

import (
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// PaymentReminders are the delays, counted from the start of the wait, of
// the reminder email, the agent task and the cancellation (0: never).
type PaymentReminders struct {
	Email  time.Duration `json:"email"`
	Task   time.Duration `json:"task"`
	Cancel time.Duration `json:"cancel"`
}

// DefaultPaymentReminders are the shop's defaults: 7, 14 and 30 days.
func DefaultPaymentReminders() PaymentReminders {
	return PaymentReminders{Email: 7 * 24 * time.Hour, Task: 14 * 24 * time.Hour, Cancel: 30 * 24 * time.Hour}
}

// CollectPaymentInput is what an agent (or the balance-due settlement) asks
// of the collect-payment procedure.
type CollectPaymentInput struct {
	OrderNumber string `json:"order_number"`
	RequestID   string `json:"request_id"`
	Agent       string `json:"agent"`
	// Mode is activities.CollectManual (cheque, money order, bank
	// transfer), CollectLink or CollectTerminal.
	Mode string `json:"mode"`
	// BalanceDue, above 0, collects this difference on a paid order whose
	// total went up; Reason says why (printed on the invoice and emails).
	BalanceDue int64  `json:"balance_due_cents,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// SendInvoice emails the invoice before the payment (at the terminal,
	// when the agent asks). A payment link and a balance due always send it.
	SendInvoice bool `json:"send_invoice"`
	Settings
	// ConfirmWait is how long the confirmation button stays offered after
	// the payment (0: 30 days).
	ConfirmWait time.Duration `json:"confirm_wait"`
}

// PaymentRecord is a payment received, as an agent records it or the
// provider reports it.
type PaymentRecord struct {
	// ID identifies the payment for idempotency: the agent's request id or
	// the provider's event id. The same id is recorded once.
	ID         string              `json:"id"`
	Means      order.PaymentMethod `json:"means"`
	Amount     int64               `json:"amount_cents"`
	Reference  string              `json:"reference,omitempty"` // cheque number, transfer reference, provider payment id
	ReceivedAt time.Time           `json:"received_at"`
	Agent      string              `json:"agent,omitempty"`
	Source     string              `json:"source"` // PaymentFromAgent or PaymentFromProvider
	// ConfirmOverpayment: the agent confirms an amount above what is due;
	// without it such a payment is refused.
	ConfirmOverpayment bool `json:"confirm_overpayment,omitempty"`
}

// Who reported a payment.
const (
	PaymentFromAgent    = "agent"
	PaymentFromProvider = "provider"
)

// PaymentAck answers a recorded payment: where the collection stands.
type PaymentAck struct {
	Received int64 `json:"received_cents"`
	Balance  int64 `json:"balance_cents"`  // still due
	Overpaid int64 `json:"overpaid_cents"` // received beyond what was due
}

// AgentRequest is an agent's request to a running procedure (send the
// invoice, send the payment confirmation).
type AgentRequest struct {
	ID    string `json:"id"` // request id, for the outbox key
	Agent string `json:"agent"`
}

// Outcomes of a collection.
const (
	CollectPaid      = "paid"
	CollectCancelled = "cancelled" // unpaid in time: the order is cancelled
	CollectExpired   = "expired"   // a balance due unpaid in time: the order stays as it is
)

// ScheduledStep is one durable reminder of the wait, for the UI.
type ScheduledStep struct {
	Kind  string    `json:"kind"` // email, task, cancel
	Label string    `json:"label"`
	At    time.Time `json:"at"`
	Done  bool      `json:"done"`
}

// CollectionState is what the collection query returns: the money, the
// invoice, the reminders' schedule and what comes next.
type CollectionState struct {
	Mode                string          `json:"mode"`
	BalanceDue          bool            `json:"balance_due"`
	Currency            string          `json:"currency"`
	Due                 int64           `json:"due_cents"`
	Received            int64           `json:"received_cents"`
	Balance             int64           `json:"balance_cents"`
	Overpaid            int64           `json:"overpaid_cents"`
	Invoice             string          `json:"invoice,omitempty"`
	PaymentLink         string          `json:"payment_link,omitempty"`
	Waiting             bool            `json:"waiting"` // accepts record-payment
	Schedule            []ScheduledStep `json:"schedule"`
	Next                *ScheduledStep  `json:"next,omitempty"`
	ConfirmationOffered bool            `json:"confirmation_offered"` // the button is shown
	ConfirmationSent    bool            `json:"confirmation_sent"`
	Payments            []PaymentRecord `json:"payments"`
	Outcome             string          `json:"outcome,omitempty"`
}

// CollectPaymentResult is how the collection ended.
type CollectPaymentResult struct {
	Outcome             string          `json:"outcome"`
	Due                 int64           `json:"due_cents"`
	Received            int64           `json:"received_cents"`
	Overpaid            int64           `json:"overpaid_cents"`   // to refund: the money procedures' settlement
	RefundDue           int64           `json:"refund_due_cents"` // paid on an order cancelled for non-payment
	Invoice             string          `json:"invoice,omitempty"`
	CreditNote          string          `json:"credit_note,omitempty"`
	Payments            []PaymentRecord `json:"payments"`
	ConfirmationEmailID int64           `json:"confirmation_email_id,omitempty"`
	TaskID              int64           `json:"task_id,omitempty"`
}

type collect struct {
	in         CollectPaymentInput
	actor      activities.Actor
	state      State
	c          CollectionState
	method     order.PaymentMethod // the order's payment method
	seen       map[string]PaymentAck
	inflight   int
	ask        asker         // the agent task that asks to chase the customer
	cancel     string        // why the agent cancelled the order, when they did
	cancelWhy  locale.Phrase // the same, for the history
	cancelText Text          // the same, for the progress view
	confirm    *AgentRequest
	started    bool
	creditNote string
	billing    order.Address
	delivery   order.Address
	total      int64 // the order's total, as last read
	rereading  bool  // what is due is being read again (order changed): no payment is recorded meanwhile
	lean       bool  // a lean procedure (beginLean)
}

// stepCtx is the context a step runs under, in the procedure's main line
// or in an Update's handler (whose context is the workflow's root).
func (p *collect) stepCtx(ctx workflow.Context) workflow.Context {
	return withLean(workflow.WithActivityOptions(ctx, dbActivity), p.lean)
}

// CollectPayment runs the procedure; see the top of this file.
func CollectPayment(ctx workflow.Context, in CollectPaymentInput) (res CollectPaymentResult, err error) {
	ctx, lean := beginLean(ctx, in.Lean)
	p := &collect{
		lean:  lean,
		in:    in,
		actor: activities.Actor{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Agent: in.Agent},
		state: State{Procedure: ProcCollectPayment, OrderNumber: in.OrderNumber},
		c:     CollectionState{Mode: in.Mode, BalanceDue: in.BalanceDue > 0, Schedule: []ScheduledStep{}, Payments: []PaymentRecord{}},
		seen:  map[string]PaymentAck{},
	}
	// The chase task's answers have never been looked up in the agents
	// table: its runs replay without the lookup (asker.unchecked).
	p.ask = asker{number: in.OrderNumber, actor: p.actor, state: &p.state, lean: lean, unchecked: true, answered: p.onAnswer}
	if in.ConfirmWait <= 0 {
		p.in.ConfirmWait = 30 * 24 * time.Hour
	}
	if err := p.register(ctx); err != nil {
		return res, err
	}
	ctx = p.stepCtx(ctx)
	var collect *activities.Collect
	defer func() {
		p.state.Done = true
		if err != nil {
			p.closeTask(ctx, "cancelled", locale.Phr("history.outcome.stopped"))
		}
	}()

	// 1. Begin: the order awaits its payment.
	step := p.state.begin("begin", text(LabelAwaitPayment))
	p.details(ctx, "Début de l'encaissement")
	var begun activities.BeginCollectionOutput
	if err := db(ctx, collect.BeginCollection, activities.BeginCollectionInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Mode: in.Mode, BalanceDue: in.BalanceDue, Reason: in.Reason,
	}).Get(ctx, &begun); err != nil {
		p.fail(ctx, step, err)
		return res, err
	}
	p.c.Due, p.c.Balance, p.c.Currency, p.method = begun.Due, begun.Due, begun.Currency, begun.Method
	p.billing, p.delivery, p.total = begun.Billing, begun.Delivery, begun.Total
	p.started = true
	p.state.end(step, StepDone, text(DetailAmountDue, moneyArg("amount", begun.Due, p.c.Currency)))

	// 2. The invoice, and the email that carries it.
	if in.Mode != activities.CollectManual || in.BalanceDue > 0 {
		step = p.state.begin("invoice", text(LabelCreateInvoice))
		if err := p.issueInvoice(ctx); err != nil {
			p.fail(ctx, step, err)
			return res, err
		}
		p.state.end(step, StepDone, text(DetailInvoice, textArg("invoice", p.c.Invoice)))
		step = p.state.begin("invoice_email", text(LabelSendInvoice))
		if in.Mode == activities.CollectLink || in.SendInvoice || in.BalanceDue > 0 {
			if err := p.sendInvoice(ctx, "first"); err != nil {
				p.fail(ctx, step, err)
				return res, err
			}
			p.state.end(step, StepDone, Text{})
		} else {
			p.state.end(step, StepSkipped, text(DetailInvoiceNotAsked))
		}
	}

	// 3. Wait for the payment, with the reminders.
	step = p.state.begin("wait", text(LabelWaitPayment))
	p.state.Steps[step].Status = StepWaiting
	outcome, err := p.waitForPayment(ctx)
	if err != nil {
		p.fail(ctx, step, err)
		return p.result(), err
	}
	if outcome == CollectPaid && !p.paidOff() {
		// The order changed and owes nothing more: nothing to complete.
		err := p.closeNothingDue(ctx, step)
		_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
		return p.result(), err
	}
	if outcome != CollectPaid {
		p.state.end(step, StepFailed, text(DetailPaymentNotReceived))
		err := p.cancelUnpaid(ctx, outcome)
		_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
		return p.result(), err
	}
	p.state.end(step, StepDone, text(DetailReceived, moneyArg("amount", p.c.Received, p.c.Currency)))
	p.closeTask(ctx, "cancelled", locale.Phr("history.closed.payment_received"))

	// 4. Invoice paid, order paid (« Complétée »).
	step = p.state.begin("complete", text(LabelCompletePayment))
	last := p.c.Payments[len(p.c.Payments)-1]
	var inv activities.InvoiceRef
	if err := db(ctx, collect.CompletePayment, activities.CompletePaymentInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/complete", InvoiceKey: p.actor.WorkflowID + "/invoice",
		Reason: in.Reason, Means: last.Means, PaidAt: last.ReceivedAt, BalanceDue: in.BalanceDue > 0,
	}).Get(ctx, &inv); err != nil {
		p.fail(ctx, step, err)
		return p.result(), err
	}
	p.c.Invoice, p.c.PaymentLink = inv.Number, ""
	p.state.end(step, StepDone, text(DetailInvoicePaid, textArg("invoice", inv.Number)))
	if p.c.Overpaid > 0 {
		var orders *activities.Orders
		// The hook of the money procedures: the overpayment is offered for refund.
		line := locale.Phr("history.overpayment", amountOf(p.c.Overpaid, p.c.Currency))
		if err := db(ctx, orders.RecordEvent, activities.NoteInput{
			OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/overpayment", Kind: "overpayment",
			Message: line.French(), Phrase: line,
		}).Get(ctx, nil); err != nil {
			return p.result(), err
		}
		if err := p.refundOverpayment(ctx, last); err != nil {
			return p.result(), err
		}
	}

	// 6. The payment confirmation.
	step = p.state.begin("confirmation", text(LabelSendConfirmation))
	if in.AutoConfirm || in.Mode == activities.CollectLink {
		p.confirm = &AgentRequest{ID: "auto", Agent: in.Agent}
	} else {
		p.c.ConfirmationOffered = true
		p.state.Steps[step].Status = StepWaiting
		p.details(ctx, "Payée — en attente du bouton « Envoyer la confirmation de paiement »")
		if _, err := workflow.AwaitWithTimeout(ctx, p.in.ConfirmWait, func() bool { return p.confirm != nil }); err != nil {
			return p.result(), err
		}
		p.c.ConfirmationOffered = false
	}
	res = p.result()
	if p.confirm != nil {
		id, err := p.sendConfirmation(ctx)
		if err != nil {
			p.fail(ctx, step, err)
			return p.result(), err
		}
		p.c.ConfirmationSent = true
		p.state.end(step, StepDone, Text{})
		res = p.result()
		res.ConfirmationEmailID = id
	} else {
		p.state.end(step, StepSkipped, text(DetailConfirmationNotAsked))
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return res, err
	}
	p.details(ctx, "Terminée : commande payée")
	return res, nil
}

func (p *collect) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (State, error) { return p.state, nil }); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryCollection, func() (CollectionState, error) { return p.c, nil }); err != nil {
		return err
	}
	if err := p.ask.register(ctx); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRecordPayment, p.onPayment,
		workflow.UpdateHandlerOptions{Validator: refusing(p.validatePayment)}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateOrderChanged, p.onOrderChanged); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSendInvoice, p.onSendInvoice,
		workflow.UpdateHandlerOptions{Validator: refusing(p.validateSendInvoice)}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateConfirmPayment, p.onConfirm,
		workflow.UpdateHandlerOptions{Validator: refusing(p.validateConfirm)})
}

// cancelUnpaid cancels the unpaid order (or ends the balance request), and
// tells the customer.
func (p *collect) cancelUnpaid(ctx workflow.Context, outcome string) error {
	var collect *activities.Collect
	p.closeTask(ctx, "cancelled", p.cancelWhy)
	p.c.Outcome = outcome
	label := text(LabelCancelUnpaid)
	if p.in.BalanceDue > 0 {
		label = text(LabelCloseBalance)
	}
	step := p.state.begin("cancel", label)
	var out activities.CancelUnpaidOutput
	if err := db(ctx, collect.CancelUnpaid, activities.CancelUnpaidInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/cancel", Invoice: p.c.Invoice,
		Reason: p.cancel, Why: p.cancelWhy, BalanceDue: p.in.BalanceDue > 0,
	}).Get(ctx, &out); err != nil {
		p.fail(ctx, step, err)
		return err
	}
	p.creditNote = out.CreditNote
	if out.Cancelled {
		var ref activities.EmailRef
		if err := db(ctx, collect.QueuePaymentEmail, activities.PaymentEmailInput{
			OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email/cancelled", Kind: activities.PaymentEmailCancelled,
			Invoice: p.c.Invoice, Amount: p.c.Balance, Balance: p.c.Received, Means: p.method,
		}).Get(ctx, &ref); err != nil {
			p.fail(ctx, step, err)
			return err
		}
		if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, ref).Get(ctx, nil); err != nil {
			p.fail(ctx, step, err)
			return err
		}
	}
	if p.c.Received > 0 {
		var orders *activities.Orders
		// The hook of the money procedures: what was paid goes back.
		line := locale.Phr("history.refund_due", amountOf(p.c.Received, p.c.Currency))
		if err := db(ctx, orders.RecordEvent, activities.NoteInput{
			OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/refund-due", Kind: "refund_due",
			Message: line.French(), Phrase: line,
		}).Get(ctx, nil); err != nil {
			return err
		}
	}
	p.state.end(step, StepDone, p.cancelText)
	p.details(ctx, "Terminée : "+p.cancel)
	return nil
}

func (p *collect) result() CollectPaymentResult {
	outcome := p.c.Outcome
	if outcome == "" && p.c.Received >= p.c.Due && p.c.Due > 0 {
		outcome = CollectPaid
	}
	res := CollectPaymentResult{
		Outcome: outcome, Due: p.c.Due, Received: p.c.Received, Overpaid: p.c.Overpaid,
		Invoice: p.c.Invoice, CreditNote: p.creditNote, Payments: p.c.Payments,
	}
	if outcome != CollectPaid && outcome != CollectNothingDue {
		res.RefundDue = p.c.Received
	}
	if p.ask.answer != nil {
		res.TaskID = p.ask.answer.TaskID
	}
	return res
}

func (p *collect) money(c int64) string {
	return order.Money{Cents: c, Currency: p.c.Currency}.French()
}

func (p *collect) fail(ctx workflow.Context, step int, err error) { p.state.fail(ctx, step, err) }

func (p *collect) details(ctx workflow.Context, s string) { setDetails(ctx, p.in.OrderNumber, s) }

// refundOverpayment offers the overpayment's refund: settle-difference
// runs on its own (the customer's confirmation need not wait for it), through
// the provider when the means has one, else by an agent's hand. The refund
// is asked by the agent who recorded the overpaying payment (the one who
// started the collection when the provider reported it), so an approval
// above the limit comes from someone else.
func (p *collect) refundOverpayment(ctx workflow.Context, last PaymentRecord) error {
	requester := last.Agent
	if requester == "" {
		requester = p.in.Agent
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        p.actor.WorkflowID + "/overpayment",
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrOrderNumber.ValueSet(p.in.OrderNumber), AttrOrderProcedure.ValueSet(ProcSettleDifference), AttrAwaitingAgent.ValueSet(false),
		),
	})
	child := workflow.ExecuteChildWorkflow(cctx, ProcSettleDifference, SettleInput{
		OrderNumber: p.in.OrderNumber, Agent: requester, Method: last.Means, Currency: p.c.Currency,
		Billing: p.billing, Delivery: p.delivery, Refund: p.c.Overpaid, Kind: order.SettleOverpayment, Settings: p.in.Settings,
	})
	err := child.GetChildWorkflowExecution().Get(ctx, nil)
	var started *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &started) {
		return nil
	}
	return err
}
