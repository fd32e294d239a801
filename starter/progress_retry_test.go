package starter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// A card refund the provider keeps failing shows on the procedure's
// progress (in the settlement, inside the procedure or, for procedures of
// earlier versions, in the child it started) with its attempt, its last
// error read through the codec (Temporal keeps it encrypted) and when it
// is tried next; once the provider answers, the refund goes through once.
func TestARefundRetriedInTheSettlementShowsOnTheProceduresProgress(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{Faults: sandbox.Faults{ErrorRate: 1}})
	s := newStackWith(t, reg, starter.Options{FailureConverter: devstacktest.Codec().FailureConverter()})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000941", order.LogisticsAwaitingPrinting)

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "retried"))
	require.NoError(t, err)

	var seen starter.RunningStep
	require.Eventually(t, func() bool {
		p, err := s.starter.Progress(ctx, run.WorkflowID)
		require.NoError(t, err)
		for _, r := range p.Running {
			if r.Activity == "RefundThroughGateway" && r.Attempt >= 2 && r.LastFailure != "" {
				seen = r
				return true
			}
		}
		return false
	}, 60*time.Second, 200*time.Millisecond, "the retrying refund never showed on the procedure's progress")
	require.NotContains(t, seen.LastFailure, "Encoded failure", "the last error is read through the codec")
	require.Contains(t, seen.LastFailure, "503", "the provider's answer is the last error")

	said := seen.RetryText(locale.For(locale.French), time.Now())
	require.True(t, strings.HasPrefix(said, "Le prestataire de paiement ne répond pas"), said)
	require.Contains(t, said, "essai n° ")
	require.Contains(t, said, "503")

	sb.SetFaults(sandbox.Faults{})
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Len(t, sb.Refunds(), 1, "the refund went through once")
}
