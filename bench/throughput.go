package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// procedure is a money procedure as the benchmark drives it: the order it
// needs, and what an agent does from the start to the end of one run.
type procedure struct {
	name  string // as the table names it
	shape func(number string) genOrder
	// run starts the procedure on o, gives it what an agent would, waits
	// for its end and checks its outcome; it returns its workflow id.
	run func(ctx context.Context, s *stack, o genOrder, agent string) (string, error)
}

// outcome is the field every procedure's result has.
type outcome struct {
	Outcome string `json:"outcome"`
}

// finish waits for a procedure's end and checks its outcome.
func finish(ctx context.Context, s *stack, id, want string) (string, error) {
	var res outcome
	if err := s.starter.Result(ctx, id, &res); err != nil {
		return id, fmt.Errorf("%s: %w", id, err)
	}
	if res.Outcome != want {
		return id, fmt.Errorf("%s ended %q, not %q: the benchmark measured another path", id, res.Outcome, want)
	}
	return id, nil
}

func cardPaid(number string) genOrder {
	return twoMugsAndATShirt(number, order.PayCard, "ch_"+number)
}

// removeOneMug is the modify-content request of the headline: one mug
// less, free shipping lost, 5,60 € to refund.
func removeOneMug(o genOrder, agent string) starter.ModifyContentRequest {
	return starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "bench", Agent: agent, Role: store.RoleAgent, Channel: order.ContactPhone, Notify: true,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, RecalcShipping: true},
	}
}

// procedures are the money procedures measured, the headline first.
var procedures = []procedure{
	{
		name:  "modify-content, card refund",
		shape: cardPaid,
		run: func(ctx context.Context, s *stack, o genOrder, agent string) (string, error) {
			run, err := s.starter.ModifyContent(ctx, removeOneMug(o, agent))
			if err != nil {
				return "", err
			}
			return finish(ctx, s, run.WorkflowID, activities.OutcomeRefunded)
		},
	},
	{
		name:  "cancel-refund, card",
		shape: cardPaid,
		run: func(ctx context.Context, s *stack, o genOrder, agent string) (string, error) {
			run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
				OrderNumber: o.Number, RequestID: "bench", Agent: agent, Role: store.RoleAgent,
				Cancel: order.DefaultCancel(o.Order), RefundDefault: true, Notify: true,
			})
			if err != nil {
				return "", err
			}
			return finish(ctx, s, run.WorkflowID, activities.OutcomeRefunded)
		},
	},
	{
		name:  "edit-details, card refund",
		shape: func(number string) genOrder { return twoMugsShipped(number, order.PayCard, "ch_"+number) },
		run: func(ctx context.Context, s *stack, o genOrder, agent string) (string, error) {
			fee := int64(490) // 2 € less shipping: 2 € back on the card
			run, err := s.starter.EditDetails(ctx, starter.EditDetailsRequest{
				OrderNumber: o.Number, RequestID: "bench", Agent: agent, Role: store.RoleAgent, Channel: order.ContactPhone,
				Edit: order.DetailsEdit{ShippingFee: &fee},
			})
			if err != nil {
				return "", err
			}
			return finish(ctx, s, run.WorkflowID, activities.OutcomeRefunded)
		},
	},
	{
		name:  "collect-payment, cheque recorded by an agent",
		shape: func(number string) genOrder { return twoMugsShipped(number, order.PayCheque, "") },
		run: func(ctx context.Context, s *stack, o genOrder, agent string) (string, error) {
			run, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "bench", Agent: agent, Mode: activities.CollectManual})
			if err != nil {
				return "", err
			}
			// The agent records the cheque once the procedure awaits it,
			// then presses « Envoyer la confirmation de paiement ».
			if err := retry(ctx, func() error {
				_, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{
					OrderNumber: o.Number, RequestID: "cheque", Agent: agent, Means: order.PayCheque, Amount: o.Totals.Total, Reference: "CHQ " + o.Number,
				})
				return err
			}); err != nil {
				return run.WorkflowID, fmt.Errorf("recording the cheque of %s: %w", o.Number, err)
			}
			if err := retry(ctx, func() error { return s.collector.ConfirmPayment(ctx, o.Number, "confirm", agent) }); err != nil {
				return run.WorkflowID, fmt.Errorf("confirming the payment of %s: %w", o.Number, err)
			}
			return finish(ctx, s, run.WorkflowID, workflows.CollectPaid)
		},
	},
}

