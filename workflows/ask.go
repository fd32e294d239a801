package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// asker is how a procedure asks agents: every procedure that opens agent
// tasks opens them, takes their answers and closes them through one. The
// answer arrives as the answer-task Update; its validator refuses, before
// anything enters history, an answer to another task, an answer the task
// does not offer, or one missing what its kind needs; its handler looks the
// author up in the agents table. While a task is open the AwaitingAgent
// search attribute is true.
//
// A procedure either waits on its question (ask: open, wait with a
// reminder then an escalation in the order's history, close), or goes on
// while the task is open (open, then closeTask; answered acts on the answer
// in the Update's handler): collect-payment keeps waiting for the payment
// while an agent chases the customer.
type asker struct {
	number     string
	actor      activities.Actor
	state      *State
	reminder   time.Duration
	escalation time.Duration
	task       *OpenTask
	key        string // the open task's key
	answer     *TaskAnswer
	// requesters are who asked for what the open task approves (who asked
	// for the refund, who typed where the money goes): an approval by one
	// of them is refused. Empty: the procedure's agent.
	requesters []string
	// checking is true while an answer's author is looked up in the agents
	// table: another answer is refused meanwhile.
	checking bool
	// lean is true in a lean procedure (beginLean): every versioned
	// change is in force, and database steps are local activities.
	lean bool
	// unchecked takes an answer's author as the answer says, without the
	// lookup in the agents table: collect-payment's chase task, whose runs
	// never looked it up (the lookup is a step of its own in the history,
	// which a run recorded without it cannot replay).
	unchecked bool
	// answered, when set, is called by the Update's handler once an answer
	// is in, for a procedure that does not wait on its task.
	answered func(ctx workflow.Context, ans TaskAnswer) error
	// check, when set, holds what the procedure's own kinds of answer
	// need (a return's inspection), before anything enters history.
	check func(ans TaskAnswer) error
}

// register installs the answer-task Update handler, and follows the
// children's waits (followChildren); call it first thing.
func (a *asker) register(ctx workflow.Context) error {
	followChildren(ctx)
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateAnswerTask, a.onAnswer,
		workflow.UpdateHandlerOptions{Validator: refusing(a.validate)})
}

// onAnswer takes an answer the validator let through.
func (a *asker) onAnswer(ctx workflow.Context, ans TaskAnswer) error {
	// Who answers, and with what role, is what the agents table says, not
	// what the answer says. Answers taken before this check existed replay
	// without it.
	if !a.unchecked && (a.lean || workflow.GetVersion(ctx, "answerer-from-agents", workflow.DefaultVersion, 1) >= 1) {
		a.checking = true
		who, err := a.whoAnswers(ctx, ans)
		a.checking = false
		if err != nil {
			return err
		}
		ans.Agent, ans.Role = who.Email, who.Role
	}
	// The status shows the task gone as soon as the answer is in, not only
	// once the task's row is closed.
	a.answer, a.state.Task = &ans, nil
	if a.answered != nil {
		return a.answered(ctx, ans)
	}
	return nil
}

// ask opens a task, waits for a valid answer and closes the task. key names
// the step (unique within the procedure). When the procedure is cancelled
// while waiting, the task is closed as cancelled and the error returned.
func (a *asker) ask(ctx workflow.Context, key, kind string, question locale.Phrase, amount int64, options []string) (TaskAnswer, error) {
	return a.askAbout(ctx, key, kind, question, amount, options, nil)
}

// reviewEmail asks the agent to review the customer email draft before it
// goes: send it as is, with a personal paragraph, or not at all. The task
// carries the email as rendered, which the agent UI shows as the customer
// will see it; the question stays a question.
func (a *asker) reviewEmail(ctx workflow.Context, key string, draft activities.EmailPreview) (TaskAnswer, error) {
	return a.askAbout(ctx, key, TaskReviewEmail, locale.Phr(questionReviewEmail), 0,
		[]string{AnswerSend, AnswerSendWithNote, AnswerDontSend}, &draft)
}

