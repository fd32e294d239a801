package workflows

// The wait of collect-payment (collect_payment.go): the reminders'
// schedule (the customer's reminder email, the agent task that asks to
// chase the customer, the cancellation), and the payments recorded while
// it waits (Update record-payment).

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

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
			p.cancelWhy = locale.Phr("history.reason.unpaid_in_time")
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
// the order now. The wait goes on while the task is open.
func (p *collect) openTask(ctx workflow.Context) error {
	question := locale.Phr("task_question.payment_overdue", amountOf(p.c.Balance, p.c.Currency), textOf(p.in.OrderNumber))
	return p.ask.open(ctx, "overdue", TaskPaymentOverdue, question, p.c.Balance, []string{AnswerKeepWaiting, AnswerCancelOrder}, nil)
}

// onAnswer closes the task as soon as the answer is in; "cancel the order"
// ends the wait.
func (p *collect) onAnswer(ctx workflow.Context, a TaskAnswer) error {
	if a.Outcome == AnswerCancelOrder {
		p.cancel = "annulée par " + a.Agent + " faute de paiement"
		p.cancelWhy = locale.Phr("history.reason.cancelled_by", textOf(a.Agent))
		p.cancelText = text(DetailCancelledByAgent, textArg("agent", a.Agent))
	}
	p.closeTask(ctx, "answered", summarize(a))
	return nil
}

// closeTask closes the open task, if any, on a disconnected context (it
// also runs when the procedure is cancelled, and in an Update's handler).
func (p *collect) closeTask(ctx workflow.Context, status string, summary locale.Phrase) {
	by := ""
	if p.ask.answer != nil && status == "answered" {
		by = p.ask.answer.Agent
	}
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	p.ask.closeTask(p.stepCtx(dctx), status, summary, by)
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
