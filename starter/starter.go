package starter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// Orders is what the starter reads to validate a request before starting
// anything: the order and the agent tasks.
type Orders interface {
	GetOrder(ctx context.Context, number string) (order.Order, error)
	GetTask(ctx context.Context, id int64) (store.Task, error)
	PaidNet(ctx context.Context, orderID int64) (int64, error)
	MoneyPosition(ctx context.Context, orderID int64) (order.Position, error)
	AgentByEmail(ctx context.Context, email string) (store.Agent, error)
	CloseTask(ctx context.Context, key, status string, answer json.RawMessage, by string) (store.Task, error)
	AddEvent(ctx context.Context, ev store.Event) (store.Event, error)
	SaveBankAccount(ctx context.Context, orderID int64, iban, typedBy string) (string, error)
}

// Options tunes the procedures the starter starts.
type Options struct {
	TaskQueue string // default workflows.TaskQueue
	// Settings are the shop's settings, handed whole to every procedure
	// started (approval limit, task and payment reminders, auto-confirm).
	// Zero payment reminders are the defaults.
	Settings workflows.Settings
	// CallTimeout bounds each call to Temporal that it answers at once
	// (start, describe, query, list); UpdateTimeout an answer or a
	// payment given to a procedure, until it has taken it. A shorter
	// deadline of the caller's context wins. Zero: DefaultCallTimeout,
	// DefaultUpdateTimeout.
	CallTimeout, UpdateTimeout time.Duration
	// FailureConverter reads the last error of a retrying step, as the
	// client's own (with the payload codec, errors are encrypted in
	// Temporal, and only it can read them). Nil: Temporal's default.
	FailureConverter converter.FailureConverter
}

// Starter starts procedures, answers their tasks and reads their state.
type Starter struct {
	c      client.Client
	orders Orders
	raw    Orders // orders as given, for what else it implements (HistoryStore)
	opt    Options
}

// New builds a Starter over a Temporal client and the order store. Its
// calls to Temporal have deadlines (Options.CallTimeout, UpdateTimeout),
// and its errors are typed (errors.go).
func New(c client.Client, orders Orders, opts ...Options) *Starter {
	s := &Starter{orders: dbOrders{orders}, raw: orders,
		opt: Options{TaskQueue: workflows.TaskQueue, CallTimeout: DefaultCallTimeout, UpdateTimeout: DefaultUpdateTimeout}}
	for _, o := range opts {
		if o.TaskQueue != "" {
			s.opt.TaskQueue = o.TaskQueue
		}
		if o.CallTimeout > 0 {
			s.opt.CallTimeout = o.CallTimeout
		}
		if o.UpdateTimeout > 0 {
			s.opt.UpdateTimeout = o.UpdateTimeout
		}
		s.opt.Settings = o.Settings
		s.opt.FailureConverter = o.FailureConverter
	}
	if s.opt.FailureConverter == nil {
		s.opt.FailureConverter = temporal.GetDefaultFailureConverter()
	}
	s.c = &temporalClient{Client: c, call: s.opt.CallTimeout, update: s.opt.UpdateTimeout}
	if s.opt.Settings.Reminders == (workflows.PaymentReminders{}) {
		s.opt.Settings.Reminders = workflows.DefaultPaymentReminders()
	}
	return s
}

// Run names a started procedure.
type Run struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	// Existing is true when the request id had already started this
	// procedure: nothing new was started (a double click, a retried request).
	Existing bool `json:"existing"`
}

// ModifyContentRequest asks to take products out of an order.
type ModifyContentRequest struct {
	OrderNumber string
	RequestID   string // from the caller: the same id starts one procedure, not two
	Agent       string
	Role        string // the agent's role, for approvals
	Channel     order.ContactChannel
	Change      order.ContentChange
	Notify      bool // email the customer
	ReviewEmail bool // the agent reviews the email before it goes (the UI does)
}