// askAbout is ask with the email the task is about, if any. The commands
// are those of ask whatever the email: a review replays what ran before
// the email was a field of the task.
func (a *asker) askAbout(ctx workflow.Context, key, kind string, question locale.Phrase, amount int64, options []string, email *activities.EmailPreview) (TaskAnswer, error) {
	var orders *activities.Orders
	ans, closing, err := a.awaitAnswer(ctx, key, kind, question, amount, options, email)
	if err != nil {
		return TaskAnswer{}, err
	}
	if err := db(ctx, orders.CloseTask, closing).Get(ctx, nil); err != nil {
		return TaskAnswer{}, err
	}
	a.taskAnswered(ctx, closing)
	return ans, nil
}

// askClosingWith is ask for a procedure whose next step records what the
// answer says: the task is closed by that step (closing), so the answer's
// workflow task runs one step fewer before the agent has their answer
// back. The task no longer counts as open from here on.
func (a *asker) askClosingWith(ctx workflow.Context, key, kind string, question locale.Phrase, amount int64, options []string) (TaskAnswer, *activities.CloseTaskInput, error) {
	ans, closing, err := a.awaitAnswer(ctx, key, kind, question, amount, options, nil)
	if err != nil {
		return TaskAnswer{}, nil, err
	}
	a.taskAnswered(ctx, closing)
	return ans, &closing, nil
}

// taskAnswered is the procedure's side of a task closed as answered.
func (a *asker) taskAnswered(ctx workflow.Context, closing activities.CloseTaskInput) {
	a.task, a.state.Task = nil, nil
	a.awaiting(ctx, false, "Réponse de l'agent : "+closing.Summary)
}

// awaitAnswer opens the task and waits for a valid answer; it returns the
// answer and how to close the task with it. When the procedure is
// cancelled while waiting, the task is closed as cancelled and the error
// returned.
func (a *asker) awaitAnswer(ctx workflow.Context, key, kind string, question locale.Phrase, amount int64, options []string, email *activities.EmailPreview) (TaskAnswer, activities.CloseTaskInput, error) {
	if err := a.open(ctx, key, kind, question, amount, options, email); err != nil {
		return TaskAnswer{}, activities.CloseTaskInput{}, err
	}
	a.stepStatus(StepWaiting)
	setDetails(ctx, a.number, fmt.Sprintf("En attente d'un agent (tâche #%d) : %s", a.task.ID, a.task.Question))

	if err := a.wait(ctx, a.task.ID); err != nil {
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		a.closeTask(dctx, "cancelled", locale.Phr("history.outcome.cancelled"), "")
		setDetails(dctx, a.number, "Procédure annulée")
		return TaskAnswer{}, activities.CloseTaskInput{}, err
	}
	a.stepStatus(StepRunning)
	ans := *a.answer
	raw, _ := json.Marshal(ans) // a TaskAnswer always marshals
	summary := summarize(ans)
	return ans, activities.CloseTaskInput{
		OrderNumber: a.number, Actor: a.actor, Key: a.key, Status: "answered", Answer: raw, By: ans.Agent,
		Summary: summary.French(), Said: summary,
	}, nil
}

// open opens a task, which stays open when open returns: key names it
// within the procedure, email is what it is about (a review), if anything.
func (a *asker) open(ctx workflow.Context, key, kind string, question locale.Phrase, amount int64, options []string, email *activities.EmailPreview) error {
	var orders *activities.Orders
	taskKey := a.actor.WorkflowID + "/task/" + key
	french := question.French()
	var ref activities.TaskRef
	if err := db(ctx, orders.OpenTask, activities.TaskInput{
		OrderNumber: a.number, Actor: a.actor, Key: taskKey, Kind: kind,
		Question: french, QuestionPhrase: question, Amount: amount, Options: options, Email: email,
	}).Get(ctx, &ref); err != nil {
		return err
	}
	a.task = &OpenTask{ID: ref.ID, Kind: kind, Question: french, Amount: amount, Options: options}
	a.key, a.answer = taskKey, nil
	a.state.Task = a.task
	awaitingAgent(ctx, true)
	return nil
}

