package workflows

// ResendEmail sends again an email already written for the order
// (« renvoyer des e-mails, par exemple si le client n'a pas reçu de
// confirmation de commande »), optionally to a corrected address. Steps:
//  1. copy the email (subject, bodies, attachments) to a new outbox row
//     keyed by the procedure, with « E-mail renvoyé » in the history;
//  2. hand it to the mail provider, with its attachments.
//
// The workflow id carries the agent's request id, so a double click sends
// once.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// ResendEmailInput is what an agent asks of resend-email.
type ResendEmailInput struct {
	OrderNumber string `json:"order_number"`
	RequestID   string `json:"request_id"`
	Agent       string `json:"agent"`
	EmailID     int64  `json:"email_id"`     // the order's email to send again
	To          string `json:"to,omitempty"` // a corrected address; "" for the same
	// Lean: see Settings.Lean.
	Lean bool `json:"lean,omitempty"`
}

// ResendEmailResult is the new outbox email.
type ResendEmailResult struct {
	EmailID int64  `json:"email_id"`
	To      string `json:"to"`
}

// ResendEmail runs resend-email; see the top of this file.
func ResendEmail(ctx workflow.Context, in ResendEmailInput) (res ResendEmailResult, err error) {
	ctx, _ = beginLean(ctx, in.Lean)
	p := newProcedure(ctx, ProcResendEmail, in.OrderNumber, in.Agent, 0, 0)
	if err := p.register(ctx); err != nil {
		return res, err
	}
	var orders *activities.Orders
	var collect *activities.Collect
	defer func() { p.state.Done = true }()

	// 1. Copy the email to the outbox.
	step := p.state.begin("copy", text(LabelCopyEmail))
	var out activities.ResendOutput
	if err := db(workflow.WithActivityOptions(ctx, dbActivity), orders.CopyEmail, activities.ResendInput{
		OrderNumber: in.OrderNumber, Actor: p.actor, EmailID: in.EmailID, To: in.To,
	}).Get(ctx, &out); err != nil {
		return res, p.fail(ctx, step, err)
	}
	res = ResendEmailResult{EmailID: out.Email.ID, To: out.To}
	p.state.end(step, StepDone, text(DetailEmailTo, textArg("subject", out.Subject), textArg("to", out.To)))

	// 2. Send it.
	step = p.state.begin("send", text(LabelEmailCustomer))
	p.details(ctx, "E-mail renvoyé à "+out.To)
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, out.Email).Get(ctx, nil); err != nil {
		return res, p.fail(ctx, step, err)
	}
	p.state.end(step, StepDone, Text{})
	return res, nil
}
