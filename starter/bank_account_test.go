package starter_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// An IBAN an agent types for a payback by transfer reaches the bank, and
// nowhere else: not the procedure's history, even decoded (an operator
// with the codec key reads the reference and the masked IBAN), nor the
// task's answer as stored, nor the history line of the order.
func TestTheTypedIBANStaysOutOfTheProcedureAndTheTasks(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000931", order.LogisticsAwaitingPrinting, order.PayCard, "ch_expired_931")

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "iban"))
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskPayback, task.Kind)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerPaybackTransfer,
		IBAN: "FR76 3000 6000 0112 3456 7890 189", AccountName: "Camille Martin", Agent: "luc@boutique.fr"}))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	// The bank got the whole account number.
	require.Len(t, sb.Payouts(), 1)
	require.Equal(t, "FR7630006000011234567890189", sb.Payouts()[0].IBAN)
	require.Equal(t, int64(560), sb.Payouts()[0].Amount)

	// Nothing else did. The digits after the bank code are what must not
	// leak; the masked form keeps the country, check digits and last four.
	secret := []string{"30006000011234567890", "3000 6000 0112 3456 7890"}
	answered, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	for _, d := range secret {
		require.NotContains(t, string(answered.Answer), d, "the task's stored answer")
	}
	require.Contains(t, string(answered.Answer), "FR76 **** **** 0189", "the stored answer shows the masked IBAN")
	events, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	for _, ev := range events {
		line, err := json.Marshal(ev)
		require.NoError(t, err)
		for _, d := range secret {
			require.NotContains(t, string(line), d, "history line %s", line)
		}
	}
	for _, leak := range decodedHistoryHolds(t, s, `OrderNumber = "`+o.Number+`"`, secret...) {
		t.Errorf("the IBAN's digits are in a procedure's history, decoded: %s", leak)
	}
}

// decodedHistoryHolds reads every history the query finds as an operator
// with the codec key reads it (each payload decoded) and returns where one
// of strs appears.
func decodedHistoryHolds(t *testing.T, s stack, query string, strs ...string) []string {
	t.Helper()
	ctx := context.Background()
	list, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
	require.NoError(t, err)
	require.NotEmpty(t, list.GetExecutions(), "no procedure found by %s", query)
	var out []string
	for _, e := range list.GetExecutions() {
		id := e.GetExecution().GetWorkflowId()
		it := s.client.GetWorkflowHistory(ctx, id, e.GetExecution().GetRunId(), false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			require.NoError(t, err)
			err = proxy.VisitPayloads(ctx, ev, proxy.VisitPayloadsOptions{
				Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
					decoded, err := devstacktest.Codec().Decode(ps)
					if err != nil {
						return nil, err
					}
					for _, p := range decoded {
						for _, str := range strs {
							if strings.Contains(string(p.GetData()), str) {
								out = append(out, id+" event "+ev.GetEventType().String()+": "+str)
							}
						}
					}
					return ps, nil
				},
			})
			require.NoError(t, err)
		}
	}
	return out
}
