package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// Emails are the activities that write customer emails to the outbox and
// hand them to the mail provider.
type Emails struct {
	Store  *store.Store
	Sender mail.Sender
}

// Outcomes of a settlement, as the customer email tells them.
const (
	OutcomeRefunded         = "refunded"          // back on the means of payment
	OutcomeRefundImpossible = "refund_impossible" // the agent will agree another way with the customer
	OutcomeBankTransfer     = "bank_transfer"     // paid back by transfer to the customer's IBAN
	OutcomeStoreCredit      = "store_credit"      // paid back with a voucher
	OutcomeChequeRefund     = "cheque_refund"     // a refund cheque is on its way
	OutcomeChequeReplaced   = "cheque_replaced"   // the first cheque is cancelled; one of the new total replaces it
	OutcomeBalanceDue       = "balance_due"       // the customer owes the difference
	OutcomeRefundRejected   = "refund_rejected"   // a supervisor refused the refund: nothing moved
	OutcomeNone             = "none"
)

// ContentEmailInput is what the customer is told after their order's
// content changed.
type ContentEmailInput struct {
	OrderNumber string               `json:"order_number"`
	Actor       Actor                `json:"actor"`
	Key         string               `json:"key"` // outbox key: workflow id + step
	Removed     []order.Line         `json:"removed"`
	Added       []order.Line         `json:"added,omitempty"`
	Edited      []order.LineDiff     `json:"edited,omitempty"`
	Shipping    order.ShippingChange `json:"shipping"`
	NewTotal    int64                `json:"new_total_cents"`
	Refund      int64                `json:"refund_cents"`
	BalanceDue  int64                `json:"balance_due_cents"`
	Outcome     string               `json:"outcome"`
	ProviderRef string               `json:"provider_ref,omitempty"`
	Reason      string               `json:"reason,omitempty"`
	AgentNote   string               `json:"agent_note,omitempty"`
	// How the money went back when not on the means of payment.
	Voucher       string         `json:"voucher,omitempty"`
	IBAN          string         `json:"iban,omitempty"` // masked
	ChequeAddress *order.Address `json:"cheque_address,omitempty"`
	// BySender leaves the sending to the outbox sender (OutboxSender).
	BySender bool `json:"by_sender,omitempty"`
	// Release, when set, releases the procedure's hold once the email is
	// written (the procedure's last step).
	Release *ReleaseInput `json:"release,omitempty"`
}

// EmailPreview is an email as the agent reviews it before it goes: what
// the customer will get, to whom, in both versions. Histories recorded
// before the HTML version and the recipient were added hold only Subject
// and Text.
type EmailPreview struct {
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	HTML     string `json:"html,omitempty"`
	ToEmail  string `json:"to_email,omitempty"`
	ToName   string `json:"to_name,omitempty"`
	Locale   string `json:"locale,omitempty"`
	Template string `json:"template,omitempty"`
}

// preview is a rendered email as the agent reviews it.
func preview(o order.Order, msg mail.Message) EmailPreview {
	return EmailPreview{
		Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML,
		ToEmail: o.Customer.Email, ToName: o.Customer.Name, Locale: msg.Locale, Template: msg.Template,
	}
}

// PreviewContentEmail renders the email without writing it anywhere, for
// the agent to review.
func (m *Emails) PreviewContentEmail(ctx context.Context, in ContentEmailInput) (EmailPreview, error) {
	o, msg, err := m.renderContent(ctx, in)
	if err != nil {
		return EmailPreview{}, err
	}
	return preview(o, msg), nil
}

// renderContent renders the content-change email in the customer's language.
func (m *Emails) renderContent(ctx context.Context, in ContentEmailInput) (order.Order, mail.Message, error) {
	o, err := m.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return o, mail.Message{}, classify(err)
	}
	money := func(c int64) order.Money { return order.Money{Cents: c, Currency: o.Currency} }
	msg, err := mail.Render(mail.TemplateContentModified, o.Customer.Locale, mail.ContentModified{
		CustomerName: o.Customer.Name, OrderNumber: o.Number,
		Removed: in.Removed, Added: in.Added, Edited: in.Edited, NewTotal: money(in.NewTotal), Shipping: in.Shipping,
		Refund: money(in.Refund), Outcome: in.Outcome, ProviderRef: in.ProviderRef, Reason: in.Reason,
		BalanceDue: money(in.BalanceDue), AgentNote: in.AgentNote, PaymentMethod: o.PaymentMethod,
		IBAN: in.IBAN, Voucher: in.Voucher, ChequeAddress: in.ChequeAddress,
	})
	if err != nil {
		return o, msg, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return o, msg, nil
}

