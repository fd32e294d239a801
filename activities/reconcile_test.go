package activities_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/plaid"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// reconcileFixture is a sandbox provider for cards and payouts, a database,
// and helpers to make the two disagree.
type reconcileFixture struct {
	t   *testing.T
	st  *store.Store
	sb  *sandbox.Server
	gw  *sandbox.Client
	reg *payments.Registry
}

func newReconcileFixture(t *testing.T) *reconcileFixture {
	st := devstacktest.NewStore(t)
	sb := sandbox.NewServer(sandbox.Options{})
	url, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	gw := &sandbox.Client{BaseURL: url}
	reg := payments.NewRegistry()
	reg.Set(order.PayCard, gw)
	reg.Set(order.PayBankTransfer, gw)
	return &reconcileFixture{t: t, st: st, sb: sb, gw: gw, reg: reg}
}

// row writes a refund row as a procedure leaves it.
func (f *reconcileFixture) row(o order.Order, key, method, status, ref string, amount int64) {
	f.t.Helper()
	ctx := context.Background()
	_, err := f.st.CreateRefund(ctx, store.Refund{OrderID: o.ID, IdempotencyKey: key, Amount: amount, Method: method, Status: store.RefundPending, WorkflowID: "test"})
	require.NoError(f.t, err)
	if status != store.RefundPending || ref != "" {
		_, err = f.st.UpdateRefund(ctx, key, status, ref, "")
		require.NoError(f.t, err)
	}
}

// refund has the provider refund amount under key, as a procedure's call does.
func (f *reconcileFixture) refund(o order.Order, key string, amount int64) string {
	f.t.Helper()
	res, err := f.gw.Refund(context.Background(), payments.RefundRequest{Amount: amount, Currency: "EUR", PaymentRef: "ch_" + o.Number, IdempotencyKey: key})
	require.NoError(f.t, err)
	return res.ProviderRef
}

func (f *reconcileFixture) run(env *testsuite.TestActivityEnvironment, a *activities.Reconcile, grace time.Duration) activities.ReconcileReport {
	f.t.Helper()
	v, err := env.ExecuteActivity(a.ReconcileProviders, activities.ReconcileInput{
		Actor: activities.Actor{WorkflowID: "reconcile/test"}, Since: time.Now().Add(-time.Hour), Grace: grace,
	})
	require.NoError(f.t, err)
	var r activities.ReconcileReport
	require.NoError(f.t, v.Get(&r))
	return r
}

func eur(cents int64) string { return order.Money{Cents: cents, Currency: "EUR"}.French() }

