package workflows_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/workflows"
)

var reconcile *activities.Reconcile

// TestReconcileLooksBackThreeDaysAndReturnsTheReport: a run given no start
// (the nightly one) compares the last three days, with an hour's grace, as
// itself; the report is its result.
func TestReconcileLooksBackThreeDaysAndReturnsTheReport(t *testing.T) {
	env := newEnv(t)
	env.RegisterActivity(reconcile)
	env.RegisterWorkflowWithOptions(workflows.Reconcile, workflow.RegisterOptions{Name: workflows.ProcReconcile})
	start := time.Date(2026, 3, 2, 3, 30, 0, 0, time.UTC)
	env.SetStartTime(start)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: "reconcile/daily-2026-03-02"})
	report := activities.ReconcileReport{
		Since:    start.Add(-72 * time.Hour),
		Gateways: []activities.GatewayCheck{{Gateway: "sandbox", Methods: []string{"card"}, Refunds: 3}},
		Mismatches: []activities.Mismatch{{Gateway: "sandbox", Kind: activities.MismatchAmount, Key: "k", OrderNumber: "C-2026-000101",
			Ours: 1290, Theirs: 1500, Currency: "EUR", TaskID: 12, NewTask: true}},
	}
	env.OnActivity(reconcile.ReconcileProviders, mock.Anything, mock.MatchedBy(func(in activities.ReconcileInput) bool {
		return in.Since.Equal(start.Add(-72*time.Hour)) && in.Grace == time.Hour && in.Actor.WorkflowID == "reconcile/daily-2026-03-02"
	})).Return(report, nil).Once()

	env.ExecuteWorkflow(workflows.ProcReconcile, workflows.ReconcileInput{})
	require.NoError(t, env.GetWorkflowError())
	var got activities.ReconcileReport
	require.NoError(t, env.GetWorkflowResult(&got))
	require.Equal(t, 12, int(got.Mismatches[0].TaskID))
	require.Equal(t, 3, got.Gateways[0].Refunds)
}

// TestReconcileFromAGivenDateFailsWithTheActivity: a run told where to
// start starts there; a failure that outlived the retries fails the run.
func TestReconcileFromAGivenDateFailsWithTheActivity(t *testing.T) {
	env := newEnv(t)
	env.RegisterActivity(reconcile)
	env.RegisterWorkflowWithOptions(workflows.Reconcile, workflow.RegisterOptions{Name: workflows.ProcReconcile})
	since := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	env.OnActivity(reconcile.ReconcileProviders, mock.Anything, mock.MatchedBy(func(in activities.ReconcileInput) bool {
		return in.Since.Equal(since) && in.Grace == 2*time.Hour
	})).Return(activities.ReconcileReport{}, errors.New("sandbox: temporary: 503 outage")).Times(8)

	env.ExecuteWorkflow(workflows.ProcReconcile, workflows.ReconcileInput{Since: since, Grace: 2 * time.Hour})
	require.ErrorContains(t, env.GetWorkflowError(), "503 outage")
}

// TestReconcileScheduleRunsNightlyInParis: the schedule the CLI creates
// starts Reconcile once a night at the hour asked, Paris time, never two
// at once.
func TestReconcileScheduleRunsNightlyInParis(t *testing.T) {
	opts := workflows.ReconcileSchedule(3, 30, workflows.TaskQueue)
	require.Equal(t, "reconcile-daily", opts.ID)
	require.Equal(t, "Europe/Paris", opts.Spec.TimeZoneName)
	require.Len(t, opts.Spec.Calendars, 1)
	require.Equal(t, []client.ScheduleRange{{Start: 3}}, opts.Spec.Calendars[0].Hour)
	require.Equal(t, []client.ScheduleRange{{Start: 30}}, opts.Spec.Calendars[0].Minute)
	require.Equal(t, enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, opts.Overlap)
	action, ok := opts.Action.(*client.ScheduleWorkflowAction)
	require.True(t, ok)
	require.Equal(t, workflows.ProcReconcile, action.Workflow)
	require.Equal(t, workflows.TaskQueue, action.TaskQueue)
	require.Equal(t, []any{workflows.ReconcileInput{}}, action.Args)
}