// ModifyContent validates the request against the order and starts the
// modify-content procedure. Bad input is refused with an error naming the
// field (an *order.FieldError) or the order's logistics status (an
// *order.NotModifiableError), and nothing is started or written.
func (s *Starter) ModifyContent(ctx context.Context, req ModifyContentRequest) (Run, error) {
	return s.startOnce(ctx, workflows.ProcModifyContent, req.OrderNumber, req.RequestID, req.Agent, func(id string) (Run, error) {
		if err := s.checkAgent(ctx, req.Agent); err != nil {
			return Run{}, err
		}
		if !req.Channel.Valid() {
			return Run{}, order.Refuse("channel", "refusal.contact_channel_unknown", locale.Text(string(req.Channel)))
		}
		o, err := s.order(ctx, req.OrderNumber)
		if err != nil {
			return Run{}, err
		}
		if err := order.CheckModifiable(o); err != nil {
			return Run{}, err
		}
		if o.HoldBy != "" {
			return Run{}, &order.NotModifiableError{Number: o.Number, Logistics: o.Logistics, HoldBy: o.HoldBy}
		}
		if err := req.Change.Validate(o); err != nil {
			return Run{}, err
		}
		in := workflows.ModifyContentInput{
			OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, Role: req.Role, Channel: req.Channel, Change: req.Change,
			SkipEmail: !req.Notify, ReviewEmail: req.ReviewEmail, Settings: s.settings(),
		}
		return s.start(ctx, id, workflows.ProcModifyContent, o, fmt.Sprintf("Modifier le contenu de %s", o.Number), in)
	})
}

// start starts a procedure with its search attributes. A procedure already
// started with this id is returned as Existing.
func (s *Starter) start(ctx context.Context, id, procedure string, o order.Order, summary string, input any) (Run, error) {
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                s.opt.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// A procedure already started under the id is an error, which says
		// its run: Existing.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:                            summary,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrOrderNumber.ValueSet(o.Number),
			workflows.AttrOrderProcedure.ValueSet(procedure),
			workflows.AttrAwaitingAgent.ValueSet(false),
		),
	}
	run, err := s.c.ExecuteWorkflow(ctx, opts, procedure, input)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return Run{WorkflowID: id, RunID: started.RunId, Existing: true}, nil
	}
	if err != nil {
		return Run{}, fmt.Errorf("starting %s: %w", id, err)
	}
	return Run{WorkflowID: run.GetID(), RunID: run.GetRunID()}, nil
}

// startOnce checks a request's order number, request id and agent, then
// runs start: the procedure's checks of the request and its start, under
// the workflow id of the request. A request sent again (a double click, a
// retried call) gets the procedure it started: the start says so when that
// procedure runs or ran (Starter.start), and a request the checks refuse is
// looked up then, since the first one may have changed the order since (a
// hold, a quantity already lowered). Temporal is asked for the procedure
// only then, not before every start, where the look-up cost the server as
// much CPU as a sixth of a modify-content.
func (s *Starter) startOnce(ctx context.Context, proc, number, requestID, agent string, start func(id string) (Run, error)) (Run, error) {
	if err := checkRequest(number, requestID, agent); err != nil {
		return Run{}, err
	}
	id := workflows.WorkflowID(proc, number, requestID)
	run, err := start(id)
	if err == nil {
		return run, nil
	}
	if prev, found, ferr := s.existing(ctx, id); ferr == nil && found {
		return prev, nil
	}
	return run, err
}

// startedAlready checks a request's order number, request id and agent,
// and finds the procedure the same request id started already: a double
// click, a retried call. It comes before any check of the order, which the
// first request may have changed since. id is the procedure's workflow id;
// done says run is the procedure found.
func (s *Starter) startedAlready(ctx context.Context, proc, number, requestID, agent string) (id string, run Run, done bool, err error) {
	if err := checkRequest(number, requestID, agent); err != nil {
		return "", Run{}, true, err
	}
	id = workflows.WorkflowID(proc, number, requestID)
	run, done, err = s.existing(ctx, id)
	return id, run, done || err != nil, err
}

// StartedBefore finds the procedure a request id started already on an
// order (a command run again, a retried call), without looking at the
// order: the first request may have changed it since, so checking the
// request against it again would refuse what was done. found is false
// when the request id started nothing yet; the request's order number,
// request id and agent are checked as the procedure's start checks them.
func (s *Starter) StartedBefore(ctx context.Context, proc, number, requestID, agent string) (run Run, found bool, err error) {
	_, run, found, err = s.startedAlready(ctx, proc, number, requestID, agent)
	if err != nil {
		return Run{}, false, err
	}
	return run, found, nil
}

