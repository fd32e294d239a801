package bench

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// latencies are the round trips of one measure, sorted.
type latencies []time.Duration

// pct is the p-th percentile (nearest rank).
func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(l)))) - 1
	return l[min(max(i, 0), len(l)-1)]
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// p50/95/99 as "12 / 30 / 45 ms".
func (l latencies) String() string {
	return fmt.Sprintf("%s / %s / %s ms", ms(l.pct(50)), ms(l.pct(95)), ms(l.pct(99)))
}

// answerRun is what the answers measure at one concurrency found.
type answerRun struct {
	answers, bare latencies
	// How long the workflow task that took each Update waited between
	// being scheduled and a worker starting it.
	answerWait, bareWait latencies
	// How long the worker took with that workflow task, from its start to
	// its completion: the Update's handler and the steps it led to.
	answerWork, bareWork latencies
	err                  error
}

// answerRound is how many procedures wait for their agent at once in a
// measure of answers: a measure of more answers runs several rounds, one
// after the other, and pools their round trips. The worker keeps every
// waiting procedure in its cache; a thousand waiting at once would measure
// its memory with a thousand tasks open, not a shop's day.
const answerRound = 200

// measureAnswers measures, at conc concurrent agents, the round trip of
// answering n refund-by-hand tasks (the starter's AnswerTask on
// modify-content procedures whose refund, PayPal's, is done by hand), and
// of n bare Updates (a workflow whose update handler returns at once) on
// the same server, the bare ones first, in rounds of at most answerRound.
// It also says the CPU time each part of the stack spent per Update.
func measureAnswers(ctx context.Context, s *stack, ids *idRanges, numbers *orderNumbers, conc, n int, say func(string, ...any)) answerRun {
	var r answerRun
	bareCPU, answerCPU := cpuTotal{}, cpuTotal{}
	for done := 0; done < n && r.err == nil; {
		k := min(answerRound, n-done)
		answerRoundOf(ctx, s, ids, numbers, conc, k, &r, bareCPU, answerCPU, say)
		done += k
	}
	for _, l := range []*latencies{&r.answers, &r.bare, &r.answerWait, &r.bareWait, &r.answerWork, &r.bareWork} {
		slices.Sort(*l)
	}
	if r.err != nil {
		return r
	}
	say("%-46s at %2d: p50/p95/p99 %s (%d Updates)", "bare Update", conc, r.bare, len(r.bare))
	say("%-46s at %2d: %s", "  CPU per bare Update", conc, bareCPU.perJob(s.cpu, len(r.bare)))
	say("%-46s at %2d: p50/p95/p99 %s (%d answers)", "agent answer (refund done by hand)", conc, r.answers, len(r.answers))
	say("%-46s at %2d: %s", "  CPU per answer", conc, answerCPU.perJob(s.cpu, len(r.answers)))
	say("%-46s at %2d: p50/p95/p99 %s for the answer, %s for the bare Update", "  its workflow task waiting for the worker", conc, r.answerWait, r.bareWait)
	say("%-46s at %2d: p50/p95/p99 %s for the answer, %s for the bare Update", "  its workflow task in the worker", conc, r.answerWork, r.bareWork)
	return r
}

// cpuTotal is the CPU seconds each group of the stack spent over several
// spans (cpuSample pairs).
type cpuTotal map[string]float64

func (t cpuTotal) add(from, to cpuSample) {
	for name := range to.secs {
		if secs, ok := spent(from, to, name); ok {
			t[name] += secs
		}
	}
}

// perJob is cpuPerJob of the spans added.
func (t cpuTotal) perJob(groups []cpuGroup, jobs int) string {
	to := cpuSample{secs: map[string]float64{}}
	from := cpuSample{secs: map[string]float64{}}
	for name, secs := range t {
		from.secs[name], to.secs[name] = 0, secs
	}
	return cpuPerJob(groups, from, to, jobs)
}

