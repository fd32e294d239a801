package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// ArchiveInput archives or unarchives an order for a procedure.
type ArchiveInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
}

// ArchiveResult is the order's number and when it was archived (nil once
// unarchived).
type ArchiveResult struct {
	OrderNumber string `json:"order_number"`
	Archived    bool   `json:"archived"`
}

// ArchiveOrder archives a finished order: one conditional
// UPDATE with the history line, by the agent. A retry finds its history
// line and changes nothing; a refusal (not finished, held, waited on by a
// task, already archived) is permanent.
func (a *Orders) ArchiveOrder(ctx context.Context, in ArchiveInput) (ArchiveResult, error) {
	o, err := a.Store.ArchiveOrder(ctx, in.OrderNumber, store.Event{
		ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: store.EventArchived, Key: in.Actor.WorkflowID + "/archive",
		Phrase: locale.Phr("history.archived"),
	})
	if err != nil {
		return ArchiveResult{}, classifyArchive(err)
	}
	return ArchiveResult{OrderNumber: o.Number, Archived: o.ArchivedAt != nil}, nil
}

// UnarchiveOrder puts an archived order back among the current orders,
// with the history line, by the agent.
func (a *Orders) UnarchiveOrder(ctx context.Context, in ArchiveInput) (ArchiveResult, error) {
	o, err := a.Store.UnarchiveOrder(ctx, in.OrderNumber, store.Event{
		ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: store.EventUnarchived, Key: in.Actor.WorkflowID + "/unarchive",
		Phrase: locale.Phr("history.unarchived"),
	})
	if err != nil {
		return ArchiveResult{}, classifyArchive(err)
	}
	return ArchiveResult{OrderNumber: o.Number, Archived: o.ArchivedAt != nil}, nil
}

// ResendInput asks for an email of the order to be sent again.
type ResendInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	EmailID     int64  `json:"email_id"`
	To          string `json:"to,omitempty"` // a corrected address; "" for the same
}

// ResendOutput is the new outbox email.
type ResendOutput struct {
	Email   EmailRef `json:"email"`
	Subject string   `json:"subject"`
	To      string   `json:"to"`
}

// CopyEmail writes a copy of one of the order's emails to the outbox, keyed
// by the procedure, with « E-mail renvoyé » in the history: a retry finds
// the copy. The email is then sent by SendDocumentEmail, with its
// attachments.
func (a *Orders) CopyEmail(ctx context.Context, in ResendInput) (ResendOutput, error) {
	if in.To != "" {
		if err := order.CheckEmailAddress("to", in.To); err != nil {
			return ResendOutput{}, classify(err)
		}
	}
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return ResendOutput{}, classify(err)
	}
	e, err := a.Store.ResendEmail(ctx, store.Resend{
		OrderID: o.ID, EmailID: in.EmailID, Key: in.Actor.WorkflowID + "/email", To: in.To,
		Event: store.Event{ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID},
	})
	if err != nil {
		return ResendOutput{}, classify(err)
	}
	return ResendOutput{Email: EmailRef{ID: e.ID}, Subject: e.Subject, To: e.ToEmail}, nil
}

// classifyArchive makes a refused archive permanent: retrying cannot
// finish an order or end the procedure that works on it.
func classifyArchive(err error) error {
	if errors.Is(err, order.ErrNotArchivable) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return classify(err)
}
