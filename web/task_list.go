package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// taskInbox is what the task inbox asks of the store beyond the pages'
// reads: the open tasks by filter, their count for the top bar, and who
// has taken which.
type taskInbox interface {
	FindOpenTasks(ctx context.Context, f store.TaskFilter) ([]store.Task, error)
	CountOpenTasks(ctx context.Context) (int, error)
	ClaimTask(ctx context.Context, id int64, agent string) (store.Task, error)
	ReleaseTask(ctx context.Context, id int64, agent string, anyone bool) (store.Task, error)
}

// inboxAges are the ages the inbox filters by: the GET parameter's value
// and how old a task must be.
var inboxAges = []struct {
	Value string
	Age   time.Duration
}{{"1h", time.Hour}, {"4h", 4 * time.Hour}, {"1d", 24 * time.Hour}, {"3d", 72 * time.Hour}}

// inboxKinds are the kinds of task the inbox filters by, in its menu's
// order.
var inboxKinds = []string{
	workflows.TaskRefundByHand, workflows.TaskPayback, workflows.TaskApproveRefund, workflows.TaskReviewEmail,
	workflows.TaskChequeSent, workflows.TaskChequeMailed, workflows.TaskRefundStuck, workflows.TaskUnmatchedPayment,
	workflows.TaskReconcileMismatch, workflows.TaskPaymentOverdue,
}

// inboxFilter is the inbox's GET parameters (kind, age, order, owner),
// so a filtered inbox can be bookmarked. Values it does not know are
// left out.
type inboxFilter struct {
	Kind, Age, Order, Owner string
}

func readInboxFilter(q url.Values) inboxFilter {
	f := inboxFilter{Order: strings.TrimSpace(q.Get("order"))}
	if k := q.Get("kind"); has(inboxKinds, k) {
		f.Kind = k
	}
	for _, a := range inboxAges {
		if q.Get("age") == a.Value {
			f.Age = a.Value
		}
	}
	switch o := q.Get("owner"); o {
	case store.OwnerMine, store.OwnerUnclaimed:
		f.Owner = o
	}
	return f
}

// store is the filter as the store reads it, for agent.
func (f inboxFilter) store(agent string) store.TaskFilter {
	sf := store.TaskFilter{Kind: f.Kind, OrderNumber: f.Order, Owner: f.Owner, Agent: agent}
	for _, a := range inboxAges {
		if f.Age == a.Value {
			sf.OlderThan = a.Age
		}
	}
	return sf
}

// Any reports whether the filter narrows the inbox.
func (f inboxFilter) Any() bool { return f != inboxFilter{} }

// inboxTask is a task as the inbox and the task's page show it: with what
// its answer needs to know, and what the agent reading it may do.
type inboxTask struct {
	store.Task
	Facts *taskFacts // nil: none read (the list reads them for refunds by hand)
	// Mine: the agent reading has taken it. TakenByOther: someone else
	// has, and the agent reading may not answer (an approval stays open
	// to every supervisor). CanRelease: the agent reading may release it.
	Mine, TakenByOther, CanRelease bool
}

// taskFacts are the order's facts an answer needs: the provider's payment
// reference (an agent refunding by hand finds the payment by it in the
// provider's back office), the payments and refunds so far.
type taskFacts struct {
	Provider   string // the means of payment of the reference
	PaymentRef string
	Payments   []store.Payment
	Refunds    []store.Refund
}

// Blocks reports whether a task taken by someone else is closed to a's
// answer: a claim keeps a second agent off the same refund, but never
// holds an approval back from a supervisor.
func blocksAnswer(t store.Task, a *signedIn) bool {
	return a != nil && t.Status == store.TaskOpen && t.Owner != "" && t.Owner != a.Email && t.Kind != workflows.TaskApproveRefund
}

func newInboxTask(t store.Task, a *signedIn) inboxTask {
	it := inboxTask{Task: t}
	if a != nil && t.Owner != "" {
		it.Mine = t.Owner == a.Email
		it.TakenByOther = blocksAnswer(t, a)
		it.CanRelease = it.Mine || a.Supervises()
	}
	return it
}

// taskListData is the data of the task inbox.
type taskListData struct {
	Layout
	Tasks  []inboxTask
	Form   *taskForm // a refused answer or claim, shown again
	Filter inboxFilter
	Kinds  []string
	Ages   []string
	Back   string // the inbox as filtered, where its forms come back to
}