// answerRoundOf is one round of measureAnswers: n procedures waiting for
// their agent and n bare workflows; it adds their round trips to r and
// their CPU time to bareCPU and answerCPU.
func answerRoundOf(ctx context.Context, s *stack, ids *idRanges, numbers *orderNumbers, conc, n int, r *answerRun, bareCPU, answerCPU cpuTotal, say func(string, ...any)) {
	orders, err := freshOrders(ctx, s, ids, numbers, n, func(number string) genOrder {
		return twoMugsAndATShirt(number, order.PayPayPal, "PAYID-"+number)
	})
	if err != nil {
		r.err = err
		return
	}
	byOrder := map[int64]bool{}
	for _, o := range orders {
		byOrder[o.ID] = true
	}
	// The procedures, started ten at a time, each stop at its task.
	began := time.Now()
	runs := make([]string, n)
	if err := parallel(ctx, 10, n, func(ctx context.Context, i int) error {
		run, err := s.starter.ModifyContent(ctx, removeOneMug(orders[i], s.agents[i%len(s.agents)]))
		runs[i] = run.WorkflowID
		return err
	}); err != nil {
		r.err = fmt.Errorf("starting the procedures to answer: %w", err)
		return
	}
	started := time.Since(began)
	var (
		tasks   []int64
		waiting []string // the workflow each task's answer goes to
	)
	deadline := time.Now().Add(2*time.Minute + time.Duration(n)*50*time.Millisecond)
	told := false
	for {
		open, err := s.store.ListOpenTasks(ctx)
		if err != nil {
			r.err = err
			return
		}
		tasks, waiting = tasks[:0], waiting[:0]
		for _, t := range open {
			if byOrder[t.OrderID] && t.Kind == workflows.TaskRefundByHand {
				tasks = append(tasks, t.ID)
				waiting = append(waiting, t.WorkflowID)
			}
		}
		if len(tasks) == n {
			break
		}
		if time.Now().After(deadline) {
			r.err = fmt.Errorf("%d of %d procedures asked for their refund by hand in time", len(tasks), n)
			return
		}
		if err := s.childAlive(); err != nil {
			r.err = err
			return
		}
		if !told && time.Since(began) > 15*time.Second {
			told = true
			say("%d of %d procedures wait for their agent after %.0f s; the others: %s", len(tasks), n, time.Since(began).Seconds(), lastSteps(ctx, s, runs, waiting, 3))
		}
		time.Sleep(250 * time.Millisecond)
	}
	say("%d modify-content procedures, PayPal refunded by hand, wait for an agent (started in %.0f s, all waiting after %.0f s)", n, started.Seconds(), time.Since(began).Seconds())

	// The bare workflows, each waiting for its Update (the query makes
	// sure each has run its first task).
	tag := fmt.Sprintf("bare-%d-%d", conc, time.Now().UnixNano())
	if err := parallel(ctx, 10, n, func(ctx context.Context, i int) error {
		id := fmt.Sprintf("%s-%d", tag, i)
		if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: trivialQueue}, bareWorkflow); err != nil {
			return err
		}
		_, err := s.temporal.QueryWorkflow(ctx, id, "", bareReadyQuery)
		return err
	}); err != nil {
		r.err = fmt.Errorf("starting the bare workflows: %w", err)
		return
	}
	// The task rows are written a moment before the procedures wait.
	time.Sleep(time.Second)

	cpuFrom := sampleCPU(s.cpu)
	bare, err := timed(ctx, conc, n, func(ctx context.Context, i, _ int) error {
		h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: fmt.Sprintf("%s-%d", tag, i), UpdateName: bareUpdate, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			return err
		}
		return h.Get(ctx, nil)
	})
	bareCPU.add(cpuFrom, sampleCPU(s.cpu))
	r.bare = append(r.bare, bare...)
	if err != nil {
		r.err = fmt.Errorf("bare Update: %w", err)
		return
	}
	bareIDs := make([]string, n)
	for i := range bareIDs {
		bareIDs[i] = fmt.Sprintf("%s-%d", tag, i)
	}
	waits, works := updateTaskTimes(ctx, s, bareIDs)
	r.bareWait, r.bareWork = append(r.bareWait, waits...), append(r.bareWork, works...)

	cpuFrom = sampleCPU(s.cpu)
	answered, err := timed(ctx, conc, n, func(ctx context.Context, i, g int) error {
		return s.starter.AnswerTask(ctx, workflows.TaskAnswer{
			TaskID: tasks[i], Outcome: workflows.AnswerRefundDone, ProviderRef: fmt.Sprintf("PP-%d", tasks[i]), Agent: s.agents[g%len(s.agents)],
		})
	})
	answerCPU.add(cpuFrom, sampleCPU(s.cpu))
	if err != nil {
		r.err = fmt.Errorf("answering: %w", err)
		return
	}
	r.answers = append(r.answers, answered...)
	say("%-46s at %2d: p50/p95/p99 %s (%d answers), bare Update %s", "  a round of answers", conc, answered, n, bare)
	waits, works = updateTaskTimes(ctx, s, waiting)
	r.answerWait, r.answerWork = append(r.answerWait, waits...), append(r.answerWork, works...)

	// The procedures end; the next measure starts on a quiet stack.
	if err := parallel(ctx, 10, n, func(ctx context.Context, i int) error {
		_, err := finish(ctx, s, runs[i], activities.OutcomeRefunded)
		return err
	}); err != nil {
		r.err = fmt.Errorf("after the answer: %w", err)
	}
}

