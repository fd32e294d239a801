package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestReconcileSummaryNamesEachTaskAndCountsProblems: the operator at the
// terminal sees what was checked, each mismatch with its task and question,
// one closing line, and the command fails when there is anything to fix.
func TestReconcileSummaryNamesEachTaskAndCountsProblems(t *testing.T) {
	var b bytes.Buffer
	n := printReconcile(&b, activities.ReconcileReport{
		Gateways: []activities.GatewayCheck{
			{Gateway: "sandbox", Methods: []string{"card", "bank_transfer"}, Refunds: 3, Payouts: 1},
			{Gateway: "stripe", Methods: []string{"stripe"}, Skipped: "identifiants refusés par le prestataire", Failed: true},
			{Gateway: "plaid", Methods: []string{"bank_payment"}, Skipped: "ne sait pas lister ses remboursements avec leur clé"},
		},
		Mismatches: []activities.Mismatch{
			{Gateway: "sandbox", Kind: activities.MismatchAmount, OrderNumber: "C-2026-000101", TaskID: 12, NewTask: true,
				Question: "Écart avec sandbox sur la commande C-2026-000101, remboursement « k » : 12,90 € chez nous (effectué), 15,00 € chez sandbox (effectué, référence re_1). Les montants diffèrent : vérifier lequel est juste."},
			{Gateway: "sandbox", Kind: activities.MismatchNoRow, OrderNumber: "C-2026-000102", TaskID: 9, Question: "…"},
		},
	})
	out := b.String()
	for _, want := range []string{
		"sandbox (card, bank_transfer): 3 refunds and 1 payout checked\n",
		"stripe (stripe): NOT CHECKED: identifiants refusés",
		"plaid (bank_payment): not checked: ne sait pas lister",
		"task #12  C-2026-000101  amount\n  Écart avec sandbox sur la commande C-2026-000101",
		"task #9 (opened by an earlier run)  C-2026-000102  no_row",
		"\n3 refunds and 1 payout checked, 2 mismatches: task #12, task #9 (already open)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if n != 3 {
		t.Errorf("%d problems, want 3 (two mismatches, a provider refusing our key)", n)
	}

	b.Reset()
	if n := printReconcile(&b, activities.ReconcileReport{Gateways: []activities.GatewayCheck{{Gateway: "sandbox", Methods: []string{"card"}, Refunds: 1}}}); n != 0 {
		t.Errorf("a clean run has %d problems", n)
	}
	if !strings.HasSuffix(b.String(), "\n1 refund checked, 0 mismatches\n") {
		t.Errorf("a clean run ends with %q", b.String())
	}
}

func TestReconcileFlagsAreCheckedBeforeAnythingStarts(t *testing.T) {
	var fe *order.FieldError
	if _, _, err := parseClock("25:00"); !errors.As(err, &fe) || fe.Field != "at" {
		t.Errorf("--at 25:00: %v", err)
	}
	if h, m, err := parseClock("03:30"); err != nil || h != 3 || m != 30 {
		t.Errorf("--at 03:30 = %d:%d, %v", h, m, err)
	}
	if _, err := parseSince("hier"); !errors.As(err, &fe) || fe.Field != "since" {
		t.Errorf("--since hier: %v", err)
	}
	if _, err := parseSince("2999-01-01"); !errors.As(err, &fe) || !strings.Contains(err.Error(), "future") {
		t.Errorf("--since in the future: %v", err)
	}
	if got, err := parseSince("2026-03-01T08:00:00+01:00"); err != nil || got.UTC().Hour() != 7 {
		t.Errorf("--since RFC 3339 = %v, %v", got, err)
	}
	if err := cmdReconcile(t.Context(), config{}, nil, []string{"--days", "0"}); !errors.As(err, &fe) || fe.Field != "days" {
		t.Errorf("--days 0: %v", err)
	}
}

// The first worker to start schedules the nightly reconciliation; a later
// one leaves the schedule as an operator set it.
func TestTheWorkerSchedulesTheNightlyReconciliationOnce(t *testing.T) {
	tc, queue := devstacktest.Temporal(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	require.NoError(t, ensureNightlyReconcile(ctx, tc, queue, log))
	h := tc.ScheduleClient().GetHandle(ctx, workflows.ReconcileScheduleID)
	t.Cleanup(func() { _ = h.Delete(context.Background()) })
	d, err := h.Describe(ctx)
	require.NoError(t, err)
	require.Len(t, d.Schedule.Spec.Calendars, 1)
	require.Equal(t, 3, d.Schedule.Spec.Calendars[0].Hour[0].Start)

	// An operator moves it to 05:15; the next worker start keeps that.
	_, err = workflows.EnsureReconcileSchedule(ctx, tc, workflows.ReconcileSchedule(5, 15, queue))
	require.NoError(t, err)
	require.NoError(t, ensureNightlyReconcile(ctx, tc, queue, log))
	d, err = h.Describe(ctx)
	require.NoError(t, err)
	require.Equal(t, 5, d.Schedule.Spec.Calendars[0].Hour[0].Start)
}