// TestReconcileOpensOneTaskPerMismatchOnce: the provider and the refunds
// table disagree in each of the ways that matter; every disagreement opens
// a task naming the order, the key and both amounts, with one history
// line; a second run opens nothing more; what agrees, what was refunded by
// hand without a reference, and a pending row within its grace period are
// left alone.
func TestReconcileOpensOneTaskPerMismatchOnce(t *testing.T) {
	f := newReconcileFixture(t)
	ctx := context.Background()
	ord := map[string]order.Order{}
	for _, n := range []string{"A", "B", "C", "D", "E", "F", "G", "H", "I"} {
		ord[n] = cardOrderNumbered(t, f.st, "C-2026-0009"+fmt.Sprint(10+len(ord)))
	}
	key := func(n string) string { return "cancel-refund/" + ord[n].Number + "/r1/refund" }

	// A: the amounts differ.
	ref := f.refund(ord["A"], key("A"), 1500)
	f.row(ord["A"], key("A"), "card", store.RefundSucceeded, ref, 1290)
	// B: the provider refunded under our key, and no row says so.
	f.refund(ord["B"], key("B"), 800)
	// C: the row says refunded at the provider, which holds nothing.
	f.row(ord["C"], key("C"), "card", store.RefundSucceeded, "re_000000_999999", 2000)
	// D: the row says failed, the provider refunded.
	f.refund(ord["D"], key("D"), 700)
	f.row(ord["D"], key("D"), "card", store.RefundFailed, "", 700)
	// E: the row still waits, the provider refunded (within the grace period).
	f.refund(ord["E"], key("E"), 600)
	f.row(ord["E"], key("E"), "card", store.RefundPending, "", 600)
	// F: all agree, a refund and a payout.
	ref = f.refund(ord["F"], key("F"), 1000)
	f.row(ord["F"], key("F"), "card", store.RefundSucceeded, ref, 1000)
	po, err := f.gw.Payout(ctx, payments.PayoutRequest{Amount: 400, Currency: "EUR", IBAN: "FR7630006000011234567890189", Name: "Léa Dubois", IdempotencyKey: "settle/" + ord["F"].Number + "/r/payout"})
	require.NoError(t, err)
	f.row(ord["F"], "settle/"+ord["F"].Number+"/r/payout", "bank_transfer", store.RefundSucceeded, po.ProviderRef, 400)
	// G: refunded by hand without a reference, and a cheque: nothing to ask.
	f.row(ord["G"], key("G"), "card", store.RefundSucceeded, "", 500)
	f.row(ord["G"], "cancel-refund/"+ord["G"].Number+"/r2/refund", "cheque", store.RefundSucceeded, "chèque 1234", 300)
	// H: sent, its answer lost (unknown, counted as given back), and the
	// provider never received it.
	f.row(ord["H"], key("H"), "card", store.RefundUnknown, "", 900)
	// I: sent, its answer lost, and the provider refunded it (left alone
	// within the grace period).
	f.refund(ord["I"], key("I"), 350)
	f.row(ord["I"], key("I"), "card", store.RefundUnknown, "", 350)
	// A key that names no order: reported, no task to attach it to.
	_, err = f.gw.Refund(ctx, payments.RefundRequest{Amount: 100, Currency: "EUR", PaymentRef: "ch_x", IdempotencyKey: "manual/unknown"})
	require.NoError(t, err)

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestActivityEnvironment()
	a := &activities.Reconcile{Store: f.st, Gateways: f.reg}
	env.RegisterActivity(a)

	first := f.run(env, a, time.Hour)
	require.Len(t, first.Gateways, 1)
	require.Equal(t, "sandbox", first.Gateways[0].Gateway)
	require.Equal(t, []string{"card", "bank_transfer"}, first.Gateways[0].Methods)
	require.Equal(t, 1, first.Gateways[0].Payouts)
	require.Equal(t, 9, first.Gateways[0].Refunds, "A to F, H, I and the unknown key")
	kinds := map[string]activities.Mismatch{}
	for _, m := range first.Mismatches {
		kinds[m.Kind+" "+m.OrderNumber] = m
	}
	require.Len(t, first.Mismatches, 6, "%+v", first.Mismatches)
	for name, c := range map[string]struct {
		kind           string
		ours, theirs   int64
		inTheQuestion  string
		orderInHistory string
	}{
		"A": {activities.MismatchAmount, 1290, 1500, "Les montants diffèrent", ord["A"].Number},
		"B": {activities.MismatchNoRow, 0, 800, "qu'orderdesk n'a pas enregistré", ord["B"].Number},
		"C": {activities.MismatchNotAtProvider, 2000, 0, "le prestataire ne l'a pas", ord["C"].Number},
		"D": {activities.MismatchRowFailed, 700, 700, "ne pas le rembourser une seconde fois", ord["D"].Number},
		"H": {activities.MismatchNotAtProvider, 900, 0, "aucun remboursement sous cette clé", ord["H"].Number},
	} {
		m, ok := kinds[c.kind+" "+ord[name].Number]
		require.True(t, ok, "order %s: no %s mismatch in %+v", name, c.kind, first.Mismatches)
		require.Equal(t, key(name), m.Key)
		require.Equal(t, c.ours, m.Ours)
		require.Equal(t, c.theirs, m.Theirs)
		require.True(t, m.NewTask)
		task, err := f.st.GetTask(ctx, m.TaskID)
		require.NoError(t, err)
		require.Equal(t, activities.TaskReconcileMismatch, task.Kind)
		require.Equal(t, store.TaskOpen, task.Status)
		require.Equal(t, ord[name].ID, task.OrderID)
		for _, want := range []string{ord[name].Number, "« " + key(name) + " »", "sandbox", c.inTheQuestion} {
			require.Contains(t, task.Question, want)
		}
		if c.ours != 0 {
			require.Contains(t, task.Question, eur(c.ours)+" chez nous")
		} else {
			require.Contains(t, task.Question, "rien chez nous")
		}
		if c.theirs != 0 {
			require.Contains(t, task.Question, eur(c.theirs)+" chez sandbox")
		} else {
			require.Contains(t, task.Question, "rien chez sandbox")
		}
	}
	unknown, ok := kinds[activities.MismatchNoRow+" "]
	require.True(t, ok, "the key that names no order is reported: %+v", first.Mismatches)
	require.Equal(t, "manual/unknown", unknown.Key)
	require.Zero(t, unknown.TaskID)
	require.Contains(t, unknown.Question, "commande introuvable")

	tasksBefore, err := f.st.ListOpenTasks(ctx)
	require.NoError(t, err)
	require.Len(t, tasksBefore, 5)

	// A second run (the next day's, or a retry) opens nothing new.
	second := f.run(env, a, time.Hour)
	require.Len(t, second.Mismatches, 6)
	for i, m := range second.Mismatches {
		require.False(t, m.NewTask, "%+v", m)
		require.Equal(t, first.Mismatches[i].TaskID, m.TaskID)
	}
	tasksAfter, err := f.st.ListOpenTasks(ctx)
	require.NoError(t, err)
	require.Len(t, tasksAfter, 5)
	for _, n := range []string{"A", "B", "F", "G"} {
		evs, err := f.st.ListEvents(ctx, ord[n].ID)
		require.NoError(t, err)
		lines := 0
		for _, e := range evs {
			if e.Kind == activities.TaskReconcileMismatch {
				lines++
				require.Contains(t, e.Message, "Rapprochement des remboursements : tâche #")
			}
		}
		want := map[string]int{"A": 1, "B": 1}[n]
		require.Equal(t, want, lines, "order %s: history lines", n)
	}

	// Past the grace period, the waiting rows the provider settled are:
	// the pending one and the unknown one.
	a.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	third := f.run(env, a, time.Hour)
	require.Len(t, third.Mismatches, 8)
	for _, n := range []string{"E", "I"} {
		var late *activities.Mismatch
		for i := range third.Mismatches {
			if third.Mismatches[i].OrderNumber == ord[n].Number {
				late = &third.Mismatches[i]
			}
		}
		require.NotNil(t, late, "order %s", n)
		require.Equal(t, activities.MismatchRowPending, late.Kind)
		require.True(t, late.NewTask)
		require.Contains(t, late.Question, "ne pas le refaire à la main")
	}
}

