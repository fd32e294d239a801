package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"

	"github.com/orderdesk/orderdesk/locale"
)

const reconcileSynopsis = `reconcile [--days 3 | --since 2026-03-01] [--grace 1h] [--wait 10m]
       orderdesk reconcile --schedule [--at 03:30]

Compares, for each payment provider that can list its refunds and payouts
with their idempotency keys (the sandbox; Stripe for refunds; not Plaid,
which is reported as not checked), what the provider holds with the refunds
orderdesk recorded. Each disagreement opens an agent task (kind
reconcile_mismatch, listed by orderdesk tasks) naming the order, the key and
both amounts, with a line in the order's history: money the provider sent
that orderdesk did not record, a refund recorded as done that the provider
does not hold, different amounts, a refund recorded as failed that the
provider made, a refund still awaited that the provider settled. A task is
opened once: running reconcile again opens no second one.

The run is the Temporal workflow "reconcile", carried out by the worker;
this command starts it and prints its summary. It exits with status 1 when
it found a mismatch or could not check a provider (API key refused).

With --schedule it creates the Temporal schedule "reconcile-daily", which
runs the same reconciliation every night at --at (Paris time) over the last
three days, and exits. Run it again to change the hour: it updates the
schedule rather than making a second one (a paused schedule stays paused).

Flags:`

// cmdReconcile is `reconcile`: compare the providers' refunds and payouts
// with orderdesk's now, or every night with --schedule.
func cmdReconcile(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("reconcile", reconcileSynopsis)
	days := fs.Int("days", 3, "look back this many days")
	since := fs.String("since", "", "look back to this day (YYYY-MM-DD, Paris time) or time (RFC 3339) instead of --days")
	grace := fs.Duration("grace", workflows.DefaultReconcileGrace, "leave alone a refund still pending this recently changed, whose provider settled it (its procedure is about to record it)")
	wait := fs.Duration("wait", 10*time.Minute, "how long to wait for the result (0: start it and return)")
	schedule := fs.Bool("schedule", false, `create or update the nightly schedule "reconcile-daily", then exit`)
	at := fs.String("at", fmt.Sprintf("%02d:%02d", defaultReconcileHour, defaultReconcileMinute), "with --schedule: the time of the nightly run, HH:MM, Paris time (a worker creates the schedule at this hour the first time it starts)")
	rid := requestIDFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *schedule {
		hour, minute, err := parseClock(*at)
		if err != nil {
			return err
		}
		tc, err := dialTemporal(ctx, cfg)
		if err != nil {
			return err
		}
		defer tc.Close()
		created, err := workflows.EnsureReconcileSchedule(ctx, tc, workflows.ReconcileSchedule(hour, minute, workflows.TaskQueue))
		if err != nil {
			return err
		}
		verb := "updated"
		if created {
			verb = "created"
		}
		fmt.Printf("schedule %s %s: reconcile every night at %02d:%02d (%s), over the last %s\n",
			workflows.ReconcileScheduleID, verb, hour, minute, workflows.ReconcileTimeZone, workflows.DefaultReconcileWindow)
		return nil
	}
	in := workflows.ReconcileInput{Grace: *grace}
	switch {
	case *since != "":
		t, err := parseSince(*since)
		if err != nil {
			return err
		}
		in.Since = t
	case *days <= 0:
		return order.Refuse("days", "refusal.days_below_one", locale.Count(*days))
	default:
		in.Window = time.Duration(*days) * 24 * time.Hour
	}
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		return err
	}
	defer tc.Close()
	id := workflows.ProcReconcile + "/" + rid.Value()
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrOrderProcedure.ValueSet(workflows.ProcReconcile)),
	}, workflows.ProcReconcile, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case errors.As(err, &started):
		run = tc.GetWorkflow(ctx, id, "")
		fmt.Printf("already started by this request id: %s\n", id)
	case err != nil:
		return fmt.Errorf("start the reconciliation: %w", err)
	default:
		fmt.Printf("started %s\n", id)
	}
	fmt.Printf("  Temporal Web UI: %s\n", temporalLink(cfg, id))
	if *wait <= 0 {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, *wait)
	defer cancel()
	var report activities.ReconcileReport
	if err := run.Get(wctx, &report); err != nil {
		if errors.Is(wctx.Err(), context.DeadlineExceeded) {
			fmt.Println("still running; its result will be in the Temporal Web UI, its tasks in orderdesk tasks")
			return nil
		}
		return fmt.Errorf("reconciliation %s failed: %w", id, err)
	}
	if n := printReconcile(os.Stdout, report); n > 0 {
		return fmt.Errorf("the reconciliation found %d problem(s): see the tasks above (orderdesk tasks)", n)
	}
	return nil
}

