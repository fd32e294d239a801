package workflows

// ArchiveOrder and UnarchiveOrder are the shop's « Archiver les commandes »:
// once an order is finished (completed, shipped or cancelled) and no
// procedure works on it (no hold, no open agent task), it leaves the
// current orders and is found under the archived ones; unarchiving brings
// it back. One step: one conditional UPDATE of orders.archived_at with the
// history line, by the agent. Nothing to compensate; no agent is waited on.
//
// ResendEmail sends again an email already written for the order
// (« renvoyer des e-mails, par exemple si le client n'a pas reçu de
// confirmation de commande »), optionally to a corrected address. Steps:
//  1. copy the email (subject, bodies, attachments) to a new outbox row
//     keyed by the procedure, with « E-mail renvoyé » in the history;
//  2. hand it to the mail provider, with its attachments.
//
// The workflow id carries the agent's request id, so a double click
// archives, or sends, once.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// ArchiveInput is what an agent asks of archive-order and unarchive-order.
type ArchiveInput struct {
	OrderNumber string `json:"order_number"`
	RequestID   string `json:"request_id"`
	Agent       string `json:"agent"`
	// Lean: see Settings.Lean.
	Lean bool `json:"lean,omitempty"`
}

// ArchiveResult says whether the order is archived once the procedure ended.
type ArchiveResult struct {
	Archived bool `json:"archived"`
}

// ArchiveOrder runs archive-order; see the top of this file.
func ArchiveOrder(ctx workflow.Context, in ArchiveInput) (ArchiveResult, error) {
	return setArchived(ctx, ProcArchiveOrder, in, true)
}

// UnarchiveOrder runs unarchive-order; see the top of this file.
func UnarchiveOrder(ctx workflow.Context, in ArchiveInput) (ArchiveResult, error) {
	return setArchived(ctx, ProcUnarchiveOrder, in, false)
}

func setArchived(ctx workflow.Context, name string, in ArchiveInput, archive bool) (res ArchiveResult, err error) {
	ctx, _ = beginLean(ctx, in.Lean)
	p := newProcedure(ctx, name, in.OrderNumber, in.Agent, 0, 0)
	if err := p.register(ctx); err != nil {
		return res, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	var orders *activities.Orders
	defer func() { p.state.Done = true }()

	label, act := text(LabelArchive), orders.ArchiveOrder
	if !archive {
		label, act = text(LabelUnarchive), orders.UnarchiveOrder
	}
	step := p.state.begin("archive", label)
	var out activities.ArchiveResult
	if err := db(ctx, act, activities.ArchiveInput{OrderNumber: in.OrderNumber, Actor: p.actor}).Get(ctx, &out); err != nil {
		return res, p.fail(ctx, step, err)
	}
	p.state.end(step, StepDone, Text{})
	return ArchiveResult{Archived: out.Archived}, nil
}

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
