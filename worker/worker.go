// Package worker registers orderdesk's workflows and activities on a
// Temporal worker and runs it.
package worker

import (
	"context"
	"sync"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/carrier"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// Deps are what the activities need to reach the world.
type Deps struct {
	Store    *store.Store
	Sender   mail.Sender
	Payments *payments.Registry // nil: every refund by hand
	// Carrier makes the prepaid labels of returns (the return's
	// instructions email gives it); nil: no label, as without a carrier.
	Carrier carrier.Carrier
	// Shop is the shop's identity and settings for invoices, payment
	// links and merchant notifications (collect-payment).
	Shop activities.Shop
	// Temporal is the client the activities that reach other procedures
	// use (telling a running collection that its order changed); New sets
	// it to the worker's own client when it is nil.
	Temporal client.Client
}

// Options tunes a worker; the zero value is what production wants.
type Options struct {
	// TaskQueue overrides workflows.TaskQueue (tests isolate themselves).
	TaskQueue string
	// Pollers is how many long polls the worker keeps open for each kind
	// of task (workflow tasks, activity tasks); 0: DefaultPollers. An
	// agent's answer is a workflow task: with too few pollers it waits in
	// the queue behind the work that earlier answers started.
	Pollers int
	// Activities is how many activities, and as many local activities,
	// the worker runs at once; 0: DefaultActivities.
	Activities int
	// OnFatalError, when set, is told of the error that stops the worker
	// for good (its health then says it is down).
	OnFatalError func(error)
}

// Defaults of Options, measured on a 2-core machine with make bench.
const (
	DefaultPollers    = 32
	DefaultActivities = 200
)

// Worker is a Temporal worker with every procedure and activity of
// orderdesk, and the outbox sender (activities.OutboxSender) beside it:
// Start starts both, Stop stops both.
type Worker struct {
	sdkworker.Worker
	outbox *activities.OutboxSender
	mu     sync.Mutex
	stop   context.CancelFunc
	done   chan struct{}
}

// Start starts the Temporal worker, then the outbox sender.
func (w *Worker) Start() error {
	if err := w.Worker.Start(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop == nil {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		w.stop, w.done = cancel, done
		// done, not w.done: a Stop before this goroutine runs clears w.done.
		go func() { defer close(done); w.outbox.Run(ctx) }()
	}
	return nil
}

// Run runs the worker until interrupted (sdkworker.Worker's Run).
func (w *Worker) Run(interruptCh <-chan interface{}) error {
	if err := w.Start(); err != nil {
		return err
	}
	<-interruptCh
	w.Stop()
	return nil
}

// Stop stops the outbox sender (an email being sent is left to the next
// sender after its claim's lease), then the Temporal worker.
func (w *Worker) Stop() {
	w.mu.Lock()
	stop, done := w.stop, w.done
	w.stop, w.done = nil, nil
	w.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	w.Worker.Stop()
}

// New builds a worker with every procedure and activity registered.
func New(c client.Client, d Deps, opts ...Options) *Worker {
	o := Options{TaskQueue: workflows.TaskQueue, Pollers: DefaultPollers, Activities: DefaultActivities}
	for _, x := range opts {
		if x.TaskQueue != "" {
			o.TaskQueue = x.TaskQueue
		}
		if x.Pollers > 0 {
			o.Pollers = x.Pollers
		}
		if x.Activities > 0 {
			o.Activities = x.Activities
		}
		if x.OnFatalError != nil {
			o.OnFatalError = x.OnFatalError
		}
	}
	so := SDKOptions(o.Pollers)
	so.MaxConcurrentActivityExecutionSize, so.MaxConcurrentLocalActivityExecutionSize = o.Activities, o.Activities
	so.OnFatalError = o.OnFatalError
	w := sdkworker.New(c, o.TaskQueue, so)
	if d.Temporal == nil {
		d.Temporal = c
	}
	Register(w, d)
	return &Worker{Worker: w, outbox: &activities.OutboxSender{Collect: collect(d)}}
}

// SDKOptions are the SDK's worker options for pollers long polls for
// each kind of task. Workflow tasks are polled by two sets of pollers, one
// on the task queue and one on the worker's sticky queue (the SDK's
// autoscaling behaviour, between 2 and pollers each): with one set shared
// by both (the SDK's default), a burst of work on the sticky queue can
// leave every poller waiting there, in long polls of a minute, while the
// first task of a new procedure waits on the task queue with no one to
// take it. Activity tasks have no sticky queue: pollers at most.
func SDKOptions(pollers int) sdkworker.Options {
	if pollers <= 0 {
		pollers = DefaultPollers
	}
	return sdkworker.Options{
		WorkflowTaskPollerBehavior: sdkworker.NewPollerBehaviorAutoscaling(sdkworker.PollerBehaviorAutoscalingOptions{
			InitialNumberOfPollers: pollers, MinimumNumberOfPollers: pollers, MaximumNumberOfPollers: pollers,
		}),
		MaxConcurrentActivityTaskPollers: pollers,
	}
}

// Register puts every workflow and activity of orderdesk on w.
func Register(w sdkworker.Registry, d Deps) {
	for _, p := range append(workflows.Procedures(), workflows.Jobs()...) {
		w.RegisterWorkflowWithOptions(p.Func, workflow.RegisterOptions{Name: p.Name})
	}
	w.RegisterActivity(&activities.Orders{Store: d.Store, Shop: d.Shop})
	w.RegisterActivity(&activities.Money{Store: d.Store, Gateways: d.Payments, Shop: d.Shop})
	w.RegisterActivity(&activities.Emails{Store: d.Store, Sender: d.Sender})
	w.RegisterActivity(collect(d))
	w.RegisterActivity(&activities.Reconcile{Store: d.Store, Gateways: d.Payments})
	w.RegisterActivity(&activities.Returns{Store: d.Store, Carrier: d.Carrier, Shop: d.Shop})
}

// collect is the collection's activities, which also render and attach
// documents to the emails the outbox sender delivers.
func collect(d Deps) *activities.Collect {
	return &activities.Collect{Store: d.Store, Sender: d.Sender, Shop: d.Shop, Temporal: d.Temporal}
}

// Run runs w until ctx is done, then stops it.
func Run(ctx context.Context, w sdkworker.Worker) error {
	if err := w.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	w.Stop()
	return nil
}