// closeTask closes the open task, if any, with status ("answered",
// "cancelled"), what the history says of it (a phrase: history.answer.*,
// history.closed.*, history.outcome.*) and who answered it. It does
// not fail the procedure: a close that fails is logged, the row left open
// for an operator. The task is no longer the procedure's from the start,
// so an answer meanwhile is refused and a second close does nothing.
func (a *asker) closeTask(ctx workflow.Context, status string, summary locale.Phrase, by string) {
	if a.task == nil {
		return
	}
	task := a.task
	a.task, a.state.Task = nil, nil
	var orders *activities.Orders
	if err := db(ctx, orders.CloseTask, activities.CloseTaskInput{
		OrderNumber: a.number, Actor: a.actor, Key: a.key, Status: status, Summary: summary.French(), Said: summary, By: by,
	}).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("closing the task failed", "task", task.ID, "err", err)
	}
	awaitingAgent(ctx, false)
}

// stepStatus sets the status of the procedure's current step.
func (a *asker) stepStatus(status string) {
	if n := len(a.state.Steps); n > 0 {
		a.state.Steps[n-1].Status = status
	}
}

// wait blocks until the open task is answered, writing a reminder, then an
// escalation, to the history when the answer is late.
func (a *asker) wait(ctx workflow.Context, taskID int64) error {
	var orders *activities.Orders
	answered := func() bool { return a.answer != nil }
	late := []struct {
		after time.Duration
		kind  string
		line  locale.Phrase
	}{
		{a.reminder, "task_reminder", locale.Phr("history.task_reminder", taskNumber(taskID), waitOf(a.reminder))},
		{a.escalation - a.reminder, "task_escalated", locale.Phr("history.task_escalated", taskNumber(taskID), waitOf(a.escalation))},
	}
	for _, l := range late {
		if l.after <= 0 {
			continue
		}
		ok, err := workflow.AwaitWithTimeout(ctx, l.after, answered)
		if err != nil || ok {
			return err
		}
		if err := db(ctx, orders.RecordEvent, activities.NoteInput{
			OrderNumber: a.number, Actor: a.actor, Key: fmt.Sprintf("%s/task/%d/%s", a.actor.WorkflowID, taskID, l.kind),
			Kind: l.kind, Message: l.line.French(), Phrase: l.line,
		}).Get(ctx, nil); err != nil {
			return err
		}
	}
	return workflow.Await(ctx, answered)
}

// whoAnswers looks the answer's author up in the agents table and refuses
// an answer by someone who is not an agent of the shop, or an approval by
// someone who is not a supervisor, whatever the answer says of them.
func (a *asker) whoAnswers(ctx workflow.Context, ans TaskAnswer) (activities.Answerer, error) {
	var orders *activities.Orders
	var who activities.Answerer
	lctx := workflow.WithLocalActivityOptions(ctx, lookupActivity)
	if err := workflow.ExecuteLocalActivity(lctx, orders.WhoAnswers, ans.Agent).Get(lctx, &who); err != nil {
		return who, err
	}
	var refused error
	switch {
	case !who.Exists:
		refused = order.Refuse("agent", "refusal.agent_unknown_answer", locale.Text(ans.Agent))
	case a.task != nil && a.task.Kind == TaskApproveRefund:
		refused = checkApprover(who.Role, who.Email, a.requestersOf()...)
	}
	if refused != nil {
		return who, refusing(func(workflow.Context, TaskAnswer) error { return refused })(ctx, ans)
	}
	return who, nil
}

// requestersOf is who asked for what the open task is about.
func (a *asker) requestersOf() []string {
	if len(a.requesters) > 0 {
		return a.requesters
	}
	return []string{a.actor.Agent}
}

// checkApprover refuses an approval by someone who is not a supervisor, or
// by the agent who asked for the money to go.
func checkApprover(role, approver string, requesters ...string) error {
	if role != "supervisor" && role != "admin" {
		return order.Refuse("role", "refusal.approver_not_supervisor")
	}
	for _, r := range requesters {
		if strings.EqualFold(approver, r) {
			return order.Refuse("approver", "refusal.approver_is_requester", locale.Text(approver))
		}
	}
	return nil
}

