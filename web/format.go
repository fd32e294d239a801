package web

import (
	"fmt"
	"html/template"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// funcs are the helpers every template may call, in French.
func (s *server) funcs() template.FuncMap { return s.funcsFor("fr") }

// funcsFor are the helpers of the templates of a language: fr, or en for
// the agents who chose it. Texts go through "t" and the catalog
// (package locale); amounts, dates and rates are written as a reader of
// that language reads them.
func (s *server) funcsFor(lang string) template.FuncMap {
	p := s.printer(lang)
	return template.FuncMap{
		"t":              func(key string, args ...any) (string, error) { return sayInTemplate(p, key, args) },
		"phrase":         func(ph locale.Phrase) string { return sayPhrase(p, ph) },
		"amount":         func(cents int64, currency string) locale.Arg { return locale.Amount(cents, currency) },
		"count":          func(n any) (locale.Arg, error) { return countArg(n) },
		"day":            locale.Day,
		"money":          func(cents int64, currency ...string) string { return p.Amount(cents, first(currency)) },
		"date":           p.Date,
		"ago":            func(t time.Time) string { return s.ago(p, t) },
		"vatRate":        p.Percent,
		"statusLabel":    func(v any) string { return label(p, statusKeys, asString(v)) },
		"logisticsLabel": func(v any) string { return label(p, logisticsKeys, asString(v)) },
		"paymentLabel":   func(v any) string { return label(p, paymentKeys, asString(v)) },
		"channelLabel":   func(v any) string { return label(p, channelKeys, asString(v)) },
		"refundMethod":   func(v string) string { return refundMethodLabel(p, v) },
		"refundStatus":   func(v string) string { return label(p, refundStatusKeys, v) },
		"emailStatus":    func(v string) string { return label(p, emailStatusKeys, v) },
		"actorLabel":     func(kind, actor string) string { return actorLabel(p, kind, actor) },
		"procedureLabel": func(v string) string { return procedureLabel(p, v) },
		"runStatus":      func(v string) string { return label(p, runStatusKeys, v) },
		"taskKind":       func(v string) string { return label(p, taskKindKeys, v) },
		"stepStatus":     func(v string) string { return label(p, stepStatusKeys, v) },
		"answerLabel":    func(v string) string { return label(p, answerKeys, v) },
		"roleLabel":      func(v string) string { return label(p, roleKeys, v) },
		"reminderLabel":  func(v string) string { return label(p, reminderKeys, v) },
		"procedureURL":   procedureURL,
		"fieldError":     fieldErrorOf,
		"cents":          p.AmountInput,
		"currencySign":   currencySign,
		"dict":           dict,
		"has":            has,
		"jsonText":       jsonText,
		"temporalURL":    s.temporalURL,
		"orderURL":       func(number string) string { return "/orders/" + url.PathEscape(number) },
		"staticVersion":  staticVersion,
	}
}

// printer is the catalog's printer of a language, writing dates in Paris
// time.
func (s *server) printer(lang string) *locale.Printer {
	p := locale.For(locale.Parse(lang))
	if s.paris != nil {
		p = p.In(s.paris)
	}
	return p
}

// sayInTemplate is the templates' "t": {{t "order.placed_on" .CreatedAt}}.
// Arguments are converted by their Go type (a string is a text, an int a
// count, a time a date); amounts are given as (amount cents currency),
// other whole numbers as (count n), days as (day t). A key the catalog
// lacks or arguments it does not take fail the page.
func sayInTemplate(p *locale.Printer, key string, values []any) (string, error) {
	args := make([]locale.Arg, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case locale.Arg:
			args[i] = v
		case string:
			args[i] = locale.Text(v)
		case int:
			args[i] = locale.Count(v)
		case time.Time:
			args[i] = locale.Date(v)
		case *time.Time:
			if v == nil {
				args[i] = locale.Date(time.Time{})
			} else {
				args[i] = locale.Date(*v)
			}
		default:
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
				args[i] = locale.Text(rv.String())
				continue
			}
			return "", fmt.Errorf("t %q: argument %d is a %T: give an amount as (amount cents currency), a number as (count n)", key, i+1, v)
		}
	}
	return p.Format(locale.Key(key), args...)
}

// countArg is a whole number of any integer type, as a count.
func countArg(n any) (locale.Arg, error) {
	rv := reflect.ValueOf(n)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return locale.Count(int(rv.Int())), nil
	}
	return locale.Arg{}, fmt.Errorf("count: %T is not a whole number", n)
}