// existing finds a procedure already started under id.
func (s *Starter) existing(ctx context.Context, id string) (Run, bool, error) {
	d, err := s.c.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		return Run{}, false, nil
	case err != nil:
		return Run{}, false, fmt.Errorf("looking up procedure %s: %w", id, err)
	}
	return Run{WorkflowID: id, RunID: d.GetWorkflowExecutionInfo().GetExecution().GetRunId(), Existing: true}, true, nil
}

func (s *Starter) order(ctx context.Context, number string) (order.Order, error) {
	o, err := s.orders.GetOrder(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return o, &missing{order.Refuse("order", "refusal.order_not_found", locale.Text(number))}
	}
	return o, err
}

// checkAgent refuses a procedure that may move money when it is asked for
// by someone who is not an agent of the shop: a supervisor's approval is
// checked against who asked, so who asked must be someone.
func (s *Starter) checkAgent(ctx context.Context, email string) error {
	a, err := s.orders.AgentByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return order.Refuse("agent", "refusal.agent_unknown", locale.Text(email))
	}
	if err == nil && a.DisabledAt != nil {
		return order.Refuse("agent", "refusal.agent_disabled", locale.Text(a.Email))
	}
	return err
}

func checkRequest(number, requestID, agent string) error {
	switch {
	case strings.TrimSpace(number) == "":
		return order.Refuse("order", "refusal.order_number_empty")
	case strings.ContainsAny(number, "'\"/\\ "):
		return order.Refuse("order", "refusal.order_number_invalid", locale.Text(number))
	case strings.TrimSpace(requestID) == "":
		return order.Refuse("request_id", "refusal.request_id_missing")
	case strings.TrimSpace(agent) == "":
		return order.Refuse("agent", "refusal.agent_missing")
	}
	return nil
}

// notAskedPatience is how long AnswerTask sends again an answer the
// procedure is not waiting for yet, while the task's row is open.
const notAskedPatience = 10 * time.Second