// TestReconcileSkipsWhatCannotBeCheckedAndSaysWhy: a provider that cannot
// list its transfers with their keys (Plaid) is skipped as a limit; one that
// refuses our API key is skipped as a failure an operator must fix; the
// others are reconciled all the same, and nothing is retried.
func TestReconcileSkipsWhatCannotBeCheckedAndSaysWhy(t *testing.T) {
	f := newReconcileFixture(t)
	o := cardOrderNumbered(t, f.st, "C-2026-000950")
	f.refund(o, "cancel-refund/"+o.Number+"/r/refund", 900)

	revoked := sandbox.NewServer(sandbox.Options{Faults: sandbox.Faults{Unauthorized: true}})
	url, err := revoked.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = revoked.Close() })
	f.reg.Set(order.PayStripe, &sandbox.Client{BaseURL: url})
	f.reg.Set(order.PayBankPayment, plaid.New("client", "secret", "http://127.0.0.1:1"))

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestActivityEnvironment()
	a := &activities.Reconcile{Store: f.st, Gateways: f.reg}
	env.RegisterActivity(a)
	r := f.run(env, a, time.Hour)

	require.Len(t, r.Gateways, 3)
	card, revokedCheck, plaidCheck := r.Gateways[0], r.Gateways[1], r.Gateways[2]
	require.Equal(t, "sandbox", card.Gateway)
	require.Empty(t, card.Skipped)
	require.Equal(t, 1, card.Refunds)
	require.Equal(t, []string{"stripe"}, revokedCheck.Methods)
	require.True(t, revokedCheck.Failed)
	require.Contains(t, revokedCheck.Skipped, "identifiants refusés")
	require.Equal(t, "plaid", plaidCheck.Gateway)
	require.False(t, plaidCheck.Failed)
	require.Contains(t, plaidCheck.Skipped, "ne sait pas lister")
	require.Len(t, r.Mismatches, 1)
	require.Equal(t, activities.MismatchNoRow, r.Mismatches[0].Kind)
	require.True(t, strings.HasPrefix(r.Mismatches[0].Question, "Écart avec sandbox sur la commande "+o.Number))
}