// validate refuses an answer before it enters history.
func (a *asker) validate(ctx workflow.Context, ans TaskAnswer) error {
	switch {
	case a.checking:
		return order.Refuse("task", "refusal.task_being_answered", taskArg(ans.TaskID))
	case a.task == nil, a.answer != nil && ans.TaskID != a.task.ID:
		// No task open, or the previous one answered: the next may be on
		// its way, its row seen a moment before the procedure waits on it.
		// The starter tries again while that row is open.
		return notAsked(ans.TaskID)
	case a.answer != nil:
		return order.Refuse("task", "refusal.task_answered", taskArg(ans.TaskID))
	case ans.TaskID != a.task.ID:
		return order.Refuse("task", "refusal.task_not_waited", taskArg(ans.TaskID), taskArg(a.task.ID))
	case strings.TrimSpace(ans.Agent) == "":
		return order.Refuse("agent", "refusal.answer_agent_missing")
	}
	offered := false
	for _, o := range a.task.Options {
		offered = offered || ans.Outcome == o
	}
	if !offered {
		return order.Refuse("outcome", "refusal.answer_not_offered", locale.Text(ans.Outcome), taskArg(ans.TaskID), locale.Text(strings.Join(a.task.Options, ", ")))
	}
	if a.check != nil {
		if err := a.check(ans); err != nil {
			return err
		}
	}
	return checkAnswer(a.task.Kind, ans, a.requestersOf()...)
}

// ErrTypeRefused is the type of an Update refused by its validator; the
// failure's detail is the *order.FieldError naming what is wrong.
const ErrTypeRefused = "Refused"

// ErrTypeNotAsked is the type of an answer refused because the procedure
// waits on no task: the task's row is written by an activity, so an agent
// can see it a moment before the procedure has taken the activity's result
// and waits for the answer. The starter tries such an answer again while
// the task's row is open; its detail is a *order.FieldError like a refusal.
const ErrTypeNotAsked = "NotAsked"

// notAsked is the refusal of an answer to a task the procedure does not
// wait on (yet, or any more).
func notAsked(taskID int64) error {
	return &refusal{typ: ErrTypeNotAsked, fe: order.Refuse("task", "refusal.task_not_asked", taskArg(taskID))}
}

// taskArg is a task's number as a refusal names it (#12): written as is.
func taskArg(id int64) locale.Arg { return locale.Text(strconv.FormatInt(id, 10)) }

// refusal is a validator's refusal of a type other than ErrTypeRefused.
type refusal struct {
	typ string
	fe  *order.FieldError
}

func (r *refusal) Error() string { return r.fe.Error() }
func (r *refusal) Unwrap() error { return r.fe }

// refusing wraps an Update validator so that its refusal reaches the caller
// with the field it is about: the starter gives back an *order.FieldError,
// and a form shows the message next to that field. A refusal that names no
// field is about the task itself.
func refusing[T any](validate func(workflow.Context, T) error) func(workflow.Context, T) error {
	return func(ctx workflow.Context, in T) error {
		err := validate(ctx, in)
		if err == nil {
			return nil
		}
		var fe *order.FieldError
		if !errors.As(err, &fe) {
			fe = &order.FieldError{Field: "task", Message: err.Error()}
		}
		typ := ErrTypeRefused
		var r *refusal
		if errors.As(err, &r) {
			typ = r.typ
		}
		return temporal.NewApplicationError(fe.Error(), typ, *fe)
	}
}

// checkAnswer holds what each kind of answer needs.
func checkAnswer(kind string, ans TaskAnswer, requesters ...string) error {
	switch ans.Outcome {
	case AnswerRefundImpossible:
		if strings.TrimSpace(ans.Reason) == "" {
			return order.Refuse("reason", "refusal.refund_impossible_reason")
		}
	case AnswerReject:
		if strings.TrimSpace(ans.Reason) == "" {
			return order.Refuse("reason", "refusal.refund_reject_reason")
		}
	case AnswerPaybackTransfer, AnswerPaybackCheque:
		if err := ans.payback().Validate(); err != nil {
			return err
		}
	case AnswerChequeSent:
		if err := ans.chequeAddress().Validate(); err != nil {
			return err
		}
	case AnswerChequeMailed:
		if strings.TrimSpace(ans.Reference) == "" {
			return order.Refuse("reference", "refusal.cheque_number_missing")
		}
	case AnswerSendWithNote:
		if strings.TrimSpace(ans.Note) == "" {
			return order.Refuse("note", "refusal.email_paragraph_missing")
		}
	}
	if kind == TaskApproveRefund {
		// What the answer says of its author; the handler checks it again
		// against the agents table.
		return checkApprover(ans.Role, ans.Agent, requesters...)
	}
	return nil
}

