package workflows

// The invoice and the payment confirmation of collect-payment
// (collect_payment.go): issued and emailed in its steps, or when an agent
// asks (Updates send-invoice and send-payment-confirmation).

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

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
		return order.Refuse("order", "refusal.procedure_not_begun")
	case r.ID == "":
		return order.Refuse("id", "refusal.send_request_id_missing")
	case r.Agent == "":
		return order.Refuse("agent", "refusal.invoice_agent_missing")
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
		return order.Refuse("agent", "refusal.confirmation_agent_missing")
	case p.confirm != nil || p.c.ConfirmationSent:
		return order.Refuse("confirmation", "refusal.confirmation_sent_already", locale.Text(p.in.OrderNumber))
	case !p.c.ConfirmationOffered:
		return order.Refuse("confirmation", "refusal.confirmation_not_paid", locale.Text(p.in.OrderNumber), locale.Amount(p.c.Balance, p.c.Currency))
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
