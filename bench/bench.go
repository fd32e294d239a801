// Package bench is orderdesk's benchmark, run by `make bench`. It starts a
// stack of its own (devstack's PostgreSQL and Temporal dev server in a
// throw-away directory, the sandbox card provider, and the orderdesk
// worker and agent UI in a child process), generates the orders it needs,
// and measures, printing each figure as it goes:
//
//  1. the throughput of each money procedure against an empty workflow on
//     the same server, at 10 and 50 concurrent callers;
//  2. the history events of each procedure, its children included;
//  3. the round trip of an agent's answer against a bare Update;
//  4. the order list at a million orders, through the agent UI;
//  5. the memory of the worker and agent UI process.
//
// It ends with one table, each figure next to its goal, and writes it into
// docs/benchmarks.md (below the hand-written part). See that file for what
// each figure means.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/orderdesk/orderdesk/devstack"
)

// Options are a run's sizes; DefaultOptions is the full run of make bench.
type Options struct {
	RunLength   time.Duration // length of each throughput run
	Concurrency []int         // concurrent callers of the throughput and answer measures
	Answers     int           // tasks answered (and bare Updates) at each concurrency
	Orders      int           // orders generated for the order list (about 2.5 lines each)
	Requests    int           // requests per order-list figure
	ListBudget  time.Duration // a list figure stops after this long, once it has 5 requests
	Out         string        // the Markdown file the results are written into; "": none
	Keep        bool          // keep the data directory (PostgreSQL, Temporal) afterwards
	Progress    io.Writer     // progress lines and the final table; nil: os.Stdout
	// Only runs one part ("throughput", "answers" or "list") and the
	// memory figure, for a quick comparison while working; "": all.
	Only string
}

// Parts are the parts Options.Only can name, in the order a run runs them.
var Parts = []string{"throughput", "answers", "list"}

// DefaultOptions is the full run: about 12 minutes on a 2-core machine.
func DefaultOptions() Options {
	return Options{
		RunLength:   15 * time.Second,
		Concurrency: []int{10, 50},
		Answers:     1000,
		Orders:      1_000_000,
		Requests:    30,
		ListBudget:  8 * time.Second,
		Out:         "docs/benchmarks.md",
	}
}

// FromEnv applies BENCH_SECONDS, BENCH_ORDERS, BENCH_ANSWERS and
// BENCH_REQUESTS to o, for a shorter run (BENCH_ORDERS=100000
// BENCH_SECONDS=4 make bench).
func (o Options) FromEnv(getenv func(string) string) (Options, error) {
	if v := getenv("BENCH_SECONDS"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return o, fmt.Errorf("BENCH_SECONDS=%q is not a number of seconds above 0", v)
		}
		o.RunLength = time.Duration(f * float64(time.Second))
	}
	for _, x := range []struct {
		name string
		dst  *int
	}{{"BENCH_ORDERS", &o.Orders}, {"BENCH_ANSWERS", &o.Answers}, {"BENCH_REQUESTS", &o.Requests}} {
		if v := getenv(x.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return o, fmt.Errorf("%s=%q is not a whole number above 0", x.name, v)
			}
			*x.dst = n
		}
	}
	return o, nil
}

// The figures of the table, by name.

func throughputFigure(name string, conc int) string {
	return fmt.Sprintf("%s: procedures/s at %d", name, conc)
}

const emptyName = "empty workflow (reference)"

func historyFigure(name string) string { return "history events: " + name }

func answerFigure(conc int) string {
	return fmt.Sprintf("agent answer at %d agents: p50 / p95 / p99", conc)
}

func bareFigure(conc int) string {
	return fmt.Sprintf("bare Update at %d (reference): p50 / p95 / p99", conc)
}

const generatedFigure = "order list: orders generated with COPY"

func listFigureName(name string) string { return "GET /orders, " + name + ": p95" }

const rssFigure = "memory of the worker + agent UI process: peak RSS"