// AnswerTask gives an agent's answer to the task a procedure waits on. A
// task that does not exist or is closed, and an answer the procedure
// refuses (its Update validator), are errors; nothing is changed then.
func (s *Starter) AnswerTask(ctx context.Context, ans workflows.TaskAnswer) error {
	if ans.TaskID <= 0 {
		return order.Refuse("task", "refusal.task_number_missing")
	}
	// Temporal's health check runs while the agent and the task are read:
	// an answer waits for the slowest of the three, not for their sum.
	healthy := s.checkTemporal(ctx)
	// Who answers, and their role, are the agents table's, never the
	// caller's word; the procedure checks them again. The task is read
	// meanwhile; an unknown agent is still said first.
	task := make(chan taskRead, 1)
	go func() {
		t, err := s.orders.GetTask(ctx, ans.TaskID)
		task <- taskRead{t, err}
	}()
	who, err := s.orders.AgentByEmail(ctx, ans.Agent)
	if errors.Is(err, store.ErrNotFound) {
		return order.Refuse("agent", "refusal.agent_unknown_answer", locale.Text(ans.Agent))
	}
	if err != nil {
		return err
	}
	if who.DisabledAt != nil {
		return order.Refuse("agent", "refusal.agent_disabled", locale.Text(who.Email))
	}
	ans.Agent, ans.Role = who.Email, who.Role
	read := <-task
	t, err := read.task, read.err
	if errors.Is(err, store.ErrNotFound) {
		return &missing{order.Refuse("task", "refusal.task_not_found", taskArg(ans.TaskID))}
	}
	if err != nil {
		return err
	}
	if t.Status != store.TaskOpen {
		return taskClosed(t)
	}
	if workflows.IsNotice(t.Kind) {
		return s.closeNotice(ctx, t, ans)
	}
	if ans, err = s.keepBankAccount(ctx, t, ans); err != nil {
		return err
	}
	if err := <-healthy; err != nil {
		return err
	}
	// The task's row is written by an activity: the agent can see it a
	// moment before the procedure waits for the answer. Such an answer is
	// refused as not asked (yet); it is sent again while the row is open.
	deadline := time.Now().Add(notAskedPatience)
	for {
		h, uerr := s.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID:   t.WorkflowID,
			UpdateName:   workflows.UpdateAnswerTask,
			Args:         []any{ans},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err = uerr; err == nil {
			err = h.Get(ctx, nil)
		}
		var app *temporal.ApplicationError
		var notReady *serviceerror.WorkflowNotReady
		if errors.As(err, &notReady) && time.Now().Before(deadline) {
			// The server refused what the worker did with the workflow
			// task that took the answer (a search attribute it does not
			// know yet, as just after an upgrade, say): nothing was
			// taken; send it again while it may still go through.
			select {
			case <-ctx.Done():
				return cleanError(err)
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		if !errors.As(err, &app) || app.Type() != workflows.ErrTypeNotAsked || time.Now().After(deadline) {
			break
		}
		if t, err = s.orders.GetTask(ctx, ans.TaskID); err != nil {
			return err
		}
		if t.Status != store.TaskOpen {
			return taskClosed(t)
		}
		select {
		case <-ctx.Done():
			return cleanError(err) // the procedure did not ask in time: its refusal stands
		case <-time.After(50 * time.Millisecond):
		}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return order.Refuse("task", "refusal.task_procedure_ended", taskArg(ans.TaskID))
	}
	return cleanError(err)
}

// taskRead is a task's row as read, or why it could not be.
type taskRead struct {
	task store.Task
	err  error
}

// checkTemporal asks Temporal's health check at once and says its answer
// on the channel. Temporal answers it from memory: a Temporal that does
// not is said within the call deadline, not after the update's. (A look
// at the procedure itself said as much, and cost the server a read of its
// state on every answer.)
func (s *Starter) checkTemporal(ctx context.Context) <-chan error {
	out := make(chan error, 1)
	go func() {
		_, err := s.c.CheckHealth(ctx, &client.CheckHealthRequest{})
		out <- err
	}()
	return out
}

// taskClosed refuses an answer to a task that is no longer open: answered
// (by whom, when the row says), or closed otherwise (cancelled with its
// procedure).
func taskClosed(t store.Task) error {
	switch {
	case t.Status == store.TaskAnswered && t.AnsweredBy != "":
		return order.Refuse("task", "refusal.task_answered_by", taskArg(t.ID), locale.Text(t.AnsweredBy))
	case t.Status == store.TaskAnswered:
		return order.Refuse("task", "refusal.task_answered", taskArg(t.ID))
	}
	return order.Refuse("task", "refusal.task_closed", taskArg(t.ID))
}

// taskArg is a task's number as a refusal names it (#12): written as is.
func taskArg(id int64) locale.Arg { return locale.Text(strconv.FormatInt(id, 10)) }

// closeNotice answers a notice task (no procedure waits on it): the agent
// has seen it and says in a note what they did; the task closes and the
// order's history keeps the note.
func (s *Starter) closeNotice(ctx context.Context, t store.Task, ans workflows.TaskAnswer) error {
	if ans.Outcome != workflows.AnswerNoted {
		return order.Refuse("outcome", "refusal.notice_answer_unknown", locale.Text(ans.Outcome), taskArg(t.ID), locale.Text(workflows.AnswerNoted))
	}
	if strings.TrimSpace(ans.Note) == "" {
		return order.Refuse("note", "refusal.notice_note_missing", taskArg(t.ID))
	}
	raw, err := json.Marshal(ans)
	if err != nil {
		return err
	}
	closed, err := s.orders.CloseTask(ctx, t.Key, store.TaskAnswered, raw, ans.Agent)
	if errors.Is(err, store.ErrTaskClosed) {
		return order.Refuse("task", "refusal.task_closed", taskArg(t.ID))
	}
	if err != nil {
		return err
	}
	_, err = s.orders.AddEvent(ctx, store.Event{
		OrderID: closed.OrderID, ActorKind: store.ActorAgent, Actor: ans.Agent, WorkflowID: closed.WorkflowID,
		Kind: "task_answered", Key: t.Key + "/closed",
		Phrase: locale.Phr("history.task_done", locale.Text(strconv.FormatInt(t.ID, 10)), locale.Text(ans.Note)),
	})
	return err
}

// cleanError turns a refusal carried back by Temporal into the procedure's
// own refusal, without the transport's wrapping: an Update refused by its
// validator becomes the *order.FieldError its failure's details carry. Any
// other failure of the procedure keeps its chain (and its detail) for the
// log, as a failure, never as a refusal to show.
func cleanError(err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		var fe order.FieldError
		if (app.Type() == workflows.ErrTypeRefused || app.Type() == workflows.ErrTypeNotAsked) && app.HasDetails() && app.Details(&fe) == nil && fe.Field != "" {
			return &fe
		}
		return fmt.Errorf("the procedure failed: %w", err)
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return &notFound{msg: "the procedure is no longer running", err: err}
	}
	return err
}

// Status asks a running or finished procedure where it is. While a child
// procedure runs (the settlement), its steps and the task it waits on are
// shown as the procedure's own: the agent sees one procedure.
func (s *Starter) Status(ctx context.Context, workflowID string) (workflows.State, error) {
	st, err := s.state(ctx, workflowID)
	if err != nil || st.Child == "" {
		return st, err
	}
	child, err := s.state(ctx, st.Child)
	if err != nil {
		return st, nil // the child is starting or gone: the parent's state stands
	}
	for _, step := range child.Steps {
		step.Name = "settle." + step.Name
		st.Steps = append(st.Steps, step)
	}
	if child.Task != nil {
		st.Task = child.Task
	}
	return st, nil
}

func (s *Starter) state(ctx context.Context, workflowID string) (workflows.State, error) {
	var st workflows.State
	v, err := s.c.QueryWorkflow(ctx, workflowID, "", workflows.QueryStatus)
	if err != nil {
		return st, fmt.Errorf("status of %s: %w", workflowID, err)
	}
	return st, v.Get(&st)
}

// Result waits for a procedure to end and returns its result into out.
func (s *Starter) Result(ctx context.Context, workflowID string, out any) error {
	return cleanError(s.c.GetWorkflow(ctx, workflowID, "").Get(ctx, out))
}

// OrderProcedures lists the procedures that ran or run on an order, newest
// first, from Temporal's visibility store.
func (s *Starter) OrderProcedures(ctx context.Context, number string) ([]Procedure, error) {
	if strings.ContainsAny(number, "'\"\\") {
		return nil, order.Refuse("order", "refusal.order_number_invalid", locale.Text(number))
	}
	resp, err := s.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("OrderNumber = '%s'", number),
	})
	if err != nil {
		return nil, fmt.Errorf("listing procedures of %s: %w", number, err)
	}
	dc := converter.GetDefaultDataConverter()
	var out []Procedure
	for _, e := range resp.GetExecutions() {
		p := Procedure{
			WorkflowID: e.GetExecution().GetWorkflowId(),
			RunID:      e.GetExecution().GetRunId(),
			Type:       e.GetType().GetName(),
			Status:     statusName(e.GetStatus()),
			StartTime:  e.GetStartTime().AsTime(),
		}
		if e.GetCloseTime() != nil {
			p.CloseTime = e.GetCloseTime().AsTime()
		}
		if pl, ok := e.GetSearchAttributes().GetIndexedFields()[workflows.AttrAwaitingAgent.GetName()]; ok {
			_ = dc.FromPayload(pl, &p.AwaitingAgent) // a missing or odd value reads as false
		}
		out = append(out, p)
	}
	return out, nil
}

