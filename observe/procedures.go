package observe

import (
	"errors"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// procedureCounter counts the procedures a worker runs: begun, completed,
// failed, cancelled, by workflow type. It is a client interceptor that is
// also a worker interceptor, so a worker built on the client counts. A
// workflow replayed from its history (after the worker's cache let it go)
// is not counted again: only code that runs for the first time counts.
type procedureCounter struct {
	interceptor.ClientInterceptorBase
	interceptor.WorkerInterceptorBase
	m *appMetrics
}

func (p *procedureCounter) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	i := &procedureInbound{m: p.m}
	i.Next = next
	return i
}

type procedureInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	m *appMetrics
}

func (i *procedureInbound) ExecuteWorkflow(ctx workflow.Context, in *interceptor.ExecuteWorkflowInput) (any, error) {
	name := workflow.GetInfo(ctx).WorkflowType.Name
	if !workflow.IsReplaying(ctx) {
		i.m.started.WithLabelValues(name).Inc()
	}
	res, err := i.Next.ExecuteWorkflow(ctx, in)
	if workflow.IsReplaying(ctx) {
		return res, err
	}
	var canceled *temporal.CanceledError
	switch {
	case err == nil:
		i.m.completed.WithLabelValues(name).Inc()
	case workflow.IsContinueAsNewError(err):
		// the procedure goes on in a new run, which counts as begun
		i.m.completed.WithLabelValues(name).Inc()
	case errors.As(err, &canceled) || errors.Is(ctx.Err(), workflow.ErrCanceled):
		i.m.canceled.WithLabelValues(name).Inc()
	default:
		i.m.failed.WithLabelValues(name).Inc()
	}
	return res, err
}
