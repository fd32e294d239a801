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
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
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

// The agent task opened when the payment is late, and its answers.
const (
	TaskPaymentOverdue = "payment_overdue"
	AnswerKeepWaiting  = "keep_waiting"
	AnswerCancelOrder  = "cancel_order"
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
	task       *OpenTask
	answer     *TaskAnswer
	cancel     string // why the agent cancelled the order, when they did
	cancelText Text   // the same, for the progress view
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
			p.closeTask(ctx, "cancelled", "procédure arrêtée")
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
	p.closeTask(ctx, "cancelled", "paiement reçu")

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
		if err := db(ctx, orders.RecordEvent, activities.NoteInput{
			OrderNumber: in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/overpayment", Kind: "overpayment",
			Message: fmt.Sprintf("Trop-perçu de %s : à rembourser au client (procédure de remboursement)", p.money(p.c.Overpaid)),
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
	followChildren(ctx)
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRecordPayment, p.onPayment,
		workflow.UpdateHandlerOptions{Validator: refusing(p.validatePayment)}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAnswerTask, p.onAnswer,
		workflow.UpdateHandlerOptions{Validator: refusing(p.validateAnswer)}); err != nil {
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

// waitForPayment waits until the payment is complete, running the
// reminders as their time comes. It returns CollectPaid, or the outcome of
// a cancellation (by the last reminder or by an agent's answer).
func (p *collect) waitForPayment(ctx workflow.Context) (string, error) {
	start := workflow.Now(ctx)
	r := p.in.paymentReminders()
	for _, s := range []ScheduledStep{
		{Kind: "email", Label: "E-mail de relance au client", At: start.Add(r.Email)},
		{Kind: "task", Label: "Tâche pour un agent : relancer le client", At: start.Add(r.Task)},
		{Kind: "cancel", Label: "Annulation de la commande et e-mail au client", At: start.Add(r.Cancel)},
	} {
		if s.At.After(start) {
			p.c.Schedule = append(p.c.Schedule, s)
		}
	}
	if p.in.BalanceDue > 0 && len(p.c.Schedule) > 0 && p.c.Schedule[len(p.c.Schedule)-1].Kind == "cancel" {
		p.c.Schedule[len(p.c.Schedule)-1].Label = "Fin de la demande de complément"
	}
	p.c.Waiting = true
	defer func() { p.c.Waiting, p.c.Next = false, nil }()
	done := func() bool { return (p.c.Balance <= 0 && p.inflight == 0 && !p.rereading) || p.cancel != "" }
	for i := range p.c.Schedule {
		s := &p.c.Schedule[i]
		p.c.Next = s
		p.waitingDetails(ctx)
		ok, err := workflow.AwaitWithTimeout(ctx, s.At.Sub(workflow.Now(ctx)), done)
		if err != nil {
			return "", err
		}
		if ok {
			break
		}
		switch s.Kind {
		case "email":
			if err := p.remind(ctx); err != nil {
				return "", err
			}
		case "task":
			if err := p.openTask(ctx); err != nil {
				return "", err
			}
		case "cancel":
			s.Done = true
			p.cancel = "paiement non reçu dans les délais"
			p.cancelText = text(DetailUnpaidInTime)
		}
		s.Done = true
	}
	p.c.Next = nil
	p.waitingDetails(ctx)
	if err := workflow.Await(ctx, done); err != nil {
		return "", err
	}
	if p.c.Balance <= 0 && p.inflight == 0 && !p.rereading {
		return CollectPaid, nil
	}
	if p.in.BalanceDue > 0 {
		return CollectExpired, nil
	}
	return CollectCancelled, nil
}

// validatePayment refuses a payment before it enters history: naming the
// field for a bad amount, means, reference or date, and saying so when the
// procedure is not (or no longer) awaiting a payment.
func (p *collect) validatePayment(ctx workflow.Context, r PaymentRecord) error {
	if _, ok := p.seen[r.ID]; ok && r.ID != "" {
		return nil // the same payment again (a repeated webhook): answered as before
	}
	switch {
	case !p.c.Waiting || p.c.Balance <= 0:
		return order.Fieldf("order", "order %s is not awaiting a payment (%s)", p.in.OrderNumber, p.waitingWhy())
	case r.ID == "":
		return order.Fieldf("id", "give the payment an id (request id or provider event id), so it is recorded once")
	case r.Amount <= 0:
		return order.Fieldf("amount", "the amount received must be above 0, got %s", p.money(r.Amount))
	case r.ReceivedAt.IsZero():
		return order.Fieldf("received_at", "give the date the payment was received")
	case r.ReceivedAt.After(workflow.Now(ctx).Add(15 * time.Minute)):
		return order.Fieldf("received_at", "the date received %s is in the future", r.ReceivedAt.In(paris).Format("02/01/2006"))
	case r.Source != PaymentFromAgent && r.Source != PaymentFromProvider:
		return order.Fieldf("source", "a payment comes from an agent or the provider, not %q", r.Source)
	case r.Source == PaymentFromAgent && r.Agent == "":
		return order.Fieldf("agent", "say which agent records the payment")
	}
	means := p.means(r)
	if !means.Valid() {
		return order.Fieldf("means", "%q is not a payment means: use %s", r.Means, p.meansHint())
	}
	if p.in.Mode == activities.CollectManual && r.Source == PaymentFromAgent && !manualMeans(means) {
		return order.Fieldf("means", "%s cannot be recorded by hand here: use %s", means.Label("fr"), p.meansHint())
	}
	if p.in.Mode == activities.CollectTerminal && means != order.PayTerminal {
		return order.Fieldf("means", "a payment at the terminal has no means to choose, got %q", r.Means)
	}
	if means == order.PayBankTransfer && r.Reference == "" {
		return order.Fieldf("reference", "a bank transfer needs its reference")
	}
	if r.Source == PaymentFromAgent && r.Amount > p.c.Balance && !r.ConfirmOverpayment {
		return order.Fieldf("amount", "%s is %s more than the %s due: confirm the overpayment",
			p.money(r.Amount), p.money(r.Amount-p.c.Balance), p.money(p.c.Balance))
	}
	return nil
}

// onPayment records the payment and answers where the collection stands.
// The shop is told of every payment received.
func (p *collect) onPayment(ctx workflow.Context, r PaymentRecord) (PaymentAck, error) {
	if ack, ok := p.seen[r.ID]; ok {
		return ack, nil
	}
	r.Means = p.means(r)
	p.seen[r.ID] = PaymentAck{} // a repeat while this one is recorded answers zero, not twice
	p.inflight++
	defer func() { p.inflight-- }()
	// What is due is being read again (the order changed): this payment
	// counts against what the order owes once it is read.
	if err := workflow.Await(ctx, func() bool { return !p.rereading }); err != nil {
		delete(p.seen, r.ID)
		return PaymentAck{}, err
	}
	var collect *activities.Collect
	ctx = p.stepCtx(ctx)
	actor := p.actor
	if r.Agent != "" {
		actor.Agent = r.Agent
	}
	key := p.actor.WorkflowID + "/payment/" + r.ID
	if err := db(ctx, collect.RecordPayment, activities.RecordPaymentInput{
		OrderNumber: p.in.OrderNumber, Actor: actor, Key: key, Means: r.Means, Amount: r.Amount,
		Reference: r.Reference, ReceivedAt: r.ReceivedAt, Source: r.Source,
	}).Get(ctx, nil); err != nil {
		delete(p.seen, r.ID)
		return PaymentAck{}, err
	}
	p.c.Payments = append(p.c.Payments, r)
	p.c.Received += r.Amount
	p.c.Balance = max(p.c.Due-p.c.Received, 0)
	p.c.Overpaid = max(p.c.Received-p.c.Due, 0)
	ack := PaymentAck{Received: p.c.Received, Balance: p.c.Balance, Overpaid: p.c.Overpaid}
	p.seen[r.ID] = ack
	p.waitingDetails(ctx)

	var ref activities.EmailRef
	if err := db(ctx, collect.NotifyMerchant, activities.NotifyMerchantInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: key + "/merchant", Kind: activities.MerchantPaymentReceived,
		Amount: r.Amount, Balance: p.c.Balance, Means: r.Means, Reference: r.Reference, Invoice: p.c.Invoice,
	}).Get(ctx, &ref); err != nil {
		return ack, err
	}
	if ref.ID == 0 && p.lean {
		return ack, nil // no merchant address: nothing to send
	}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, ref).Get(ctx, nil); err != nil {
		return ack, err
	}
	return ack, nil
}

// means is the payment's means: the terminal's at the terminal; for the
// provider, what it says, else the order's means when direct, else card.
func (p *collect) means(r PaymentRecord) order.PaymentMethod {
	switch {
	case p.in.Mode == activities.CollectTerminal && (r.Means == "" || r.Means == order.PayTerminal):
		return order.PayTerminal
	case r.Source == PaymentFromProvider && r.Means == "" && p.method.Direct():
		return p.method
	case r.Source == PaymentFromProvider && r.Means == "":
		return order.PayCard
	}
	return r.Means
}

func manualMeans(m order.PaymentMethod) bool {
	return m == order.PayCheque || m == order.PayMoneyOrder || m == order.PayBankTransfer
}

func (p *collect) meansHint() string {
	if p.in.Mode == activities.CollectManual {
		return "cheque, money_order or bank_transfer"
	}
	return "one of the payment methods (cheque, money_order, bank_transfer, card, ...)"
}

// waitingWhy says why no payment is awaited, for the refusal.
func (p *collect) waitingWhy() string {
	switch {
	case !p.started:
		return "the procedure has not started waiting yet"
	case p.c.Balance <= 0:
		return "it is paid"
	case p.cancel != "":
		return "it is being cancelled"
	}
	return "the procedure has stopped waiting"
}

// issueInvoice makes sure the order has its invoice, with a link when the
// means allows paying online.
func (p *collect) issueInvoice(ctx workflow.Context) error {
	var collect *activities.Collect
	var inv activities.InvoiceRef
	withLink := p.in.Mode == activities.CollectLink
	if err := db(ctx, collect.IssueInvoice, activities.IssueInvoiceInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/invoice", Reason: p.in.Reason, WithLink: withLink,
	}).Get(ctx, &inv); err != nil {
		return err
	}
	p.c.Invoice, p.c.PaymentLink = inv.Number, inv.PaymentLink
	return nil
}