// taskList is GET /tasks: the open agent tasks across orders, oldest
// first, since the oldest customer has waited longest, each with who has
// taken it and the buttons and small forms that answer it; filtered by
// kind, age, order and owner.
func (s *server) taskList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTaskList(w, r, http.StatusOK, nil)
}

// renderTaskList shows the inbox with the filter of the request (a GET)
// or of the page a form came from (a POST's back).
func (s *server) renderTaskList(w http.ResponseWriter, r *http.Request, status int, form *taskForm) error {
	ctx := r.Context()
	back := r.URL.RequestURI()
	if r.Method == http.MethodPost {
		back = safeNext(r.PostFormValue("back"))
	}
	q := url.Values{}
	if u, err := url.Parse(back); err == nil && u.Path == "/tasks" {
		q = u.Query()
	} else {
		back = "/tasks"
	}
	a := agentOf(r)
	f := readInboxFilter(q)
	tasks, err := s.store.FindOpenTasks(ctx, f.store(a.Email))
	if err != nil {
		return err
	}
	d := taskListData{
		Layout: Layout{Title: tr(langOf(r), "tasks.title"), Nav: "tasks"},
		Form:   form,
		Filter: f,
		Kinds:  inboxKinds,
		Back:   back,
	}
	for _, a := range inboxAges {
		d.Ages = append(d.Ages, a.Value)
	}
	facts := 0
	for _, t := range tasks {
		it := newInboxTask(t, a)
		// The provider's reference is what a refund by hand is done
		// with: read it for the first ones of the page.
		if t.Kind == workflows.TaskRefundByHand && facts < 50 {
			facts++
			if it.Facts, err = s.taskFacts(ctx, t); err != nil {
				return err
			}
		}
		d.Tasks = append(d.Tasks, it)
	}
	return s.render(w, status, "tasks", d)
}

// taskFacts reads the order's payments and refunds for a task.
func (s *server) taskFacts(ctx context.Context, t store.Task) (*taskFacts, error) {
	f := &taskFacts{}
	var err error
	if f.Payments, err = s.store.ListPayments(ctx, t.OrderID); err != nil {
		return nil, err
	}
	if f.Refunds, err = s.store.ListRefunds(ctx, t.OrderID); err != nil {
		return nil, err
	}
	for _, p := range f.Payments {
		if p.Reference != "" {
			f.Provider, f.PaymentRef = p.Method, p.Reference
			break
		}
	}
	if f.Provider == "" && len(f.Payments) > 0 {
		f.Provider = f.Payments[0].Method
	}
	return f, nil
}

// taskPageData is one task's page.
type taskPageData struct {
	Layout
	Task inboxTask
	Form *taskForm
	Back string
}

// taskPage is GET /tasks/{id}: one task with the facts its answer needs
// (the customer, the amount, the provider's payment reference, the
// order's payments and refunds), who has taken it, and its answers.
func (s *server) taskPage(w http.ResponseWriter, r *http.Request) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	return s.renderTaskPage(w, r, id, http.StatusOK, nil)
}

func (s *server) renderTaskPage(w http.ResponseWriter, r *http.Request, id int64, status int, form *taskForm) error {
	ctx := r.Context()
	t, err := s.getTask(ctx, id)
	if err != nil {
		return err
	}
	it := newInboxTask(t, agentOf(r))
	if it.Facts, err = s.taskFacts(ctx, t); err != nil {
		return err
	}
	return s.render(w, status, "task", taskPageData{
		Layout: Layout{Title: tr(langOf(r), "inbox.task_title", locale.Text(strconv.FormatInt(id, 10))), Nav: "tasks"},
		Task:   it,
		Form:   form,
		Back:   "/tasks/" + strconv.FormatInt(id, 10),
	})
}

// taskID is the task number of the request's path.
func taskID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound(locale.Msg("error.task_not_found"), locale.Msg("error.no_task_here"))
	}
	return id, nil
}

// getTask reads a task; an unknown one is a 404 page.
func (s *server) getTask(ctx context.Context, id int64) (store.Task, error) {
	t, err := s.store.GetTask(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return t, notFound(locale.Msg("error.task_not_found"), locale.Msg("error.no_task_numbered", locale.Text(strconv.FormatInt(id, 10))))
	}
	return t, err
}

// claimTask is POST /tasks/{id}/claim: « Je m'en occupe ». The owner is
// the signed-in agent, never a field of the form. A task someone else
// has is refused, naming them.
func (s *server) claimTask(w http.ResponseWriter, r *http.Request) error {
	return s.changeTaskOwner(w, r, true)
}