// currencySign is what follows an amount's input: "€" for EUR, the
// currency's code otherwise.
func currencySign(currency string) string {
	if currency == "" || currency == "EUR" {
		return "€"
	}
	return currency
}

func first(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}

// asString reads a code whether it is a string or one of the order
// package's string types (order.Status...), so templates pass either.
func asString(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return fmt.Sprint(v)
}

// ago says how long ago t was: "à l'instant", "il y a 12 min", "il y a
// 3 h", "il y a 4 j" ("just now", "12 min ago"...).
func (s *server) ago(p *locale.Printer, t time.Time) string {
	d := s.now().Sub(t)
	switch {
	case d < time.Minute:
		return p.T("time.just_now")
	case d < time.Hour:
		return p.T("time.minutes_ago", locale.Count(int(d/time.Minute)))
	case d < 48*time.Hour:
		return p.T("time.hours_ago", locale.Count(int(d/time.Hour)))
	default:
		return p.T("time.days_ago", locale.Count(int(d/(24*time.Hour))))
	}
}

// The labels of the domain's codes: the domain names each by a message of
// the catalog (order's LabelKey).
var (
	statusKeys    = labelKeys(order.Statuses, order.Status.LabelKey)
	logisticsKeys = labelKeys(order.LogisticsStatuses, order.LogisticsStatus.LabelKey)
	paymentKeys   = labelKeys(order.PaymentMethods, order.PaymentMethod.LabelKey)
	channelKeys   = labelKeys(order.ContactChannels, order.ContactChannel.LabelKey)
)

// labelKeys is the table of label, by code, of the domain's codes.
func labelKeys[T ~string](codes []T, key func(T) locale.Key) map[string]locale.Key {
	keys := make(map[string]locale.Key, len(codes))
	for _, c := range codes {
		keys[string(c)] = key(c)
	}
	return keys
}