// sendInvoice emails the invoice (attached) with its link or how to pay.
func (p *collect) sendInvoice(ctx workflow.Context, id string) error {
	var collect *activities.Collect
	amount := p.c.Balance
	if amount <= 0 {
		amount = p.c.Due
	}
	var ref activities.EmailRef
	if err := db(ctx, collect.QueuePaymentEmail, activities.PaymentEmailInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email/invoice/" + id, Kind: activities.PaymentEmailInvoice,
		Invoice: p.c.Invoice, Amount: amount, Means: p.method, Reason: p.in.Reason, BalanceDue: p.in.BalanceDue > 0,
	}).Get(ctx, &ref); err != nil {
		return err
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, ref).Get(ctx, nil)
}

func (p *collect) validateSendInvoice(ctx workflow.Context, r AgentRequest) error {
	switch {
	case !p.started:
		return order.Fieldf("order", "the procedure has not begun yet: try again in a moment")
	case r.ID == "":
		return order.Fieldf("id", "give a request id")
	case r.Agent == "":
		return order.Fieldf("agent", "say which agent sends the invoice")
	}
	return nil
}

// onSendInvoice emails the invoice when an agent asks,
// issuing it first if the procedure has none yet.
func (p *collect) onSendInvoice(ctx workflow.Context, r AgentRequest) (string, error) {
	ctx = p.stepCtx(ctx)
	if p.c.Invoice == "" {
		if err := p.issueInvoice(ctx); err != nil {
			return "", err
		}
	}
	if err := p.sendInvoice(ctx, r.ID); err != nil {
		return "", err
	}
	return p.c.Invoice, nil
}

