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
		return p.notAwaiting()
	case r.ID == "":
		return order.Refuse("id", "refusal.payment_id_missing")
	case r.Amount <= 0:
		return order.Refuse("amount", "refusal.payment_not_positive", locale.Amount(r.Amount, p.c.Currency))
	case r.ReceivedAt.IsZero():
		return order.Refuse("received_at", "refusal.payment_date_missing")
	case r.ReceivedAt.After(workflow.Now(ctx).Add(15 * time.Minute)):
		return order.Refuse("received_at", "refusal.payment_date_future", locale.Day(r.ReceivedAt))
	case r.Source != PaymentFromAgent && r.Source != PaymentFromProvider:
		return order.Refuse("source", "refusal.payment_source_unknown", locale.Text(string(r.Source)))
	case r.Source == PaymentFromAgent && r.Agent == "":
		return order.Refuse("agent", "refusal.payment_agent_missing")
	}
	means := p.means(r)
	if !means.Valid() && p.in.Mode == activities.CollectManual {
		return order.Refuse("means", "refusal.payment_means_manual", locale.Text(string(r.Means)))
	}
	if !means.Valid() {
		return order.Refuse("means", "refusal.payment_means_unknown", locale.Text(string(r.Means)))
	}
	if p.in.Mode == activities.CollectManual && r.Source == PaymentFromAgent && !manualMeans(means) {
		return order.Refuse("means", "refusal.payment_means_not_manual", locale.Text(string(means)))
	}
	if p.in.Mode == activities.CollectTerminal && means != order.PayTerminal {
		return order.Refuse("means", "refusal.payment_terminal_means", locale.Text(string(r.Means)))
	}
	if means == order.PayBankTransfer && r.Reference == "" {
		return order.Refuse("reference", "refusal.transfer_reference_missing")
	}
	if r.Source == PaymentFromAgent && r.Amount > p.c.Balance && !r.ConfirmOverpayment {
		return order.Refuse("amount", "refusal.overpayment_unconfirmed", locale.Amount(r.Amount, p.c.Currency),
			locale.Amount(r.Amount-p.c.Balance, p.c.Currency), locale.Amount(p.c.Balance, p.c.Currency))
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

// notAwaiting refuses a payment when none is awaited, saying why: the
// procedure has not started waiting yet, the order is paid, it is being
// cancelled, or the procedure has stopped waiting.
func (p *collect) notAwaiting() error {
	number := locale.Text(p.in.OrderNumber)
	switch {
	case !p.started:
		return order.Refuse("order", "refusal.payment_not_awaited_yet", number)
	case p.c.Balance <= 0:
		return order.Refuse("order", "refusal.payment_order_paid", number)
	case p.cancel != "":
		return order.Refuse("order", "refusal.payment_order_cancelling", number)
	}
	return order.Refuse("order", "refusal.payment_not_awaited", number)
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
