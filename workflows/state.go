package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Step statuses, as the status query reports them.
const (
	StepRunning = "running"
	StepDone    = "done"
	StepWaiting = "waiting" // on an agent
	StepFailed  = "failed"
	StepSkipped = "skipped"
)

// Step is one durable step of a procedure, for the UI's progress view.
// Label and Detail are in French, for the CLI and the operators; LabelText
// and DetailText are the same sentences as data (texts.go), which the agent
// UI says in the agent's language. A detail without DetailText (an error's
// message, a procedure of an older worker) is shown as Detail.
type Step struct {
	Name       string `json:"name"`
	Label      string `json:"label"`
	LabelText  *Text  `json:"label_text,omitempty"`
	Status     string `json:"status"`
	Detail     string `json:"detail,omitempty"`
	DetailText *Text  `json:"detail_text,omitempty"`
}

// OpenTask is the agent task a procedure waits on.
type OpenTask struct {
	ID       int64    `json:"id"`
	Kind     string   `json:"kind"`
	Question string   `json:"question"`
	Amount   int64    `json:"amount_cents"`
	Options  []string `json:"options"`
}

// State is what the status query returns: where the procedure is.
type State struct {
	Procedure   string    `json:"procedure"`
	OrderNumber string    `json:"order_number"`
	Steps       []Step    `json:"steps"`
	Task        *OpenTask `json:"task,omitempty"` // set while waiting on an agent
	// Child is the workflow id of the child procedure running now (the
	// settlement), whose own state holds the task it waits on.
	Child string `json:"child,omitempty"`
	Done  bool   `json:"done"`
	Error string `json:"error,omitempty"`
	// ErrorText says Error in the agent's language when the failure is of
	// a known kind (failureText); nil otherwise.
	ErrorText *Text `json:"error_text,omitempty"`
}

// begin marks a step running (adding it if new) and returns its index.
func (s *State) begin(name string, label Text) int {
	for i := range s.Steps {
		if s.Steps[i].Name == name {
			s.Steps[i].Status = StepRunning
			return i
		}
	}
	s.Steps = append(s.Steps, Step{Name: name, Label: label.French(), LabelText: &label, Status: StepRunning})
	return len(s.Steps) - 1
}

// end sets a step's final status and detail; Text{} is no detail.
func (s *State) end(i int, status string, detail Text) {
	s.Steps[i].Status = status
	if detail.Key == "" {
		s.Steps[i].Detail, s.Steps[i].DetailText = "", nil
		return
	}
	s.Steps[i].Detail, s.Steps[i].DetailText = detail.French(), &detail
}

// endError marks a step failed with an error's text as is; a failure of a
// known kind also gets its sentence.
func (s *State) endError(i int, err error) {
	msg := err.Error()
	s.Steps[i].Status = StepFailed
	s.Steps[i].Detail, s.Steps[i].DetailText = msg, failureText(msg, err)
}

// fail marks a step failed with the error's own message (not the
// transport's wrapping) and says so in the procedure's current details.
func (s *State) fail(ctx workflow.Context, step int, err error) {
	msg := err.Error()
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		msg = app.Message()
	}
	kind := failureText(msg, err)
	s.Steps[step].Status = StepFailed
	s.Steps[step].Detail, s.Steps[step].DetailText = msg, kind
	s.Error, s.ErrorText = msg, kind
	setDetails(ctx, s.OrderNumber, "Échec : "+msg)
}

// setDetails is the current-details line an operator reads in the Temporal
// Web UI: the order, then what the procedure is doing.
func setDetails(ctx workflow.Context, number, what string) {
	workflow.SetCurrentDetails(ctx, fmt.Sprintf("%s — %s", number, what))
}