func (p *collect) validateConfirm(ctx workflow.Context, r AgentRequest) error {
	switch {
	case r.Agent == "":
		return order.Fieldf("agent", "say which agent sends the confirmation")
	case p.confirm != nil || p.c.ConfirmationSent:
		return order.Fieldf("confirmation", "the payment confirmation of order %s is sent already", p.in.OrderNumber)
	case !p.c.ConfirmationOffered:
		return order.Fieldf("confirmation", "order %s is not paid yet (%s still due): the confirmation is sent once the payment is complete", p.in.OrderNumber, p.money(p.c.Balance))
	}
	return nil
}

func (p *collect) onConfirm(ctx workflow.Context, r AgentRequest) error {
	p.confirm = &r
	return nil
}

// sendConfirmation emails the payment confirmation with the paid invoice.
func (p *collect) sendConfirmation(ctx workflow.Context) (int64, error) {
	var collect *activities.Collect
	last := p.c.Payments[len(p.c.Payments)-1]
	var ref activities.EmailRef
	if err := db(ctx, collect.QueuePaymentEmail, activities.PaymentEmailInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email/confirmation", Kind: activities.PaymentEmailConfirmation,
		Invoice: p.c.Invoice, Amount: p.c.Received, Means: last.Means, BalanceDue: p.in.BalanceDue > 0,
	}).Get(ctx, &ref); err != nil {
		return 0, err
	}
	return ref.ID, workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, ref).Get(ctx, nil)
}

