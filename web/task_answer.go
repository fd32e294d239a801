package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// taskForm is an answer the agent sent and that was refused: shown again
// with what was typed and the message next to the field.
type taskForm struct {
	TaskID  int64
	Outcome string
	Values  url.Values
	Errors  fieldErrors
}

// V is a typed value of the refused answer.
func (f *taskForm) V(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// E is the message of a field of the refused answer ("form" for the whole).
func (f *taskForm) E(outcome, name string) string {
	if f == nil || f.Outcome != outcome {
		return ""
	}
	return f.Errors[name]
}

// For is the refused answer of a task, or nil.
func (f *taskForm) For(taskID int64) *taskForm {
	if f == nil || f.TaskID != taskID {
		return nil
	}
	return f
}

// answerTask is POST /tasks/{id}/answer: an agent's answer to the task a
// procedure waits on, from the inbox or the procedure's page. A refusal
// (here, by the starter or by the procedure's validator) shows the page
// again with the message next to the field; an answer taken goes back to
// the page it came from.
func (s *server) answerTask(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound(locale.Msg("error.task_not_found"), locale.Msg("error.no_task_here"))
	}
	t, err := s.store.GetTask(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(locale.Msg("error.task_not_found"), locale.Msg("error.no_task_numbered", locale.Text(strconv.FormatInt(id, 10))))
	}
	if err != nil {
		return err
	}
	back := safeNext(r.PostFormValue("back"))
	a := agentOf(r)
	lang := langOf(r)
	f := &taskForm{TaskID: id, Outcome: r.PostFormValue("outcome"), Values: r.PostForm, Errors: fieldErrors{}}
	ans := workflows.TaskAnswer{TaskID: id, Outcome: f.Outcome, Agent: a.Email, Role: a.Role}

	switch {
	case t.Status != store.TaskOpen:
		f.Errors["form"] = tr(lang, "answer.already_answered")
		if t.AnsweredBy != "" {
			f.Errors["form"] = tr(lang, "answer.already_answered_by", locale.Text(t.AnsweredBy))
		}
		if t.Status == store.TaskCancelled {
			f.Errors["form"] = tr(lang, "answer.task_cancelled")
		}
	case blocksAnswer(t, a):
		// Taken by another agent: they may be refunding it right now.
		f.Errors["form"] = tr(lang, "inbox.answer_blocked", locale.Text(t.OwnerName))
	case len(t.Options) > 0 && !has(t.Options, f.Outcome):
		f.Errors["form"] = tr(lang, "answer.does_not_fit")
	default:
		readAnswer(t, a, f, &ans)
		s.readInspection(ctx, t, f, &ans, lang) // a return's inspection (order_return.go)
	}
	if len(f.Errors) == 0 {
		uctx, cancel := updateContext(r, s.updateTimeout)
		err = s.starter.AnswerTask(uctx, ans)
		cancel()
		if err == nil {
			s.log.InfoContext(ctx, "web: task answered", "task", id, "outcome", ans.Outcome, "agent", a.Email)
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		var fe *order.FieldError
		if !errors.As(err, &fe) {
			return err // a service that did not answer, a failure: not a refusal of the answer
		}
		field, text := fe.Field, refusalText(fe, lang)
		switch field {
		case "task", "agent", "role", "approver":
			field = "form" // about the task or the agent, not an input of the form
		}
		f.Errors[field] = text
		s.log.InfoContext(ctx, "web: answer refused", "task", id, "outcome", ans.Outcome, "agent", a.Email, "err", err)
	}
	return s.renderTaskBack(w, r, http.StatusUnprocessableEntity, f)
}

// readAnswer fills the answer from the form for the task's kind, noting
// in the agent's language what is missing or wrong.
func readAnswer(t store.Task, a *signedIn, f *taskForm, ans *workflows.TaskAnswer) {
	lang := "fr"
	if a != nil && a.Locale == "en" {
		lang = "en"
	}
	v := func(name string) string { return strings.TrimSpace(f.Values.Get(name)) }
	switch f.Outcome {
	case workflows.AnswerRefundDone:
		ans.ProviderRef = v("provider_ref")
	case workflows.AnswerRefundImpossible:
		ans.Reason = v("reason")
		if ans.Reason == "" {
			f.Errors["reason"] = tr(lang, "answer.why_refund_impossible")
		}
	case workflows.AnswerReject:
		ans.Reason = v("reason")
		if ans.Reason == "" {
			f.Errors["reason"] = tr(lang, "answer.why_reject")
		}
	case workflows.AnswerPaybackTransfer:
		ans.AccountName = v("account_name")
		iban, err := order.CheckIBAN(v("iban"))
		if err != nil {
			f.Errors["iban"] = tr(lang, "answer.bad_iban")
		}
		ans.IBAN = iban
		if ans.AccountName == "" {
			f.Errors["account_name"] = tr(lang, "answer.enter_account_holder")
		}
	case workflows.AnswerPaybackCheque, workflows.AnswerChequeSent:
		readAddress(f, ans, lang)
	case workflows.AnswerChequeMailed:
		ans.Reference = v("reference")
		if ans.Reference == "" {
			f.Errors["reference"] = tr(lang, "answer.enter_cheque_number")
		}
	case workflows.AnswerNoted:
		ans.Note = v("note")
		if ans.Note == "" {
			f.Errors["note"] = tr(lang, "answer.say_what_was_done")
		}
	case workflows.AnswerSendWithNote:
		ans.Note = v("note")
		if ans.Note == "" {
			f.Errors["note"] = tr(lang, "answer.write_paragraph")
		}
	case workflows.AnswerApprove:
		if !a.Supervises() {
			f.Errors["form"] = tr(lang, "answer.only_supervisor_approves")
		}
	}
	if t.Kind == workflows.TaskApproveRefund && !a.Supervises() {
		f.Errors["form"] = tr(lang, "answer.only_supervisor_answers")
	}
}

// readAddress reads where a cheque goes: the billing or delivery address,
// or one typed with the customer.
func readAddress(f *taskForm, ans *workflows.TaskAnswer, lang string) {
	v := func(name string) string { return strings.TrimSpace(f.Values.Get(name)) }
	switch choice := order.AddressChoice(v("address")); choice {
	case order.AddressBilling, order.AddressDelivery:
		ans.Address = string(choice)
	case order.AddressTyped, "other": // "other": a page opened before the form said typed
		ad := &workflows.AddressAnswer{Name: v("addr_name"), Line1: v("addr_line1"), Line2: v("addr_line2"),
			PostalCode: v("addr_postal"), City: v("addr_city"), Country: strings.ToUpper(v("addr_country"))}
		if ad.Country == "" {
			ad.Country = "FR"
		}
		for field, val := range map[string]string{"addr_name": ad.Name, "addr_line1": ad.Line1, "addr_postal": ad.PostalCode, "addr_city": ad.City} {
			if val == "" {
				f.Errors[field] = tr(lang, "form.required")
			}
		}
		ans.Address, ans.TypedAddress = string(order.AddressTyped), ad
	default:
		f.Errors["address"] = tr(lang, "answer.choose_cheque_address")
	}
}

// refusalText says a procedure's refusal in the agent's language: by its
// code when it has one, else by the field it names (workflows.refusing
// carries it), else as the procedure wrote it.
func refusalText(fe *order.FieldError, lang string) string {
	if fe.Code != "" {
		return sayRefusal(fe, lang)
	}
	switch fe.Field {
	case "task":
		return tr(lang, "answer.no_longer_waited")
	case "approver":
		return tr(lang, "answer.not_your_own")
	case "role":
		return tr(lang, "answer.only_supervisor_this")
	case "reason":
		return tr(lang, "answer.say_why")
	}
	return fe.Message
}
