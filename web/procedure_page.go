package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// procedureData is the data of a procedure's live page.
type procedureData struct {
	Layout
	ID          string
	OrderNumber string
	Progress    starter.Progress
	Steps       []stepView
	Task        *store.Task // the open task the procedure waits on, if any
	Form        *taskForm   // a refused answer to it, to show again
	Done        bool
	Error       string // why the procedure failed, in the agent's language
}

// stepView is one step as the page shows it, in the agent's language.
type stepView struct {
	Label, Status, Detail string
	Retry                 string // a retrying step, in plain words
}

// TaskID is the id of the open task, 0 when none: the page reloads when it
// changes.
func (d procedureData) TaskID() int64 {
	if d.Task == nil {
		return 0
	}
	return d.Task.ID
}

// procedurePage is GET /procedures/{id...}: the steps of one procedure,
// updated by polling (static/progress.js), with the form of the task it
// waits on.
func (s *server) procedurePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderProcedure(w, r, r.PathValue("id"), http.StatusOK, nil)
}

// progressFragment is GET /progress/{id...}: the steps alone, for the
// page's polling. The X-Task and X-Done headers tell the script when to
// reload the whole page (a new question, the end).
func (s *server) progressFragment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.procedureData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("X-Task", fmt.Sprint(d.TaskID()))
	w.Header().Set("X-Done", fmt.Sprint(d.Done))
	return s.renderFragment(w, "procedure", "progress", d)
}

func (s *server) renderProcedure(w http.ResponseWriter, r *http.Request, id string, status int, form *taskForm) error {
	d, err := s.procedureData(r, id)
	if err != nil {
		return err
	}
	d.Form = form
	return s.render(w, status, "procedure", d)
}

func (s *server) procedureData(r *http.Request, id string) (procedureData, error) {
	ctx := r.Context()
	p, err := s.starter.Progress(ctx, id)
	if errors.Is(err, starter.ErrNoProcedure) {
		return procedureData{}, notFound(locale.Msg("error.procedure_not_found"), locale.Msg("error.no_procedure_with_id", locale.Text(id)))
	}
	if err != nil {
		return procedureData{}, err
	}
	d := procedureData{
		Layout:      Layout{Nav: "orders"},
		ID:          id,
		OrderNumber: p.State.OrderNumber,
		Progress:    p,
		Done:        p.Status != "Running",
	}
	if d.OrderNumber == "" {
		if parts := strings.SplitN(id, "/", 3); len(parts) == 3 {
			d.OrderNumber = parts[1]
		}
	}
	d.Title = tr(langOf(r), "procedure.title", procedureArg(langOf(r), id), locale.Text(d.OrderNumber))
	d.Steps = steps(p, langOf(r))
	d.Error = stepText(p.State.ErrorText, p.State.Error, langOf(r))
	if p.State.Task != nil {
		t, err := s.store.GetTask(ctx, p.State.Task.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return d, err
		}
		if err == nil && t.Status == store.TaskOpen {
			d.Task = &t
		}
	}
	return d, nil
}

// steps merges the procedure's own steps with what Temporal says of the
// activity running now: a step that retries says so, and when it tries
// again. Labels and details are said in lang from their keys; a step
// without keys (a worker older than them) shows the French it wrote, its
// label in lang when the catalog has the same sentence.
func steps(p starter.Progress, lang string) []stepView {
	var out []stepView
	var retry string
	for _, r := range p.Running {
		if r.Retrying() {
			retry = r.RetryText(locale.For(locale.Parse(lang)), p.Now)
		}
	}
	for _, st := range p.State.Steps {
		v := stepView{Label: stepText(st.LabelText, legacyStepLabel(st.Label, lang), lang), Status: st.Status, Detail: stepText(st.DetailText, st.Detail, lang)}
		if st.Status == workflows.StepRunning && retry != "" {
			v.Retry, retry = retry, ""
		}
		out = append(out, v)
	}
	if retry != "" { // no step of the procedure claims it: show it alone
		out = append(out, stepView{Label: tr(lang, "procedure.step_in_progress"), Status: workflows.StepRunning, Retry: retry})
	}
	return out
}