// remind emails the customer that the payment is awaited.
func (p *collect) remind(ctx workflow.Context) error {
	var collect *activities.Collect
	var deadline time.Time
	for _, s := range p.c.Schedule {
		if s.Kind == "cancel" && p.in.BalanceDue == 0 {
			deadline = s.At
		}
	}
	var ref activities.EmailRef
	if err := db(ctx, collect.QueuePaymentEmail, activities.PaymentEmailInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/email/reminder", Kind: activities.PaymentEmailReminder,
		Invoice: p.c.Invoice, Amount: p.c.Balance, Means: p.method, Deadline: deadline, BalanceDue: p.in.BalanceDue > 0,
	}).Get(ctx, &ref); err != nil {
		return err
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, ref).Get(ctx, nil)
}

// openTask asks an agent to chase the customer: keep waiting, or cancel
// the order now.
func (p *collect) openTask(ctx workflow.Context) error {
	var orders *activities.Orders
	question := fmt.Sprintf("Le paiement de %s pour la commande %s n'est toujours pas arrivé. Relancez le client (téléphone, e-mail), puis répondez « Continuer d'attendre » ou « Annuler la commande ».",
		p.money(p.c.Balance), p.in.OrderNumber)
	options := []string{AnswerKeepWaiting, AnswerCancelOrder}
	var ref activities.TaskRef
	if err := db(ctx, orders.OpenTask, activities.TaskInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/task/overdue", Kind: TaskPaymentOverdue,
		Question: question, Amount: p.c.Balance, Options: options,
	}).Get(ctx, &ref); err != nil {
		return err
	}
	p.task = &OpenTask{ID: ref.ID, Kind: TaskPaymentOverdue, Question: question, Amount: p.c.Balance, Options: options}
	p.state.Task = p.task
	awaitingAgent(ctx, true)
	return nil
}

func (p *collect) validateAnswer(ctx workflow.Context, a TaskAnswer) error {
	switch {
	case p.answer != nil:
		return order.Fieldf("task", "task #%d is already answered", a.TaskID)
	case p.task == nil:
		return notAsked(a.TaskID)
	case a.TaskID != p.task.ID:
		return fmt.Errorf("task #%d is not the task this procedure waits on (#%d)", a.TaskID, p.task.ID)
	case a.Agent == "":
		return order.Fieldf("agent", "say which agent answers")
	case a.Outcome != AnswerKeepWaiting && a.Outcome != AnswerCancelOrder:
		return order.Fieldf("outcome", "%q is not an answer to task #%d: answer one of %v", a.Outcome, a.TaskID, p.task.Options)
	}
	return nil
}

// onAnswer closes the task; "cancel the order" ends the wait.
func (p *collect) onAnswer(ctx workflow.Context, a TaskAnswer) error {
	p.answer = &a
	summary := "continuer d'attendre le paiement"
	if a.Outcome == AnswerCancelOrder {
		summary = "annuler la commande"
		p.cancel = "annulée par " + a.Agent + " faute de paiement"
		p.cancelText = text(DetailCancelledByAgent, textArg("agent", a.Agent))
	}
	p.closeTask(ctx, "answered", summary)
	return nil
}

