package workflows

// Reconcile is the reconciliation of refunds with the payment providers,
// run every night by the schedule "reconcile-daily" (orderdesk reconcile
// --schedule creates it) or at once by `orderdesk reconcile`. One step: for
// each provider that can list its refunds and payouts with their
// idempotency keys, compare them with the refunds table over a period (the
// last three days by default, so one missed night is still covered), and
// open an agent task, with a line in the order's history, for each
// disagreement: money the provider sent that orderdesk did not record, a
// refund recorded as done that the provider does not hold, different
// amounts, a refund recorded as failed that the provider made, a refund
// still awaited that the provider settled. Tasks are keyed, so the next
// night's run does not open them again. No order is held, no money moves,
// no agent is waited on.

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// ProcReconcile is the workflow type of the reconciliation, and the first
// part of its workflow ids (reconcile/<request id>).
const ProcReconcile = "reconcile"

// ReconcileScheduleID names the Temporal schedule of the nightly run.
const ReconcileScheduleID = "reconcile-daily"

// TaskReconcileMismatch is the kind of the task a disagreement opens: no
// procedure waits on its answer (see activities.TaskReconcileMismatch).
const TaskReconcileMismatch = activities.TaskReconcileMismatch

// The defaults of a run.
const (
	// DefaultReconcileWindow is how far back a run looks when it is given
	// no start: three days, so a night the run did not happen is covered
	// by the next.
	DefaultReconcileWindow = 72 * time.Hour
	// DefaultReconcileGrace leaves alone, for an hour, a refund still
	// pending whose provider settled it: its procedure is about to record it.
	DefaultReconcileGrace = time.Hour
)

// ReconcileInput is what a run compares.
type ReconcileInput struct {
	// Since is the start of the period; zero: Window before the run.
	Since time.Time `json:"since,omitzero"`
	// Window is the period when Since is zero; 0: DefaultReconcileWindow.
	Window time.Duration `json:"window,omitempty"`
	// Grace: 0 is DefaultReconcileGrace.
	Grace time.Duration `json:"grace,omitempty"`
}

// reconcileActivity allows the provider listings time (Stripe pages
// through every refund of the period) and tries 8 times in all, waiting
// 10 s, then twice as long each time up to 5 min (about 15 minutes of
// waits); the nightly run after it covers the same period again.
var reconcileActivity = workflow.ActivityOptions{
	StartToCloseTimeout: 10 * time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        10 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        5 * time.Minute,
		MaximumAttempts:        8,
		NonRetryableErrorTypes: activities.NonRetryable,
	},
}

// Reconcile runs one reconciliation; see the top of this file.
func Reconcile(ctx workflow.Context, in ReconcileInput) (activities.ReconcileReport, error) {
	since := in.Since
	if since.IsZero() {
		window := in.Window
		if window <= 0 {
			window = DefaultReconcileWindow
		}
		since = workflow.Now(ctx).Add(-window)
	}
	grace := in.Grace
	if grace <= 0 {
		grace = DefaultReconcileGrace
	}
	workflow.SetCurrentDetails(ctx, "Rapprochement des remboursements depuis le "+since.UTC().Format("02/01/2006 15:04")+" UTC")
	var rec *activities.Reconcile
	var report activities.ReconcileReport
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, reconcileActivity), rec.ReconcileProviders, activities.ReconcileInput{
		Actor: activities.Actor{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}, Since: since, Grace: grace,
	}).Get(ctx, &report)
	if err != nil {
		workflow.SetCurrentDetails(ctx, "Échec du rapprochement : "+err.Error())
		return report, err
	}
	workflow.SetCurrentDetails(ctx, reconcileDetails(report))
	return report, nil
}

// reconcileDetails sums a run up for the Temporal Web UI.
func reconcileDetails(r activities.ReconcileReport) string {
	checked, failed := 0, 0
	for _, g := range r.Gateways {
		checked += g.Refunds + g.Payouts
		if g.Failed {
			failed++
		}
	}
	s := fmt.Sprintf("Rapprochement terminé : %d remboursement(s) et virement(s) vérifié(s), %d écart(s)", checked, len(r.Mismatches))
	if failed > 0 {
		s += fmt.Sprintf(", %d prestataire(s) non vérifié(s) (identifiants refusés)", failed)
	}
	return s
}

// ReconcileTimeZone is the time zone of the nightly run's hour: the shop's.
const ReconcileTimeZone = "Europe/Paris"

// ReconcileSchedule is the nightly schedule of Reconcile at hour:minute,
// Paris time, on queue: one run at a time (a run still going when the next
// is due makes it skip), a run missed while Temporal was down taken within
// a day. Its runs look back DefaultReconcileWindow.
func ReconcileSchedule(hour, minute int, queue string) client.ScheduleOptions {
	return client.ScheduleOptions{
		ID: ReconcileScheduleID,
		Spec: client.ScheduleSpec{
			Calendars: []client.ScheduleCalendarSpec{{
				Hour:    []client.ScheduleRange{{Start: hour}},
				Minute:  []client.ScheduleRange{{Start: minute}},
				Comment: "rapprochement des remboursements, chaque nuit",
			}},
			TimeZoneName: ReconcileTimeZone,
		},
		Action: &client.ScheduleWorkflowAction{
			ID:                    ProcReconcile + "/daily",
			Workflow:              ProcReconcile,
			Args:                  []any{ReconcileInput{}},
			TaskQueue:             queue,
			TypedSearchAttributes: temporal.NewSearchAttributes(AttrOrderProcedure.ValueSet(ProcReconcile)),
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: 24 * time.Hour,
	}
}

// EnsureReconcileSchedule creates the schedule opts describes, or brings an
// existing one (same ID) to it, so running it again, at every deployment,
// changes nothing but what changed. A paused schedule stays paused. It
// says whether the schedule was created.
//
// It is the client side of the reconciliation (the CLI calls it), not a
// workflow.
func EnsureReconcileSchedule(ctx context.Context, c client.Client, opts client.ScheduleOptions) (created bool, err error) {
	_, err = c.ScheduleClient().Create(ctx, opts)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return false, fmt.Errorf("create the schedule %s: %w", opts.ID, err)
	}
	err = c.ScheduleClient().GetHandle(ctx, opts.ID).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			spec := opts.Spec
			s.Spec, s.Action = &spec, opts.Action
			if s.Policy == nil {
				s.Policy = &client.SchedulePolicies{}
			}
			s.Policy.Overlap, s.Policy.CatchupWindow = opts.Overlap, opts.CatchupWindow
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	if err != nil {
		return false, fmt.Errorf("update the schedule %s: %w", opts.ID, err)
	}
	return false, nil
}