func statusName(s enumspb.WorkflowExecutionStatus) string {
	switch s {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return "Running"
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return "Completed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "Failed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "Canceled"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "Terminated"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "TimedOut"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "ContinuedAsNew"
	}
	return "Unknown"
}

// settings are the shop's settings every procedure is started with; the
// procedures the starter starts run lean, in the latest revision of the
// lean shape (workflows.Settings.Lean, LeanRevision).
func (s *Starter) settings() workflows.Settings {
	st := s.opt.Settings
	st.Lean, st.LeanRevision = true, workflows.LeanLatest
	return st
}

// keepBankAccount keeps the IBAN of a payback by transfer in the database
// and gives the procedure its reference and masked form instead: the
// account number stays out of the procedure's history and of the task's
// stored answer. An IBAN that is not one is refused here, nothing kept.
func (s *Starter) keepBankAccount(ctx context.Context, t store.Task, ans workflows.TaskAnswer) (workflows.TaskAnswer, error) {
	if ans.Outcome != workflows.AnswerPaybackTransfer || ans.BankAccount != "" || strings.TrimSpace(ans.IBAN) == "" {
		return ans, nil
	}
	iban, err := order.CheckIBAN(ans.IBAN)
	if err != nil {
		return ans, err
	}
	ref, err := s.orders.SaveBankAccount(ctx, t.OrderID, iban, ans.Agent)
	if err != nil {
		return ans, err
	}
	ans.BankAccount, ans.IBAN = ref, order.MaskIBAN(iban)
	return ans, nil
}