// printReconcile writes a run's summary for the terminal: each provider,
// each mismatch with its task, then one line ("8 refunds and 1 payout
// checked, 1 mismatch: task #12"). It returns the number of problems: the
// mismatches and the providers it could not check for a reason an operator
// must fix.
func printReconcile(w io.Writer, r activities.ReconcileReport) int {
	refunds, payouts, problems := 0, 0, len(r.Mismatches)
	if len(r.Gateways) == 0 {
		fmt.Fprintln(w, "no payment provider configured: nothing to reconcile")
	}
	for _, g := range r.Gateways {
		head := fmt.Sprintf("%s (%s)", g.Gateway, strings.Join(g.Methods, ", "))
		switch {
		case g.Failed:
			problems++
			fmt.Fprintf(w, "%s: NOT CHECKED: %s\n", head, g.Skipped)
		case g.Skipped != "":
			fmt.Fprintf(w, "%s: not checked: %s\n", head, g.Skipped)
		default:
			fmt.Fprintf(w, "%s: %s and %s checked\n", head, plural(g.Refunds, "refund"), plural(g.Payouts, "payout"))
		}
		if len(g.Outside) > 0 {
			fmt.Fprintf(w, "  made outside orderdesk, not judged: %s\n", strings.Join(g.Outside, ", "))
		}
		refunds += g.Refunds
		payouts += g.Payouts
	}
	var tasks []string
	if len(r.Mismatches) > 0 {
		fmt.Fprintln(w)
	}
	for _, m := range r.Mismatches {
		switch {
		case m.TaskID == 0:
			fmt.Fprintf(w, "no task (no order found)  %s\n  %s\n", m.Kind, m.Question)
			tasks = append(tasks, "no task for "+m.Key)
		case m.NewTask:
			fmt.Fprintf(w, "task #%d  %s  %s\n  %s\n", m.TaskID, m.OrderNumber, m.Kind, m.Question)
			tasks = append(tasks, fmt.Sprintf("task #%d", m.TaskID))
		default:
			fmt.Fprintf(w, "task #%d (opened by an earlier run)  %s  %s\n  %s\n", m.TaskID, m.OrderNumber, m.Kind, m.Question)
			tasks = append(tasks, fmt.Sprintf("task #%d (already open)", m.TaskID))
		}
	}
	line := fmt.Sprintf("\n%s", plural(refunds, "refund"))
	if payouts > 0 {
		line += " and " + plural(payouts, "payout")
	}
	line += " checked, " + plural(len(r.Mismatches), "mismatch")
	if len(tasks) > 0 {
		line += ": " + strings.Join(tasks, ", ")
	}
	fmt.Fprintln(w, line)
	return problems
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "ch") {
		return strconv.Itoa(n) + " " + noun + "es"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// parseClock reads --at, HH:MM.
func parseClock(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, 0, order.Refuse("at", "refusal.time_unreadable", locale.Text(s))
	}
	return t.Hour(), t.Minute(), nil
}

// parseSince reads --since: a day (midnight, Paris time) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	loc, err := time.LoadLocation(workflows.ReconcileTimeZone)
	if err != nil {
		loc = time.Local
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, order.Refuse("since", "refusal.since_unreadable", locale.Text(s))
	}
	if t.After(time.Now()) {
		return time.Time{}, order.Refuse("since", "refusal.since_future", locale.Text(s))
	}
	return t, nil
}

// ensureNightlyReconcile creates the nightly reconciliation schedule the
// first time a worker starts, at its default hour; an existing schedule
// (whose hour an operator may have changed with --schedule --at, or which
// they paused) is left as it is.
func ensureNightlyReconcile(ctx context.Context, tc client.Client, queue string, log *slog.Logger) error {
	opts := workflows.ReconcileSchedule(defaultReconcileHour, defaultReconcileMinute, queue)
	_, err := tc.ScheduleClient().Create(ctx, opts)
	switch {
	case errors.Is(err, temporal.ErrScheduleAlreadyRunning):
		return nil
	case err != nil:
		return fmt.Errorf("create the nightly reconciliation schedule %s: %w", opts.ID, err)
	}
	log.Info("nightly reconciliation scheduled", "schedule", opts.ID, "at", fmt.Sprintf("%02d:%02d", defaultReconcileHour, defaultReconcileMinute), "zone", workflows.ReconcileTimeZone)
	return nil
}

// The nightly reconciliation's default time, Paris time.
const defaultReconcileHour, defaultReconcileMinute = 3, 30