// The labels of the other codes the UI shows, by code: each is a message
// of the catalog. A code without a label is shown as it is.
var (
	refundStatusKeys = map[string]locale.Key{
		store.RefundPending:       "refund_status.pending",
		store.RefundSucceeded:     "refund_status.succeeded",
		store.RefundManualPending: "refund_status.manual_pending",
		store.RefundImpossible:    "refund_status.impossible",
		store.RefundFailed:        "refund_status.failed",
		store.RefundUnknown:       "refund_status.unknown",
	}
	// refundMeansKeys are the means an agent chooses when the payment
	// method cannot give the money back.
	refundMeansKeys = map[string]locale.Key{
		"store_credit": "refund_method.store_credit",
		"manual":       "refund_method.manual",
	}
	emailStatusKeys = map[string]locale.Key{
		store.EmailPending: "email_status.pending",
		store.EmailSent:    "email_status.sent",
		store.EmailFailed:  "email_status.failed",
	}
	actorKeys = map[string]locale.Key{
		store.ActorAgent:     "actor.agent",
		store.ActorSystem:    "actor.system",
		store.ActorCustomer:  "actor.customer",
		store.ActorProcedure: "actor.procedure",
		store.ActorWarehouse: "actor.warehouse",
	}
	procedureKeys = map[string]locale.Key{
		workflows.ProcModifyContent:    "procedure_name.modify_content",
		workflows.ProcCancelRefund:     "procedure_name.cancel_refund",
		workflows.ProcFulfil:           "procedure_name.fulfil",
		workflows.ProcSettleDifference: "procedure_name.settle_difference",
		workflows.ProcMailCheque:       "procedure_name.mail_cheque",
		workflows.ProcCollectPayment:   "procedure_name.collect_payment",
		workflows.ProcNotifyNewOrder:   "procedure_name.notify_new_order",
		workflows.ProcArchiveOrder:     "procedure_name.archive_order",
		workflows.ProcUnarchiveOrder:   "procedure_name.unarchive_order",
		workflows.ProcResendEmail:      "procedure_name.resend_email",
		workflows.ProcEditDetails:      "procedure_name.edit_details",
		workflows.ProcReconcile:        "procedure_name.reconcile",
		workflows.ProcReturn:           "procedure_name.return",
	}
	runStatusKeys = map[string]locale.Key{
		"Running":        "run_status.running",
		"Completed":      "run_status.completed",
		"Failed":         "run_status.failed",
		"Canceled":       "run_status.canceled",
		"Terminated":     "run_status.terminated",
		"TimedOut":       "run_status.timed_out",
		"ContinuedAsNew": "run_status.continued_as_new",
	}
	taskKindKeys = map[string]locale.Key{
		workflows.TaskRefundByHand:      "task_kind.refund_by_hand",
		workflows.TaskPayback:           "task_kind.payback",
		workflows.TaskChequeSent:        "task_kind.cheque_sent",
		workflows.TaskChequeMailed:      "task_kind.cheque_mailed",
		workflows.TaskApproveRefund:     "task_kind.approve_refund",
		workflows.TaskReviewEmail:       "task_kind.review_email",
		workflows.TaskUnmatchedPayment:  "task_kind.unmatched_payment",
		workflows.TaskRefundStuck:       "task_kind.refund_stuck",
		workflows.TaskReconcileMismatch: "task_kind.reconcile_mismatch",
		workflows.TaskPaymentOverdue:    "task_kind.payment_overdue",
		workflows.TaskInspectReturn:     "task_kind.inspect_return",
		workflows.TaskReturnOverdue:     "task_kind.return_overdue",
	}
	stepStatusKeys = map[string]locale.Key{
		workflows.StepRunning: "step_status.running",
		workflows.StepDone:    "step_status.done",
		workflows.StepWaiting: "step_status.waiting",
		workflows.StepFailed:  "step_status.failed",
		workflows.StepSkipped: "step_status.skipped",
	}
	// reminderKeys are the steps of a collection's reminders, by the
	// French the procedure writes them in.
	reminderKeys = map[string]locale.Key{
		"E-mail de relance au client":                   "payment.reminder_email",
		"Tâche pour un agent : relancer le client":      "payment.reminder_task",
		"Annulation de la commande et e-mail au client": "payment.reminder_cancel",
		"Fin de la demande de complément":               "payment.reminder_end_balance",
	}
	roleKeys = map[string]locale.Key{
		store.RoleAgent:      "role.agent",
		store.RoleSupervisor: "role.supervisor",
		store.RoleAdmin:      "role.admin",
	}
	// answerKeys are the answers of a task shown as buttons of their own.
	answerKeys = map[string]locale.Key{
		workflows.AnswerKeepWaiting:  "answer.keep_waiting",
		workflows.AnswerCancelOrder:  "answer.cancel_order",
		workflows.AnswerAcceptReturn: "answer.accept_return",
		workflows.AnswerAcceptPart:   "answer.accept_part",
		workflows.AnswerRefuseReturn: "answer.refuse_return",
		workflows.AnswerExpireReturn: "answer.expire_return",
	}
)

// label says a code by its message in keys, or shows the code itself.
func label(p *locale.Printer, keys map[string]locale.Key, code string) string {
	if k, ok := keys[code]; ok {
		return p.T(k)
	}
	return code
}

// refundMethodLabel names how money goes back: a payment method, or one
// of the means an agent chooses when the original one cannot be used.
func refundMethodLabel(p *locale.Printer, v string) string {
	if _, ok := paymentKeys[v]; ok {
		return label(p, paymentKeys, v)
	}
	return label(p, refundMeansKeys, v)
}

// actorLabel says who did something: "Agent marie@boutique.fr", "Système".
func actorLabel(p *locale.Printer, kind, actor string) string {
	if actor == "" || kind == store.ActorProcedure {
		return label(p, actorKeys, kind) // a procedure's id is shown as its own link
	}
	if kind == store.ActorAgent {
		return p.T("actor.agent_named", locale.Text(actor))
	}
	return label(p, actorKeys, kind) + " " + actor
}

// procedureLabel names a procedure for an agent, from its type or from a
// workflow id (whose first part is the type).
func procedureLabel(p *locale.Printer, typeOrID string) string {
	t, _, _ := strings.Cut(typeOrID, "/")
	return label(p, procedureKeys, t)
}

// temporalURL links a workflow in the Temporal Web UI, or is empty when no
// UI is configured. The workflow id holds slashes: it is one path segment.
func (s *server) temporalURL(workflowID string) string {
	if s.temporalUI == "" || workflowID == "" {
		return ""
	}
	return s.temporalUI + "/namespaces/" + url.PathEscape(s.namespace) + "/workflows/" + url.PathEscape(workflowID)
}
