package workflows_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

var (
	orders *activities.Orders
	emails *activities.Emails
	money  *activities.Money
)

// newEnv is a test environment with every procedure and activity
// registered; a mock that was expected and never called fails the test.
func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(orders)
	env.RegisterActivity(emails)
	env.RegisterActivity(money)
	env.RegisterActivity(collect)
	for _, p := range workflows.Procedures() {
		if p.Name != workflows.ProcModifyContent && p.Name != workflows.ProcCancelRefund {
			env.RegisterWorkflowWithOptions(p.Func, workflow.RegisterOptions{Name: p.Name})
		}
	}
	// The agents table of these tests: who may answer, with what role.
	env.OnActivity(orders.WhoAnswers, mock.Anything, mock.Anything).Return(
		func(_ context.Context, email string) (activities.Answerer, error) {
			role, ok := agentsTable[email]
			return activities.Answerer{Email: email, Role: role, Exists: ok}, nil
		}).Maybe()
	// The provider step runs in these tests, whose mocks say what the
	// provider answers (unsupported: by hand).
	env.OnActivity(money.RefundsAutomatically, mock.Anything, mock.Anything).Return(true, nil).Maybe()
	t.Cleanup(func() { env.AssertExpectations(t) })
	return env
}

// agentsTable is the shop's agents in the workflow tests, by email.
var agentsTable = map[string]string{
	"marie@boutique.fr": "agent", "luc@boutique.fr": "agent", "jean@boutique.fr": "agent",
	"sophie@boutique.fr": "supervisor", "paul@boutique.fr": "supervisor",
}

// answer sends an agent's answer after a delay and records a refusal, by
// the validator or by the handler, in rejected.
func answer(env *testsuite.TestWorkflowEnvironment, after time.Duration, a workflows.TaskAnswer, rejected *error) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.UpdateAnswerTask, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { *rejected = err },
			OnComplete: func(_ any, err error) { // refused by the handler (the agents table)
				if err != nil {
					*rejected = err
				}
			},
		}, a)
	}, after)
}

// expectCreditNote expects the credit note of a successful refund; the
// order of these tests has no invoice, so none is issued.
func expectCreditNote(env *testsuite.TestWorkflowEnvironment, amount int64) {
	env.OnActivity(collect.IssueCreditNote, mock.Anything, mock.MatchedBy(func(in activities.CreditNoteInput) bool {
		return in.Amount == amount
	})).Return(activities.CreditNoteRef{}, nil).Once()
}

// expectFact expects one money fact in the order's ledger.
func expectFact(env *testsuite.TestWorkflowEnvironment, kind order.EntryKind, amount int64) {
	env.OnActivity(money.RecordFact, mock.Anything, mock.MatchedBy(func(in activities.FactInput) bool {
		return in.Kind == kind && in.Amount == amount
	})).Return(nil).Once()
}
