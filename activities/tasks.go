package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// TaskInput describes what a procedure needs a person for.
type TaskInput struct {
	OrderNumber string   `json:"order_number"`
	Actor       Actor    `json:"actor"`
	Key         string   `json:"key"` // workflow id + step
	Kind        string   `json:"kind"`
	Question    string   `json:"question"`
	Amount      int64    `json:"amount_cents"`
	Options     []string `json:"options"`
	// QuestionPhrase is the question as a phrase of the catalog, which
	// the agent UI says in the agent's language; Question is its French.
	// Zero from a procedure older than the phrases.
	QuestionPhrase locale.Phrase `json:"question_phrase,omitzero"`
	// Email is the customer email a review_email task asks about, as the
	// preview rendered it; nil for every other task.
	Email *EmailPreview `json:"email,omitempty"`
}

// TaskRef names the task a procedure waits on.
type TaskRef struct {
	ID int64 `json:"id"`
}

// OpenTask records the agent task the procedure is about to wait on. A
// retry finds the task it created before.
func (a *Orders) OpenTask(ctx context.Context, in TaskInput) (TaskRef, error) {
	o, err := a.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return TaskRef{}, classify(err)
	}
	task := store.Task{
		Key: in.Key, OrderID: o.ID, WorkflowID: in.Actor.WorkflowID, Kind: in.Kind,
		Question: in.Question, QuestionPhrase: in.QuestionPhrase, Amount: in.Amount, Options: in.Options,
	}
	about := ""
	if e := in.Email; e != nil {
		task.Email = &store.TaskEmail{
			ToEmail: e.ToEmail, ToName: e.ToName, Locale: e.Locale, Template: e.Template,
			Subject: e.Subject, Text: e.Text, HTML: e.HTML,
		}
		about = " (e-mail « " + e.Subject + " »)"
	}
	t, err := a.Store.CreateTask(ctx, task) // an email without a subject is an *order.FieldError: not retried
	if err != nil {
		return TaskRef{}, classify(err)
	}
	ev := store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: "task_opened", Key: in.Key + "/opened",
		Message: fmt.Sprintf("Tâche #%d pour un agent : %s%s", t.ID, t.Question, about),
	}
	switch {
	case in.QuestionPhrase.IsZero(): // the question is French words only: so is the line
	case in.Email != nil:
		ev.Phrase = locale.Phr("history.task_opened_email", taskArg(t.ID), in.QuestionPhrase, textArg(in.Email.Subject))
	default:
		ev.Phrase = locale.Phr("history.task_opened", taskArg(t.ID), in.QuestionPhrase)
	}
	err = a.Store.AppendEvent(ctx, ev)
	return TaskRef{ID: t.ID}, classify(err)
}

// CloseTaskInput records how a task ended.
type CloseTaskInput struct {
	OrderNumber string          `json:"order_number"`
	Actor       Actor           `json:"actor"`
	Key         string          `json:"key"`
	Status      string          `json:"status"` // answered or cancelled
	Answer      json.RawMessage `json:"answer,omitempty"`
	By          string          `json:"by"`      // the agent who answered
	Summary     string          `json:"summary"` // the answer in words, for the history
	// Said is Summary as a phrase of the catalog (history.answer.*,
	// history.closed.*); zero from a procedure older than the phrases,
	// whose line is Summary's French.
	Said locale.Phrase `json:"said,omitzero"`
}

// CloseTask marks the task answered or cancelled, with its history line.
func (a *Orders) CloseTask(ctx context.Context, in CloseTaskInput) error {
	t, err := a.Store.CloseTask(ctx, in.Key, in.Status, in.Answer, in.By)
	if err != nil {
		return classify(err)
	}
	kind, actorKind, actor, key := "task_answered", store.ActorAgent, in.By, locale.Key("history.task_closed")
	msg := fmt.Sprintf("Tâche #%d : %s", t.ID, in.Summary)
	if in.Status == store.TaskCancelled {
		kind, actorKind, actor, key = "task_cancelled", store.ActorProcedure, in.Actor.WorkflowID, "history.task_cancelled"
		msg = fmt.Sprintf("Tâche #%d annulée : %s", t.ID, in.Summary)
	}
	ev := store.Event{
		OrderID: t.OrderID, ActorKind: actorKind, Actor: actor, WorkflowID: in.Actor.WorkflowID,
		Kind: kind, Key: in.Key + "/closed", Message: msg,
	}
	if !in.Said.IsZero() {
		ev.Phrase, ev.Message = locale.Phr(key, taskArg(t.ID), in.Said), ""
	}
	if err = a.Store.AppendEvent(ctx, ev); err != nil {
		return classify(err)
	}
	return classify(a.auditApproval(ctx, t, in))
}

