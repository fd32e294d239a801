package starter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// The starter's errors are typed, so a caller acts on them with errors.As
// and errors.Is, never on their text:
//
//   - a refusal is an *order.FieldError naming the field at fault (from the
//     domain's checks, or the procedure's own validator, carried back in
//     the failure's details), or a refusal of the domain of its own type
//     (*order.NotModifiableError, order.ErrNotArchivable);
//   - what the request names and does not exist is ErrNotFound
//     (ErrNoProcedure for a workflow id; an order or a task is also a
//     refusal of the field "order" or "task");
//   - Temporal or PostgreSQL not answering is an *UnavailableError naming
//     the service and wrapping the cause: nothing was started or changed,
//     and the same request (the same request id) can be sent again;
//   - anything else is a failure to report with its detail (a procedure's
//     own failure keeps its *temporal.ApplicationError in the chain).

// Service is a service the starter depends on.
type Service string

// The services a request may wait on.
const (
	Database Service = "database" // PostgreSQL
	Temporal Service = "temporal" // the Temporal server (the procedures' engine)
)

// UnavailableError says a service did not answer in time or could not be
// reached. The request it interrupted started and changed nothing that
// the same request, sent again with its request id, would not find.
type UnavailableError struct {
	Service Service
	Err     error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%s does not answer: %v", e.Service, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable finds in err's chain the service that did not answer: an
// *UnavailableError, a store error saying PostgreSQL did not answer
// (store.Unavailable), or a Temporal client error saying the server did
// not answer (unavailable, deadline exceeded, an update that timed out).
func Unavailable(err error) (*UnavailableError, bool) {
	var ue *UnavailableError
	switch {
	case err == nil:
		return nil, false
	case errors.As(err, &ue):
		return ue, true
	case temporalUnavailable(err):
		return &UnavailableError{Service: Temporal, Err: err}, true
	case store.Unavailable(err):
		return &UnavailableError{Service: Database, Err: err}, true
	}
	return nil, false
}

// temporalUnavailable reports whether an error of the Temporal client says
// the server did not answer, by its type.
func temporalUnavailable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var (
		unavailable *serviceerror.Unavailable
		deadline    *serviceerror.DeadlineExceeded
		exhausted   *serviceerror.ResourceExhausted
		update      *client.WorkflowUpdateServiceTimeoutOrCanceledError
	)
	switch {
	case errors.As(err, &unavailable), errors.As(err, &deadline), errors.As(err, &exhausted), errors.As(err, &update):
		return true
	}
	if s, ok := status.FromError(err); ok {
		switch s.Code() {
		case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
			return true
		}
	}
	return false
}

// temporalErr types an error of a Temporal call: the server not
// answering, or the call's deadline passing, is an *UnavailableError.
func temporalErr(err error) error {
	var ue *UnavailableError
	switch {
	case err == nil, errors.As(err, &ue):
		return err
	case temporalUnavailable(err), errors.Is(err, context.DeadlineExceeded):
		return &UnavailableError{Service: Temporal, Err: err}
	}
	return err
}

// dbErr types an error of the store: PostgreSQL not answering is an
// *UnavailableError.
func dbErr(err error) error {
	var ue *UnavailableError
	if err == nil || errors.As(err, &ue) || !store.Unavailable(err) {
		return err
	}
	return &UnavailableError{Service: Database, Err: err}
}

// ErrNotFound is in the chain of every error saying that what a request
// names does not exist.
var ErrNotFound = errors.New("not found")

// notFound is an error that is ErrNotFound, with its own words and the
// cause, when there is one.
type notFound struct {
	msg string
	err error
}

func (e *notFound) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *notFound) Is(target error) bool { return target == ErrNotFound }
func (e *notFound) Unwrap() error        { return e.err }

// missing is a refusal of a field whose value names nothing that exists
// (an order, a task): an *order.FieldError that is also ErrNotFound.
type missing struct{ *order.FieldError }

func (e *missing) Unwrap() []error { return []error{e.FieldError, ErrNotFound} }

// Default deadlines of the starter's calls to Temporal.
const (
	// DefaultCallTimeout bounds a call that Temporal answers at once:
	// starting a procedure, describing, querying or listing them.
	DefaultCallTimeout = 3 * time.Second
	// DefaultUpdateTimeout bounds giving a procedure an answer or a
	// payment and waiting for it to take it (it may run a step first).
	DefaultUpdateTimeout = 20 * time.Second
)

// temporalClient is the Temporal client with a deadline on each call the
// starter makes (the caller's, when shorter) and its errors typed
// (temporalErr). Waiting for a procedure's result has no deadline of its
// own: the caller's context says how long to wait.
type temporalClient struct {
	client.Client
	call, update time.Duration
}

func (c *temporalClient) ExecuteWorkflow(ctx context.Context, options client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error) {
	ctx, cancel := context.WithTimeout(ctx, c.call)
	defer cancel()
	run, err := c.Client.ExecuteWorkflow(ctx, options, workflow, args...)
	if err != nil {
		return nil, temporalErr(err)
	}
	return workflowRun{run}, nil
}

func (c *temporalClient) GetWorkflow(ctx context.Context, workflowID, runID string) client.WorkflowRun {
	return workflowRun{c.Client.GetWorkflow(ctx, workflowID, runID)}
}

func (c *temporalClient) DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.call)
	defer cancel()
	d, err := c.Client.DescribeWorkflowExecution(ctx, workflowID, runID)
	return d, temporalErr(err)
}

func (c *temporalClient) CheckHealth(ctx context.Context, req *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.call)
	defer cancel()
	r, err := c.Client.CheckHealth(ctx, req)
	return r, temporalErr(err)
}

func (c *temporalClient) QueryWorkflow(ctx context.Context, workflowID, runID, queryType string, args ...any) (converter.EncodedValue, error) {
	ctx, cancel := context.WithTimeout(ctx, c.call)
	defer cancel()
	v, err := c.Client.QueryWorkflow(ctx, workflowID, runID, queryType, args...)
	return v, temporalErr(err)
}

func (c *temporalClient) ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.call)
	defer cancel()
	l, err := c.Client.ListWorkflow(ctx, request)
	return l, temporalErr(err)
}

// UpdateWorkflow sends an Update and, as the starter always asks, waits
// for its outcome within the update deadline; the handle's Get then
// returns that outcome without waiting.
func (c *temporalClient) UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	ctx, cancel := context.WithTimeout(ctx, c.update)
	defer cancel()
	h, err := c.Client.UpdateWorkflow(ctx, options)
	if err != nil {
		return nil, temporalErr(err)
	}
	return updateHandle{h}, nil
}

// workflowRun types the errors of waiting for a procedure's result. A
// wait that ends with the caller's context is the caller's choice, not
// Temporal failing to answer: it is returned as it is.
type workflowRun struct{ client.WorkflowRun }

func (r workflowRun) Get(ctx context.Context, valuePtr any) error {
	return waitErr(ctx, r.WorkflowRun.Get(ctx, valuePtr))
}

func (r workflowRun) GetWithOptions(ctx context.Context, valuePtr any, options client.WorkflowRunGetOptions) error {
	return waitErr(ctx, r.WorkflowRun.GetWithOptions(ctx, valuePtr, options))
}

func waitErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return err
	}
	return temporalErr(err)
}

type updateHandle struct{ client.WorkflowUpdateHandle }

func (h updateHandle) Get(ctx context.Context, valuePtr any) error {
	return temporalErr(h.WorkflowUpdateHandle.Get(ctx, valuePtr))
}