// Figures are the names of every row a run's table has.
func Figures(o Options) []string {
	var out []string
	for _, c := range o.Concurrency {
		out = append(out, throughputFigure(emptyName, c))
		for _, p := range procedures {
			out = append(out, throughputFigure(p.name, c))
		}
	}
	for _, p := range procedures {
		out = append(out, historyFigure(p.name))
	}
	for _, c := range o.Concurrency {
		out = append(out, answerFigure(c), bareFigure(c))
	}
	out = append(out, generatedFigure)
	for _, f := range listFigures(nil, listSample{}) {
		out = append(out, listFigureName(f.name))
	}
	return append(out, rssFigure)
}

// Run starts the stack, measures everything, prints the table, writes it
// into o.Out and stops the stack. A figure that fails is an "error" row;
// the error returned is for what stops the run (the stack did not start).
func Run(ctx context.Context, o Options) (*Report, error) {
	out := o.Progress
	if out == nil {
		out = os.Stdout
	}
	began := time.Now()
	say := func(format string, args ...any) {
		el := time.Since(began).Round(time.Second)
		fmt.Fprintf(out, "[%02d:%02d] %s\n", int(el.Minutes()), int(el.Seconds())%60, fmt.Sprintf(format, args...))
	}
	root, err := devstack.ModuleRoot(".")
	if err != nil {
		return nil, err
	}
	rep := &Report{Started: began, Machine: machine(), LoadStart: loadAverage(), Commit: commit(root), Options: o}
	say("orderdesk benchmark, %s", began.Format("2006-01-02 15:04:05 MST"))
	say("machine: %s; load average %s", rep.Machine, rep.LoadStart)

	s, err := startStack(ctx, root, say)
	if err != nil {
		return nil, err
	}
	defer func() {
		say("stopping the stack")
		s.stop(o.Keep)
		if o.Keep {
			say("data kept in %s", s.dir)
		}
	}()
	say("stack ready: Temporal %s, PostgreSQL %s, agent UI %s", s.dev.TemporalAddress, s.dev.DatabaseURL, s.webURL)

	var (
		ids     idRanges
		numbers orderNumbers
	)
	phases := []func(){
		func() {
			samples := throughput(ctx, s, o, rep, &ids, &numbers, say)
			histories(ctx, s, rep, samples, say)
		},
		func() { answers(ctx, s, o, rep, &ids, &numbers, say) },
		func() { orderList(ctx, s, o, rep, say) },
	}
	for i, phase := range phases {
		if o.Only != "" && o.Only != Parts[i] {
			continue
		}
		phase()
		if ctx.Err() != nil {
			return rep, errors.New("interrupted before the end: no table, nothing written")
		}
	}

	say("5. memory")
	if peak, now, err := memory(s.child.Process.Pid); err != nil {
		rep.failed(rssFigure, "< 150 MiB", err)
	} else {
		say("worker + agent UI process: peak RSS %s, now %s", mib(peak), mib(now))
		rep.add(rssFigure, fmt.Sprintf("%s (now %s)", mib(peak), mib(now)), "< 150 MiB", peak < 150<<20)
	}

	rep.Finished, rep.LoadEnd = time.Now(), loadAverage()
	say("load average %s", rep.LoadEnd)
	fmt.Fprintf(out, "\n%s\n%s", rep.Header(), rep.Table())
	if o.Out != "" {
		if err := rep.writeDoc(o.Out); err != nil {
			return rep, err
		}
		say("written into %s", o.Out)
	}
	return rep, nil
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// throughput is measure 1: each procedure against the empty workflow, in
// pairs (the empty run just before the procedure's), at each concurrency.
// It returns a workflow id of each procedure, for the history counts.
func throughput(ctx context.Context, s *stack, o Options, rep *Report, ids *idRanges, numbers *orderNumbers, say func(string, ...any)) map[string]string {
	samples := map[string]string{}
	say("1. throughput: closed loops of %s, each procedure after an empty-workflow run", o.RunLength)
	say("warming up...")
	runEmpty(ctx, s, 10, 2*time.Second, "warm-up")
	for _, p := range procedures {
		orders, err := freshOrders(ctx, s, ids, numbers, 10, p.shape)
		if err == nil {
			r := runProcedure(ctx, s, p, orders, 10, time.Minute)
			err = r.firstErr
		}
		if err != nil {
			say("warm-up of %s: %v", p.name, err)
		}
	}
	for _, c := range o.Concurrency {
		// Empty, procedure, empty, procedure... empty: each procedure is
		// compared with the mean of the empty runs on either side of it,
		// so that a change of pace of the machine counts for both.
		empties := make([]loadRun, 0, len(procedures)+1)
		empty := func() loadRun {
			e := runEmpty(ctx, s, c, o.RunLength, fmt.Sprintf("empty-%d-%d", c, time.Now().UnixNano()))
			line := describeRun("empty workflow", c, e)
			say("%s", line)
			rep.Details = append(rep.Details, line)
			empties = append(empties, e)
			return e
		}
		procs := make([]loadRun, len(procedures))
		errs := make([]error, len(procedures))
		for i, p := range procedures {
			if errs[i] = s.childAlive(); errs[i] != nil {
				continue
			}
			e := empty()
			// The procedure is no faster than the empty workflow: that
			// many fresh orders last the run.
			need := int(e.rate()*o.RunLength.Seconds()*1.2) + 2*c
			orders, err := freshOrders(ctx, s, ids, numbers, need, p.shape)
			if err != nil {
				errs[i] = err
				continue
			}
			r := runProcedure(ctx, s, p, orders, c, o.RunLength)
			line := describeRun(p.name, c, r)
			say("%s", line)
			rep.Details = append(rep.Details, line)
			if r.sample != "" && samples[p.name] == "" {
				samples[p.name] = r.sample
			}
			procs[i] = r
		}
		if s.childAlive() == nil {
			empty()
		}

		if len(empties) == 0 {
			rep.failed(throughputFigure(emptyName, c), "", errNoRun)
		} else {
			lo, hi, sum := empties[0].rate(), 0.0, 0.0
			for _, e := range empties {
				lo, hi, sum = min(lo, e.rate()), max(hi, e.rate()), sum+e.rate()
			}
			rep.add(throughputFigure(emptyName, c), fmt.Sprintf("%.1f/s (%d runs, %.0f–%.0f)", sum/float64(len(empties)), len(empties), lo, hi), "", true)
		}
		for i, p := range procedures {
			goal := ""
			if i == 0 {
				goal = "≥ 0.5× empty"
			}
			r := procs[i]
			switch {
			case errs[i] != nil:
				rep.failed(throughputFigure(p.name, c), goal, errs[i])
			case r.done == 0:
				rep.failed(throughputFigure(p.name, c), goal, fmt.Errorf("%w: %v", errNoRun, r.firstErr))
			default:
				// The empty runs just before and just after this one.
				ref := empties[i].rate()
				if i+1 < len(empties) {
					ref = (ref + empties[i+1].rate()) / 2
				}
				ratio := r.rate() / ref
				m := fmt.Sprintf("%.1f/s = %.2f× empty (%.1f/s)", r.rate(), ratio, ref)
				if r.failed > 0 {
					m += fmt.Sprintf(", %d FAILED", r.failed)
				}
				rep.add(throughputFigure(p.name, c), m, goal, ratio >= 0.5 && r.failed == 0)
			}
		}
	}
	return samples
}

// histories is measure 2: the events of one run of each procedure.
func histories(ctx context.Context, s *stack, rep *Report, samples map[string]string, say func(string, ...any)) {
	say("2. history events per procedure, children included")
	for _, p := range procedures {
		id := samples[p.name]
		if id == "" {
			rep.failed(historyFigure(p.name), "≤ 40", errNoRun)
			continue
		}
		total, parts, err := historyEvents(ctx, s.temporal, id)
		if err != nil {
			rep.failed(historyFigure(p.name), "≤ 40", err)
			continue
		}
		say("%-46s %s", p.name, describeHistory(total, parts))
		rep.add(historyFigure(p.name), describeHistory(total, parts), "≤ 40", total <= 40)
	}
}

// answers is measure 3: an agent's answer against a bare Update.
func answers(ctx context.Context, s *stack, o Options, rep *Report, ids *idRanges, numbers *orderNumbers, say func(string, ...any)) {
	say("3. agent answers: %d tasks answered at each concurrency, against as many bare Updates", o.Answers)
	for _, c := range o.Concurrency {
		waitQuiet(s, say)
		r := measureAnswers(ctx, s, ids, numbers, c, o.Answers, say)
		if r.err == nil {
			rep.Details = append(rep.Details, fmt.Sprintf("%-46s at %2d: p50/p95/p99 %s; bare Update %s\n      its workflow task waiting for the worker: %s; the bare Update's: %s\n      its workflow task in the worker: %s; the bare Update's: %s",
				"agent answer", c, r.answers, r.bare, r.answerWait, r.bareWait, r.answerWork, r.bareWork))
		}
		goal := "p99 ≤ 1.5× bare"
		if c == 10 {
			goal += " and < 200 ms"
		}
		if r.err != nil {
			rep.failed(answerFigure(c), goal, r.err)
			if len(r.bare) > 0 {
				rep.add(bareFigure(c), r.bare.String(), "", true)
			} else {
				rep.failed(bareFigure(c), "", r.err)
			}
			continue
		}
		ratio := float64(r.answers.pct(99)) / float64(r.bare.pct(99))
		ok := ratio <= 1.5 && (c != 10 || r.answers.pct(99) < 200*time.Millisecond)
		rep.add(answerFigure(c), fmt.Sprintf("%s (p99 %.1f× bare)", r.answers, ratio), goal, ok)
		rep.add(bareFigure(c), r.bare.String(), "", true)
	}
}

// waitQuiet waits, up to quietPatience, until the stack has digested
// what the previous measure left it (the Temporal server closes the
// workflows of a throughput run for a while after it ends): until the
// stack uses less than quietCores over a second. It says how long it
// waited.
func waitQuiet(s *stack, say func(string, ...any)) {
	began := time.Now()
	for {
		from := sampleCPU(s.cpu)
		time.Sleep(time.Second)
		to := sampleCPU(s.cpu)
		used := 0.0
		for _, g := range s.cpu {
			if g.name == "bench" {
				continue
			}
			if secs, ok := spent(from, to, g.name); ok {
				used += secs / to.at.Sub(from.at).Seconds()
			}
		}
		waited := time.Since(began)
		if used < quietCores {
			if waited > 2*time.Second {
				say("the stack is quiet after %.0f s", waited.Seconds())
			}
			return
		}
		if waited > quietPatience {
			say("the stack still uses %.2f cores after %.0f s: measuring anyway", used, waited.Seconds())
			return
		}
	}
}

// The stack is quiet under quietCores; waitQuiet waits for it up to
// quietPatience.
const (
	quietCores    = 0.15
	quietPatience = 90 * time.Second
)

// orderList is measure 4: the list at o.Orders orders, through the UI.
func orderList(ctx context.Context, s *stack, o Options, rep *Report, say func(string, ...any)) {
	say("4. the order list: generating %d orders with COPY", o.Orders)
	sample, took, err := loadShop(ctx, s, o.Orders, say)
	if err != nil {
		rep.failed(generatedFigure, "", err)
		for _, f := range listFigures(nil, listSample{}) {
			rep.failed(listFigureName(f.name), "< 50 ms", fmt.Errorf("no orders: %w", err))
		}
		return
	}
	rep.add(generatedFigure, fmt.Sprintf("%d orders in %s", o.Orders, took.Round(time.Second)), "", true)
	b, err := signIn(ctx, s)
	if err != nil {
		for _, f := range listFigures(nil, listSample{}) {
			rep.failed(listFigureName(f.name), "< 50 ms", err)
		}
		return
	}
	say("signed in; %d requests per figure, one after the other", o.Requests)
	before := sampleCPU(s.cpu)
	results := measureList(ctx, b, sample, o.Requests, o.ListBudget, say)
	line := "order list requests: cores used " + cpuShare(s.cpu, before, sampleCPU(s.cpu))
	say("%s", line)
	rep.Details = append(rep.Details, line)
	for _, r := range results {
		if r.err != nil {
			rep.failed(listFigureName(r.name), "< 50 ms", r.err)
			continue
		}
		p95 := r.lat.pct(95)
		rep.add(listFigureName(r.name), fmt.Sprintf("%s ms (n=%d, p50 %s)", ms(p95), r.n, ms(r.lat.pct(50))), "< 50 ms", p95 < 50*time.Millisecond)
	}
}