// auditApproval writes a supervisor's approval of money leaving to the
// audit log, once, when the procedure takes it: the approver is who the
// procedure checked in the agents table (WhoAnswers), not the answer's
// word. Other answers and tasks write nothing.
func (a *Orders) auditApproval(ctx context.Context, t store.Task, in CloseTaskInput) error {
	var ans struct {
		Outcome string `json:"outcome"`
	}
	if in.Status != store.TaskAnswered || t.Kind != "approve_refund" || json.Unmarshal(in.Answer, &ans) != nil || ans.Outcome != "approve" {
		return nil
	}
	key := "approval/" + in.Key
	return a.Store.RecordAudit(ctx, store.AuditEntry{
		Kind: store.AuditApproval, Email: in.By, Key: &key,
		Detail: fmt.Sprintf("#%d · %s", t.ID, in.OrderNumber),
	})
}

// RefundInput is a refund a procedure records: reserved before any money
// moves, then settled with its outcome.
type RefundInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Key         string              `json:"key"` // idempotency key: workflow id + step
	Amount      int64               `json:"amount_cents"`
	Method      order.PaymentMethod `json:"method"`
	Status      string              `json:"status"`
	ProviderRef string              `json:"provider_ref,omitempty"`
	Reason      string              `json:"reason,omitempty"`
	// Why is Reason as a phrase of the catalog, when the procedure says
	// it (history.refund.*); zero for a reason in someone's own words (an
	// agent's, a provider's), written as it is.
	Why locale.Phrase `json:"why,omitzero"`
	// Close, when set, is the agent's task whose answer this records
	// (a refund made by hand, or not): SettleRefund closes it first.
	Close *CloseTaskInput `json:"close,omitempty"`
}

// ReserveRefund writes the refund row before any money moves, so the amount
// counts against what can still be refunded (two agents cannot refund the
// same euro) and a retry finds the same row by its key.
func (a *Orders) ReserveRefund(ctx context.Context, in RefundInput) error {
	id, currency, err := a.Store.OrderCurrency(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	o := order.Order{ID: id, Currency: currency}
	r, err := reserveRefund(ctx, a.Store, o, in.Actor, in.Key, in.Amount, string(in.Method), in.Status)
	if err != nil {
		return err
	}
	err = a.Store.AppendEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: "refund_reserved", Key: in.Key + "/reserved",
		Phrase: locale.Phr("history.refund_reserved", amountArg(r.Amount, r.Currency), methodArg(in.Method)),
	})
	return classify(err)
}

// SettleRefund records the outcome of a reserved refund: done, impossible or failed.
func (a *Orders) SettleRefund(ctx context.Context, in RefundInput) error {
	if in.Close != nil {
		if err := a.CloseTask(ctx, *in.Close); err != nil {
			return err
		}
	}
	r, err := a.Store.RecordRefundOutcome(ctx, in.Key, in.Status, in.ProviderRef, in.Reason)
	if err != nil {
		return classify(err)
	}
	amount := amountArg(r.Amount, r.Currency)
	var line locale.Phrase
	switch {
	case in.Status == store.RefundSucceeded && in.ProviderRef != "":
		line = locale.Phr("history.refund_done_ref", amount, textArg(in.ProviderRef))
	case in.Status == store.RefundSucceeded:
		line = locale.Phr("history.refund_done", amount)
	case in.Status == store.RefundImpossible:
		line = locale.Phr("history.refund_impossible", amount, reasonArg(in))
	default:
		line = locale.Phr("history.refund_not_done", amount, reasonArg(in))
	}
	err = a.Store.AppendEvent(ctx, store.Event{
		OrderID: r.OrderID, ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: "refund_" + in.Status, Key: in.Key + "/settled", Phrase: line,
	})
	return classify(err)
}

// reasonArg is why a refund was not made: the procedure's phrase, or the
// words of whoever said it.
func reasonArg(in RefundInput) locale.PhraseArg {
	if !in.Why.IsZero() {
		return in.Why
	}
	return textArg(in.Reason)
}

// Answerer is who answers a task, as the agents table knows them.
type Answerer struct {
	Email  string `json:"email"`
	Role   string `json:"role"` // store.RoleAgent, RoleSupervisor, RoleAdmin; "" when unknown
	Exists bool   `json:"exists"`
}

// WhoAnswers looks up the agent who answers a task in the agents table:
// the procedure believes the table, never what the answer says of its
// author. An unknown email is not an error: Exists is false, as for a
// disabled account, which answers no task.
func (a *Orders) WhoAnswers(ctx context.Context, email string) (Answerer, error) {
	ag, err := a.Store.AgentByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return Answerer{Email: email}, nil
	}
	if err != nil {
		return Answerer{}, err
	}
	return Answerer{Email: ag.Email, Role: ag.Role, Exists: ag.DisabledAt == nil}, nil
}
