package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
		return notFound("Tâche introuvable", "Cette adresse ne désigne aucune tâche.")
	}
	if s.starter == nil {
		return noTemporal()
	}
	t, err := s.store.GetTask(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("Tâche introuvable", "Aucune tâche ne porte le numéro "+strconv.FormatInt(id, 10)+".").
			english("Task not found", "No task has the number "+strconv.FormatInt(id, 10)+".")
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
		by := ""
		if t.AnsweredBy != "" {
			by = say(lang, " par ", " by ") + t.AnsweredBy
		}
		f.Errors["form"] = say(lang, "Cette tâche a déjà reçu une réponse", "This task has already been answered") + by + "."
		if t.Status == store.TaskCancelled {
			f.Errors["form"] = say(lang, "Cette tâche a été annulée avec sa procédure.", "This task was cancelled with its procedure.")
		}
	case len(t.Options) > 0 && !has(t.Options, f.Outcome):
		f.Errors["form"] = say(lang, "Cette réponse ne convient pas à cette tâche.", "This answer does not fit this task.")
	default:
		readAnswer(t, a, f, &ans)
	}
	if len(f.Errors) == 0 {
		err = s.starter.AnswerTask(ctx, ans)
		if err == nil {
			s.log.InfoContext(ctx, "web: task answered", "task", id, "outcome", ans.Outcome, "agent", a.Email)
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		field, msg := refusalField(err)
		text := refusalText(field, msg, lang)
		switch field {
		case "task", "agent", "role", "approver":
			field = "form" // about the task or the agent, not an input of the form
		}
		f.Errors[field] = text
		s.log.InfoContext(ctx, "web: answer refused", "task", id, "outcome", ans.Outcome, "agent", a.Email, "err", err)
	}
	if strings.HasPrefix(back, "/procedures/") {
		id, _ := url.PathUnescape(strings.TrimPrefix(back, "/procedures/"))
		return s.renderProcedure(w, r, id, http.StatusUnprocessableEntity, f)
	}
	return s.renderTaskList(w, r, http.StatusUnprocessableEntity, f)
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
			f.Errors["reason"] = say(lang, "Dites pourquoi le remboursement est impossible (par exemple : carte expirée).", "Say why the refund is impossible (for example: expired card).")
		}
	case workflows.AnswerReject:
		ans.Reason = v("reason")
		if ans.Reason == "" {
			f.Errors["reason"] = say(lang, "Dites pourquoi vous refusez ce remboursement.", "Say why you reject this refund.")
		}
	case workflows.AnswerPaybackTransfer:
		ans.AccountName = v("account_name")
		iban, err := order.CheckIBAN(v("iban"))
		if err != nil {
			f.Errors["iban"] = say(lang, "Cet IBAN n'est pas valide : vérifiez-le avec le client.", "This IBAN is not valid: check it with the customer.")
		}
		ans.IBAN = iban
		if ans.AccountName == "" {
			f.Errors["account_name"] = say(lang, "Saisissez le titulaire du compte.", "Enter the account holder.")
		}
	case workflows.AnswerPaybackCheque, workflows.AnswerChequeSent:
		readAddress(f, ans, lang)
	case workflows.AnswerChequeMailed:
		ans.Reference = v("reference")
		if ans.Reference == "" {
			f.Errors["reference"] = say(lang, "Saisissez le numéro du chèque.", "Enter the cheque number.")
		}
	case workflows.AnswerNoted:
		ans.Note = v("note")
		if ans.Note == "" {
			f.Errors["note"] = say(lang, "Dites ce qui a été fait (prestataire vérifié, client remboursé, rien à faire…).", "Say what was done (provider checked, customer refunded, nothing to do…).")
		}
	case workflows.AnswerSendWithNote:
		ans.Note = v("note")
		if ans.Note == "" {
			f.Errors["note"] = say(lang, "Écrivez le paragraphe à ajouter à l'e-mail.", "Write the paragraph to add to the email.")
		}
	case workflows.AnswerApprove:
		if !a.Supervises() {
			f.Errors["form"] = say(lang, "Seul un superviseur peut approuver un remboursement.", "Only a supervisor can approve a refund.")
		}
	}
	if t.Kind == workflows.TaskApproveRefund && !a.Supervises() {
		f.Errors["form"] = say(lang, "Seul un superviseur peut répondre à cette demande d'approbation.", "Only a supervisor can answer this approval request.")
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
				f.Errors[field] = say(lang, "Obligatoire.", "Required.")
			}
		}
		ans.Address, ans.TypedAddress = string(order.AddressTyped), ad
	default:
		f.Errors["address"] = say(lang, "Choisissez l'adresse où envoyer le chèque (après avoir consulté le client).", "Choose the address to send the cheque to (after asking the customer).")
	}
}

// refusalText says the procedures' refusals in the agent's language, by
// the field each names (workflows.refusing carries it); others are shown as
// the procedure wrote them.
func refusalText(field, msg, lang string) string {
	switch field {
	case "task":
		return say(lang, "La procédure n'attend plus de réponse à cette tâche (quelqu'un a déjà répondu, ou elle est terminée). Rechargez la page.",
			"The procedure no longer waits for an answer to this task (someone answered already, or it has ended). Reload the page.")
	case "approver":
		return say(lang, "Vous ne pouvez pas approuver votre propre demande de remboursement : un autre superviseur doit le faire.",
			"You cannot approve your own refund request: another supervisor must do it.")
	case "role":
		return say(lang, "Seul un superviseur peut approuver ce remboursement.", "Only a supervisor can approve this refund.")
	case "reason":
		return say(lang, "Dites pourquoi.", "Say why.")
	}
	return msg
}