// releaseTask is POST /tasks/{id}/release: « Libérer », by the task's
// owner or a supervisor.
func (s *server) releaseTask(w http.ResponseWriter, r *http.Request) error {
	return s.changeTaskOwner(w, r, false)
}

func (s *server) changeTaskOwner(w http.ResponseWriter, r *http.Request, claim bool) error {
	ctx := r.Context()
	id, err := taskID(r)
	if err != nil {
		return err
	}
	t, err := s.getTask(ctx, id)
	if err != nil {
		return err
	}
	a, lang := agentOf(r), langOf(r)
	f := &taskForm{TaskID: id, Values: r.PostForm, Errors: fieldErrors{}}
	if claim && t.Kind == workflows.TaskApproveRefund && !a.Supervises() {
		f.Errors["form"] = tr(lang, "inbox.only_supervisor_takes")
	} else {
		if claim {
			_, err = s.store.ClaimTask(ctx, id, a.Email)
		} else {
			_, err = s.store.ReleaseTask(ctx, id, a.Email, a.Supervises())
		}
		var taken *store.TaskClaimedError
		switch {
		case err == nil:
			s.log.InfoContext(ctx, "web: task owner changed", "task", id, "claim", claim, "agent", a.Email, "owner_before", t.Owner)
			http.Redirect(w, r, safeNext(r.PostFormValue("back")), http.StatusSeeOther)
			return nil
		case errors.As(err, &taken):
			f.Errors["form"] = tr(lang, "inbox.taken_by_other", locale.Text(taken.OwnerName))
		case errors.Is(err, store.ErrTaskClosed):
			f.Errors["form"] = tr(lang, "answer.already_answered")
		default:
			return err
		}
	}
	return s.renderTaskBack(w, r, http.StatusConflict, f)
}

// renderTaskBack shows again, with a refused answer or claim, the page
// the form came from: the task's page, a procedure's, or the inbox.
func (s *server) renderTaskBack(w http.ResponseWriter, r *http.Request, status int, f *taskForm) error {
	back := safeNext(r.PostFormValue("back"))
	switch {
	case strings.HasPrefix(back, "/procedures/"):
		id, _ := url.PathUnescape(strings.TrimPrefix(back, "/procedures/"))
		return s.renderProcedure(w, r, id, status, f)
	case back == "/tasks/"+strconv.FormatInt(f.TaskID, 10):
		return s.renderTaskPage(w, r, f.TaskID, status, f)
	}
	return s.renderTaskList(w, r, status, f)
}

// navWriter carries a signed-in page's request context to render, which
// counts the open tasks for the top bar.
type navWriter struct {
	*sessionWriter
	ctx context.Context
}

func (w *navWriter) Unwrap() http.ResponseWriter { return w.sessionWriter }

// withNavContext wraps a signed-in request's writer so its pages show the
// open-task count.
func withNavContext(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if sw, ok := w.(*sessionWriter); ok {
		return &navWriter{sessionWriter: sw, ctx: r.Context()}
	}
	return w
}

// navCountTimeout bounds the top bar's count: a slow count leaves it out
// rather than hold the page.
const navCountTimeout = 300 * time.Millisecond

// withOpenTasks counts the open tasks into a page's Layout. A count that
// fails or takes too long leaves the page without it.
func (s *server) withOpenTasks(ctx context.Context, data any) any {
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Struct {
		return data
	}
	if f := v.FieldByName("Layout"); !f.IsValid() || f.Type() != reflect.TypeFor[Layout]() {
		return data
	}
	cctx, cancel := context.WithTimeout(ctx, navCountTimeout)
	defer cancel()
	n, err := s.store.CountOpenTasks(cctx)
	if err != nil {
		s.log.WarnContext(ctx, "web: the open tasks were not counted for the top bar", "err", err)
		return data
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	l := c.FieldByName("Layout").Addr().Interface().(*Layout)
	l.OpenTasks, l.OpenTasksKnown = n, true
	return c.Interface()
}

// orderTasks are the tasks an order page lists: every open one and those
// closed in the last 30 days, at most 20, newest first.
func orderTasks(tasks []store.Task, now time.Time) []store.Task {
	var out []store.Task
	for i := len(tasks) - 1; i >= 0 && len(out) < 20; i-- {
		t := tasks[i]
		if t.Status == store.TaskOpen || (t.AnsweredAt != nil && now.Sub(*t.AnsweredAt) < 30*24*time.Hour) || now.Sub(t.CreatedAt) < 30*24*time.Hour {
			out = append(out, t)
		}
	}
	return out
}