// retry calls f until it succeeds, for 30 s at most: an agent's action
// refused because the procedure has not reached the step yet. It tries
// again after 10 ms, then twice as long each time up to 200 ms, so that
// fifty impatient agents do not become the load they measure.
func retry(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(30 * time.Second)
	wait := 10 * time.Millisecond
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// loadRun is what one closed-loop run measured.
type loadRun struct {
	conc         int
	done, failed int
	elapsed      time.Duration
	busy         time.Duration // the round trips of the jobs done, added up
	firstErr     error
	sample       string // the workflow id of a run that ended well
	cpu          string // cores used by each part of the stack meanwhile
	cpuPerJob    string // CPU time each part spent per job done
	ranOut       bool   // it ran out of orders before its time
}

// rate is the jobs done per second: conc callers, each waiting for one
// job after the other, do conc jobs per mean round trip (Little's law).
// Unlike jobs done over the run's time, it does not count the run's
// start, when the first jobs are still on their way, nor its end, when
// fewer and fewer callers wait for the last ones.
func (r loadRun) rate() float64 {
	if r.done == 0 || r.busy <= 0 {
		return 0
	}
	return float64(r.conc) / (r.busy.Seconds() / float64(r.done))
}

// opTimeout bounds one procedure's run: one that waits for an agent
// nobody is would otherwise hold the run forever.
const opTimeout = 2 * time.Minute

// closedLoop runs conc goroutines for dur, each doing one job after the
// other (job i, then the next free one) and waiting for its end; jobs < 0
// is no limit. A job started before dur is waited for.
func closedLoop(ctx context.Context, s *stack, conc int, dur time.Duration, jobs int, do func(ctx context.Context, i int, agent string) (string, error)) loadRun {
	var (
		next   atomic.Int64
		mu     sync.Mutex
		r      = loadRun{conc: conc}
		wg     sync.WaitGroup
		ranOut atomic.Bool
	)
	before := sampleCPU(s.cpu)
	start := time.Now()
	for g := range conc {
		agent := s.agents[g%len(s.agents)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < dur && ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if jobs >= 0 && i >= jobs {
					ranOut.Store(true)
					return
				}
				octx, cancel := context.WithTimeout(ctx, opTimeout)
				t := time.Now()
				id, err := do(octx, i, agent)
				took := time.Since(t)
				cancel()
				mu.Lock()
				if err == nil {
					r.busy += took
				}
				if err != nil {
					r.failed++
					if r.firstErr == nil {
						r.firstErr = err
					}
				} else {
					r.done++
					if r.sample == "" {
						r.sample = id
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	after := sampleCPU(s.cpu)
	r.cpu = cpuShare(s.cpu, before, after)
	r.cpuPerJob = cpuPerJob(s.cpu, before, after, r.done+r.failed)
	r.ranOut = ranOut.Load() && r.elapsed < dur
	return r
}

// runEmpty is the closed loop of the empty workflow.
func runEmpty(ctx context.Context, s *stack, conc int, dur time.Duration, tag string) loadRun {
	return closedLoop(ctx, s, conc, dur, -1, func(ctx context.Context, i int, _ string) (string, error) {
		id := fmt.Sprintf("%s-%d", tag, i)
		run, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: trivialQueue}, emptyWorkflow)
		if err != nil {
			return "", err
		}
		return id, run.Get(ctx, nil)
	})
}

// runProcedure is the closed loop of a procedure on fresh orders.
func runProcedure(ctx context.Context, s *stack, p procedure, orders []genOrder, conc int, dur time.Duration) loadRun {
	return closedLoop(ctx, s, conc, dur, len(orders), func(ctx context.Context, i int, agent string) (string, error) {
		return p.run(ctx, s, orders[i], agent)
	})
}

// describeRun is a run's progress line.
func describeRun(name string, conc int, r loadRun) string {
	line := fmt.Sprintf("%-46s at %2d: %5d in %5.1f s = %6.1f/s", name, conc, r.done, r.elapsed.Seconds(), r.rate())
	if r.ranOut {
		line += " (ran out of orders)"
	}
	if r.failed > 0 {
		line += fmt.Sprintf(", %d FAILED (first: %v)", r.failed, r.firstErr)
	}
	return line + "\n      cores used: " + r.cpu + "\n      CPU per run: " + r.cpuPerJob
}

var errNoRun = errors.New("no run ended well")