// TestReconcileRunsOnTheWorkerAndNightly: the reconcile workflow, started
// as the CLI starts it, runs on orderdesk's worker against PostgreSQL and
// the sandbox and opens the task; a second run opens none; the nightly
// schedule is created once (a second --schedule updates it) and the run it
// starts finds the same task.
func TestReconcileRunsOnTheWorkerAndNightly(t *testing.T) {
	f := newReconcileFixture(t)
	ctx := context.Background()
	o := cardOrderNumbered(t, f.st, "C-2026-000960")
	key := "modify-content/" + o.Number + "/r1/settle/refund"
	ref := f.refund(o, key, 1500)
	f.row(o, key, "card", store.RefundSucceeded, ref, 1290)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: f.st, Payments: f.reg})

	run := func(id string) activities.ReconcileReport {
		t.Helper()
		r, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, workflows.ProcReconcile, workflows.ReconcileInput{})
		require.NoError(t, err)
		var report activities.ReconcileReport
		require.NoError(t, r.Get(ctx, &report))
		return report
	}
	first := run("reconcile/e2e-1")
	require.Len(t, first.Mismatches, 1)
	m := first.Mismatches[0]
	require.True(t, m.NewTask)
	require.Equal(t, activities.MismatchAmount, m.Kind)
	task, err := f.st.GetTask(ctx, m.TaskID)
	require.NoError(t, err)
	require.Equal(t, "reconcile/e2e-1", task.WorkflowID)
	require.Contains(t, task.Question, o.Number)
	require.Contains(t, task.Question, key)
	require.Contains(t, task.Question, eur(1290))
	require.Contains(t, task.Question, eur(1500))

	second := run("reconcile/e2e-2")
	require.Len(t, second.Mismatches, 1)
	require.False(t, second.Mismatches[0].NewTask)
	require.Equal(t, m.TaskID, second.Mismatches[0].TaskID)
	open, err := f.st.ListOpenTasks(ctx)
	require.NoError(t, err)
	require.Len(t, open, 1)

	created, err := workflows.EnsureReconcileSchedule(ctx, c, workflows.ReconcileSchedule(3, 30, queue))
	require.NoError(t, err)
	require.True(t, created)
	h := c.ScheduleClient().GetHandle(ctx, workflows.ReconcileScheduleID)
	t.Cleanup(func() { _ = h.Delete(context.Background()) })
	created, err = workflows.EnsureReconcileSchedule(ctx, c, workflows.ReconcileSchedule(4, 15, queue))
	require.NoError(t, err)
	require.False(t, created, "a second --schedule makes no second schedule")
	d, err := h.Describe(ctx)
	require.NoError(t, err)
	require.Equal(t, 4, d.Schedule.Spec.Calendars[0].Hour[0].Start)
	require.Equal(t, 15, d.Schedule.Spec.Calendars[0].Minute[0].Start)
	require.Equal(t, "Europe/Paris", d.Schedule.Spec.TimeZoneName)

	require.NoError(t, h.Trigger(ctx, client.ScheduleTriggerOptions{}))
	var nightly string
	require.Eventually(t, func() bool {
		d, err := h.Describe(ctx)
		if err != nil || len(d.Info.RecentActions) == 0 || d.Info.RecentActions[0].StartWorkflowResult == nil {
			return false
		}
		nightly = d.Info.RecentActions[0].StartWorkflowResult.WorkflowID
		return true
	}, 20*time.Second, 200*time.Millisecond, "the schedule started no run")
	var report activities.ReconcileReport
	require.NoError(t, c.GetWorkflow(ctx, nightly, "").Get(ctx, &report))
	require.Len(t, report.Mismatches, 1)
	require.Equal(t, m.TaskID, report.Mismatches[0].TaskID)
	require.False(t, report.Mismatches[0].NewTask)
}