// closeTask closes the open task, if any, on a disconnected context (it
// also runs when the procedure is cancelled).
func (p *collect) closeTask(ctx workflow.Context, status, summary string) {
	if p.task == nil {
		return
	}
	task := p.task
	p.task, p.state.Task = nil, nil
	var orders *activities.Orders
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	dctx = p.stepCtx(dctx)
	in := activities.CloseTaskInput{OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/task/overdue", Status: status, Summary: summary}
	if p.answer != nil && status == "answered" {
		in.By = p.answer.Agent
	}
	if err := db(dctx, orders.CloseTask, in).Get(dctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("closing the overdue task failed", "task", task.ID, "err", err)
	}
	awaitingAgent(dctx, false)
}

// cancelUnpaid cancels the unpaid order (or ends the balance request), and
// tells the customer.
func (p *collect) cancelUnpaid(ctx workflow.Context, outcome string) error {
	var collect *activities.Collect
	p.closeTask(ctx, "cancelled", p.cancel)
	p.c.Outcome = outcome
	label := text(LabelCancelUnpaid)
	if p.in.BalanceDue > 0 {
		label = text(LabelCloseBalance)
	}
	step := p.state.begin("cancel", label)
	var out activities.CancelUnpaidOutput
	if err := db(ctx, collect.CancelUnpaid, activities.CancelUnpaidInput{
		OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/cancel", Invoice: p.c.Invoice,
		Reason: p.cancel, BalanceDue: p.in.BalanceDue > 0,
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
		if err := db(ctx, orders.RecordEvent, activities.NoteInput{
			OrderNumber: p.in.OrderNumber, Actor: p.actor, Key: p.actor.WorkflowID + "/refund-due", Kind: "refund_due",
			Message: fmt.Sprintf("Commande annulée après un paiement partiel : %s à rembourser au client (procédure de remboursement)", p.money(p.c.Received)),
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
	if p.answer != nil {
		res.TaskID = p.answer.TaskID
	}
	return res
}

// waitingDetails writes the current details line: what is awaited, what
// comes next and when.
func (p *collect) waitingDetails(ctx workflow.Context) {
	if !p.c.Waiting {
		return
	}
	s := "En attente du paiement : " + p.money(p.c.Balance)
	if p.c.Received > 0 {
		s += fmt.Sprintf(" restant (reçu %s)", p.money(p.c.Received))
	}
	if n := p.c.Next; n != nil {
		s += fmt.Sprintf(" — prochaine étape : %s le %s", lowerFirst(n.Label), n.At.In(paris).Format("02/01/2006 à 15:04"))
	}
	p.details(ctx, s)
}

func (p *collect) money(c int64) string {
	return order.Money{Cents: c, Currency: p.c.Currency}.French()
}

func (p *collect) fail(ctx workflow.Context, step int, err error) { p.state.fail(ctx, step, err) }

func (p *collect) details(ctx workflow.Context, s string) { setDetails(ctx, p.in.OrderNumber, s) }

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 && r[0] >= 'A' && r[0] <= 'Z' {
		r[0] += 'a' - 'A'
	}
	return string(r)
}

// paris is where agents read the times of the reminders.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()

// NotifyNewOrderInput names the order that just arrived.
type NotifyNewOrderInput struct {
	OrderNumber string `json:"order_number"`
	// Lean: see Settings.Lean.
	Lean bool `json:"lean,omitempty"`
}

// NotifyNewOrder tells the shop a new order arrived (« vous
// recevez un message … pour vous informer qu'une nouvelle commande a été
// transmise »): one merchant email per order, whatever the retries.
func NotifyNewOrder(ctx workflow.Context, in NotifyNewOrderInput) error {
	var collect *activities.Collect
	ctx, _ = beginLean(ctx, in.Lean)
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	actor := activities.Actor{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	var ref activities.EmailRef
	if err := db(ctx, collect.NotifyMerchant, activities.NotifyMerchantInput{
		OrderNumber: in.OrderNumber, Actor: actor, Key: ProcNotifyNewOrder + "/" + in.OrderNumber, Kind: activities.MerchantNewOrder,
	}).Get(ctx, &ref); err != nil {
		return err
	}
	if ref.ID == 0 && isLean(ctx) {
		return nil // no merchant address: nothing to send
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, ref).Get(ctx, nil)
}

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
			AttrOrderNumber.ValueSet(p.in.OrderNumber), AttrProcedure.ValueSet(ProcSettleDifference), AttrAwaitingAgent.ValueSet(false),
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