// lastSteps names up to max of the runs that are not in waiting, each with
// the last events of its history: where a procedure that is late to ask
// its question stands.
func lastSteps(ctx context.Context, s *stack, runs, waiting []string, limit int) string {
	var out []string
	for _, id := range runs {
		if slices.Contains(waiting, id) {
			continue
		}
		var last []string
		it := s.temporal.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				break
			}
			last = append(last, fmt.Sprintf("%s at %s", strings.TrimPrefix(ev.GetEventType().String(), "EVENT_TYPE_"), ev.GetEventTime().AsTime().Format("15:04:05.000")))
		}
		out = append(out, id+" ("+strings.Join(last[max(len(last)-4, 0):], ", ")+")")
		if len(out) == limit {
			break
		}
	}
	return strings.Join(out, "; ")
}

// timed runs n calls on conc goroutines (goroutine g takes the next call
// i) and returns their durations, sorted; the first error stops it.
func timed(ctx context.Context, conc, n int, f func(ctx context.Context, i, g int) error) (latencies, error) {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		out   = make(latencies, 0, n)
		first error
		wg    sync.WaitGroup
	)
	for g := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				octx, cancel := context.WithTimeout(ctx, opTimeout)
				t := time.Now()
				err := f(octx, i, g)
				d := time.Since(t)
				cancel()
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				out = append(out, d)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	slices.Sort(out)
	return out, first
}

// parallel runs f(0..n-1) on conc goroutines and returns the first error.
func parallel(ctx context.Context, conc, n int, f func(ctx context.Context, i int) error) error {
	_, err := timed(ctx, conc, n, func(ctx context.Context, i, _ int) error { return f(ctx, i) })
	return err
}

// updateTaskTimes reads, in each workflow's history, how long the
// workflow task that took its first Update waited to be started by a
// worker (from its WorkflowTaskScheduled to its WorkflowTaskStarted event:
// the part of an Update's round trip spent in the task queue), and how
// long the worker took with it (to its WorkflowTaskCompleted event).
func updateTaskTimes(ctx context.Context, s *stack, ids []string) (waits, works latencies) {
	var mu sync.Mutex
	_ = parallel(ctx, 10, len(ids), func(ctx context.Context, i int) error {
		var scheduled, started, completed time.Time
		it := s.temporal.GetWorkflowHistory(ctx, ids[i], "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return nil // not counted
			}
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
				scheduled = ev.GetEventTime().AsTime()
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
				started = ev.GetEventTime().AsTime()
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				completed = ev.GetEventTime().AsTime()
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
				mu.Lock()
				waits = append(waits, max(started.Sub(scheduled), 0))
				works = append(works, max(completed.Sub(started), 0))
				mu.Unlock()
				return nil
			}
		}
		return nil
	})
	slices.Sort(waits)
	slices.Sort(works)
	return waits, works
}
