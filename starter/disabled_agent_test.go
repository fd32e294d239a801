package starter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// A disabled account starts no procedure and answers no task, from the
// agent UI or the terminal alike (both go through the starter); enabled
// again, it answers.
func TestADisabledAccountStartsAndAnswersNothing(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000951", order.LogisticsAwaitingPrinting, order.PayCard, "ch_expired_951")

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "disabled"))
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)

	admin := store.AccountChange{Actor: "admin@boutique.fr"}
	_, err = s.store.SetAgentDisabled(ctx, "luc@boutique.fr", true, admin)
	require.NoError(t, err)
	_, err = s.store.SetAgentDisabled(ctx, "marie@boutique.fr", true, admin)
	require.NoError(t, err)

	_, err = s.starter.ModifyContent(ctx, removeOneMug(o, "by-a-disabled-account"))
	var fe *order.FieldError
	require.True(t, errors.As(err, &fe), "a procedure asked for by a disabled account is refused: %v", err)
	require.Equal(t, "agent", fe.Field)
	require.Equal(t, "refusal.agent_disabled", string(fe.Code))

	answer := workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerPaybackStoreCredit, Agent: "luc@boutique.fr"}
	err = s.starter.AnswerTask(ctx, answer)
	require.True(t, errors.As(err, &fe), "an answer from a disabled account is refused: %v", err)
	require.Equal(t, "refusal.agent_disabled", string(fe.Code))
	open, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskOpen, open.Status, "the task is still open")

	_, err = s.store.SetAgentDisabled(ctx, "luc@boutique.fr", false, admin)
	require.NoError(t, err)
	require.NoError(t, s.starter.AnswerTask(ctx, answer))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
}