// summarize says an answer in words, for the history.
func summarize(a TaskAnswer) locale.Phrase {
	switch a.Outcome {
	case AnswerRefundDone:
		if a.ProviderRef != "" {
			return locale.Phr("history.answer.refund_done_ref", textOf(a.ProviderRef))
		}
		return locale.Phr("history.answer.refund_done")
	case AnswerRefundImpossible:
		return locale.Phr("history.answer.refund_impossible", textOf(a.Reason))
	case AnswerPaybackTransfer:
		return locale.Phr("history.answer.payback_transfer", textOf(order.MaskIBAN(a.IBAN)))
	case AnswerPaybackCheque:
		return locale.Phr("history.answer.payback_cheque")
	case AnswerPaybackStoreCredit:
		return locale.Phr("history.answer.payback_credit")
	case AnswerChequeSent:
		return locale.Phr("history.answer.cheque_sent")
	case AnswerChequeNotSent:
		return locale.Phr("history.answer.cheque_not_sent")
	case AnswerChequeMailed:
		return locale.Phr("history.answer.cheque_mailed", textOf(a.Reference))
	case AnswerApprove:
		return locale.Phr("history.answer.approved", textOf(a.Agent))
	case AnswerReject:
		return locale.Phr("history.answer.rejected", textOf(a.Agent), textOf(a.Reason))
	case AnswerSend:
		return locale.Phr("history.answer.email_sent")
	case AnswerSendWithNote:
		return locale.Phr("history.answer.email_sent_note")
	case AnswerDontSend:
		return locale.Phr("history.answer.email_not_sent")
	case AnswerKeepWaiting:
		return locale.Phr("history.answer.keep_waiting")
	case AnswerCancelOrder:
		return locale.Phr("history.answer.cancel_order")
	case AnswerAcceptReturn:
		return locale.Phr("history.answer.return_accepted")
	case AnswerAcceptPart:
		var n int64
		for _, l := range a.Lines {
			n += l.Accepted
		}
		return locale.Phr("history.answer.return_partly", locale.Count(int(n)))
	case AnswerRefuseReturn:
		return locale.Phr("history.answer.return_refused", textOf(a.Reason))
	case AnswerExpireReturn:
		return locale.Phr("history.answer.return_expire")
	}
	return locale.Phr("history.note_from_procedure", textOf(a.Outcome))
}

// awaiting keeps the AwaitingAgent search attribute and the current
// details in step with the open task.
func (a *asker) awaiting(ctx workflow.Context, waiting bool, details string) {
	awaitingAgent(ctx, waiting)
	setDetails(ctx, a.number, details)
}

// SignalChildAwaiting tells a parent procedure that its child (a
// settlement, a refund cheque to mail, a balance to collect) waits for an
// agent, or no longer does: its value is the new AwaitingAgent.
const SignalChildAwaiting = "child-awaiting"

// awaitingAgent sets the procedure's AwaitingAgent search attribute, and
// tells its parent procedure, if it has one, so that an operator who
// filters on AwaitingAgent in the Temporal Web UI finds the procedure the
// agent started and not only its settlement. Procedures that started
// before version 1 of "awaiting-to-parent" replay without the signal.
func awaitingAgent(ctx workflow.Context, waiting bool) {
	// Only a bad key makes the upsert fail, and the attribute only helps
	// operators find procedures: it must not fail one.
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrAwaitingAgent.ValueSet(waiting))
	parent := workflow.GetInfo(ctx).ParentWorkflowExecution
	if parent == nil || !since(ctx, "awaiting-to-parent") {
		return
	}
	// Not waited on: a parent that has ended (a cheque still to mail after
	// its settlement) has nothing to show, and the child goes on.
	_ = workflow.SignalExternalWorkflow(ctx, parent.ID, "", SignalChildAwaiting, waiting)
}

// followChildren makes the procedure's AwaitingAgent follow its children's
// (SignalChildAwaiting), and passes it on to its own parent.
func followChildren(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SignalChildAwaiting)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var waiting bool
			ch.Receive(ctx, &waiting)
			awaitingAgent(ctx, waiting)
		}
	})
}