// EmailRef names an email in the outbox.
type EmailRef struct {
	ID int64 `json:"id"`
}

// QueueContentEmail renders the email in the customer's language and writes
// it to the outbox, once per key.
func (m *Emails) QueueContentEmail(ctx context.Context, in ContentEmailInput) (EmailRef, error) {
	o, msg, err := m.renderContent(ctx, in)
	if err != nil {
		return EmailRef{}, err
	}
	ref, err := m.enqueue(ctx, o, in.Actor, in.Key, in.BySender, msg)
	if err != nil || in.Release == nil {
		return ref, err
	}
	// A retry finds the email written and the hold released, each by its key.
	return ref, releaseHold(ctx, m.Store, *in.Release)
}

// SendEmail hands an outbox email to the mail provider, once: an email
// already sent is not sent again, and a permanent refusal is recorded and
// not retried.
func (m *Emails) SendEmail(ctx context.Context, ref EmailRef) error {
	e, err := m.Store.GetEmail(ctx, ref.ID)
	if err != nil {
		return classify(err)
	}
	if e.Status == store.EmailSent {
		return nil
	}
	id, err := m.Sender.Send(ctx, mail.Envelope{
		Key: e.Key, ToEmail: e.ToEmail, ToName: e.ToName, Subject: e.Subject, Text: e.BodyText, HTML: e.BodyHTML,
	})
	if errors.Is(err, mail.ErrPermanent) {
		if ferr := m.Store.MarkEmailFailed(ctx, e.ID, err.Error()); ferr != nil {
			return ferr
		}
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeEmailRejected, err)
	}
	if err != nil {
		return fmt.Errorf("sending email %d to %s: %w", e.ID, e.ToEmail, err)
	}
	return m.Store.MarkEmailSent(ctx, e.ID, id)
}

// CancelEmailInput is what the customer is told after items were cancelled
// or an amount refunded.
type CancelEmailInput struct {
	OrderNumber   string             `json:"order_number"`
	Actor         Actor              `json:"actor"`
	Key           string             `json:"key"`
	Result        order.CancelResult `json:"result"`
	Outcome       string             `json:"outcome"`
	Refund        int64              `json:"refund_cents"`
	ProviderRef   string             `json:"provider_ref,omitempty"`
	Reason        string             `json:"reason,omitempty"`
	Voucher       string             `json:"voucher,omitempty"`
	IBAN          string             `json:"iban,omitempty"`
	ChequeAddress *order.Address     `json:"cheque_address,omitempty"`
	AgentNote     string             `json:"agent_note,omitempty"`
	// BySender leaves the sending to the outbox sender (OutboxSender).
	BySender bool `json:"by_sender,omitempty"`
}

// PreviewCancelEmail renders the cancellation email for the agent to review.
func (m *Emails) PreviewCancelEmail(ctx context.Context, in CancelEmailInput) (EmailPreview, error) {
	o, msg, err := m.renderCancel(ctx, in)
	if err != nil {
		return EmailPreview{}, err
	}
	return preview(o, msg), nil
}

// QueueCancelEmail renders the cancellation email and writes it to the
// outbox, once per key.
func (m *Emails) QueueCancelEmail(ctx context.Context, in CancelEmailInput) (EmailRef, error) {
	o, msg, err := m.renderCancel(ctx, in)
	if err != nil {
		return EmailRef{}, err
	}
	return m.enqueue(ctx, o, in.Actor, in.Key, in.BySender, msg)
}

// enqueue writes a rendered email to the outbox with its history line.
func (m *Emails) enqueue(ctx context.Context, o order.Order, actor Actor, key string, bySender bool, msg mail.Message) (EmailRef, error) {
	e, err := m.Store.EnqueueEmail(ctx, store.Email{
		Key: key, OrderID: o.ID, ToEmail: o.Customer.Email, ToName: o.Customer.Name,
		Locale: msg.Locale, Template: msg.Template, Subject: msg.Subject, BodyText: msg.Text, BodyHTML: msg.HTML,
		BySender: bySender,
	})
	if err != nil {
		return EmailRef{}, classify(err)
	}
	err = m.Store.AppendEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: actor.WorkflowID, WorkflowID: actor.WorkflowID,
		Kind: "email_queued", Key: key + "/queued",
		Phrase: locale.Phr("history.email_queued", textArg(e.Subject), textArg(e.ToEmail)),
	})
	return EmailRef{ID: e.ID}, classify(err)
}
