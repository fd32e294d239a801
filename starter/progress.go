package starter

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/workflows"
)

// Progress is where a procedure is, for its live page: the steps it
// reports (the status query) and what Temporal knows of the steps running
// now (a retrying activity, its last error, when it tries again).
type Progress struct {
	WorkflowID string          `json:"workflow_id"`
	Type       string          `json:"type"`
	Status     string          `json:"status"` // Running, Completed, Failed... (Temporal's)
	StartTime  time.Time       `json:"start_time"`
	CloseTime  time.Time       `json:"close_time,omitzero"`
	State      workflows.State `json:"state"`
	// StateErr says why the steps are unknown (the query failed: no
	// worker, or the procedure is too old); the rest is still right.
	StateErr string        `json:"state_error,omitempty"`
	Running  []RunningStep `json:"running,omitempty"`
	Now      time.Time     `json:"now"` // when this was read, for "in 20 s"
}

// RunningStep is an activity the procedure, or a procedure it started
// (its settlement, a cheque's tracking), is carrying out now.
type RunningStep struct {
	Activity    string    `json:"activity"`            // the activity type, e.g. RefundThroughGateway
	Procedure   string    `json:"procedure,omitempty"` // the child procedure that runs it; "" for the procedure itself
	Attempt     int32     `json:"attempt"`             // 1 on the first try
	MaxAttempts int32     `json:"max_attempts,omitempty"`
	LastFailure string    `json:"last_failure,omitempty"` // the last attempt's error message
	NextAttempt time.Time `json:"next_attempt,omitzero"`  // when Temporal tries again (zero: running now)
	Started     time.Time `json:"started,omitzero"`
}

// Retrying reports whether the step failed at least once and waits for its
// next attempt.
func (r RunningStep) Retrying() bool { return r.Attempt > 1 || r.LastFailure != "" }

// ErrNoProcedure is returned when no procedure has the workflow id; it is
// ErrNotFound.
var ErrNoProcedure error = &notFound{msg: "no procedure with this id"}

// Progress reads a procedure's live progress. A procedure that does not
// exist is ErrNoProcedure. The status query failing (no worker running)
// is not an error: Progress then carries what Temporal itself knows.
func (s *Starter) Progress(ctx context.Context, workflowID string) (Progress, error) {
	p := Progress{WorkflowID: workflowID, Now: time.Now()}
	d, err := s.c.DescribeWorkflowExecution(ctx, workflowID, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return p, fmt.Errorf("progress of %s: %w", workflowID, ErrNoProcedure)
	}
	if err != nil {
		return p, fmt.Errorf("progress of %s: %w", workflowID, err)
	}
	info := d.GetWorkflowExecutionInfo()
	p.Type = info.GetType().GetName()
	p.Status = statusName(info.GetStatus())
	p.StartTime = info.GetStartTime().AsTime()
	if info.GetCloseTime() != nil {
		p.CloseTime = info.GetCloseTime().AsTime()
	}
	p.Running = s.running(ctx, d, "", 0)
	// A short query: the page polls, and a missing worker must not hold it.
	qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	st, err := s.Status(qctx, workflowID)
	if err != nil {
		p.StateErr = err.Error()
	} else {
		p.State = st
	}
	return p, nil
}

// childDepth bounds how deep running reads the procedures a procedure
// started: a procedure, its settlement, and what the settlement started.
const childDepth = 2

// running lists the activities a procedure runs now, then those of the
// procedures it started and waits on: a card refund retrying in the
// settlement shows on the page of the procedure that asked for it. A child
// that cannot be read is left out (the page polls again).
func (s *Starter) running(ctx context.Context, d *workflowservice.DescribeWorkflowExecutionResponse, procedure string, depth int) []RunningStep {
	var out []RunningStep
	for _, a := range d.GetPendingActivities() {
		r := RunningStep{
			Activity:    a.GetActivityType().GetName(),
			Procedure:   procedure,
			Attempt:     a.GetAttempt(),
			MaxAttempts: a.GetMaximumAttempts(),
			LastFailure: s.failureText(a.GetLastFailure()),
		}
		if t := a.GetNextAttemptScheduleTime(); t != nil && a.GetState() == enumspb.PENDING_ACTIVITY_STATE_SCHEDULED {
			r.NextAttempt = t.AsTime()
		}
		if t := a.GetLastStartedTime(); t != nil {
			r.Started = t.AsTime()
		}
		out = append(out, r)
	}
	if depth >= childDepth {
		return out
	}
	for _, ch := range d.GetPendingChildren() {
		cd, err := s.c.DescribeWorkflowExecution(ctx, ch.GetWorkflowId(), ch.GetRunId())
		if err != nil {
			continue
		}
		out = append(out, s.running(ctx, cd, ch.GetWorkflowTypeName(), depth+1)...)
	}
	return out
}

// failureText is the message of an activity's last failure, decrypted
// when the payload codec encrypted it ("" for none).
func (s *Starter) failureText(f *failurepb.Failure) string {
	if f == nil {
		return ""
	}
	var app *temporal.ApplicationError
	err := s.opt.FailureConverter.FailureToError(f)
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}
