package workflows_test

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

var collect *activities.Collect

const wfID = "default-test-workflow-id"

func newCollectEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(orders)
	env.RegisterActivity(collect)
	env.RegisterWorkflowWithOptions(workflows.SettleDifference, workflow.RegisterOptions{Name: workflows.ProcSettleDifference})
	t.Cleanup(func() { env.AssertExpectations(t) })
	return env
}

func collectInput(mode string) workflows.CollectPaymentInput {
	return workflows.CollectPaymentInput{
		OrderNumber: "C-2026-000202", RequestID: "r1", Agent: "marie@boutique.fr", Mode: mode,
		Settings: workflows.Settings{Reminders: workflows.DefaultPaymentReminders(), Lean: true},
	}
}

// expectBegin mocks step 1: the order of 41,80 € awaits its payment.
func expectBegin(env *testsuite.TestWorkflowEnvironment, due int64, method order.PaymentMethod) {
	env.OnActivity(collect.BeginCollection, mock.Anything, mock.MatchedBy(func(in activities.BeginCollectionInput) bool {
		return in.OrderNumber == "C-2026-000202" && in.Actor.WorkflowID == wfID
	})).Return(activities.BeginCollectionOutput{Due: due, Total: due, Currency: "EUR", Method: method, Status: order.StatusAwaitingPayment}, nil).Once()
}

// expectPayment mocks the recording of one payment and the shop's email.
func expectPayment(env *testsuite.TestWorkflowEnvironment, id string, means order.PaymentMethod, amount, balance int64) {
	env.OnActivity(collect.RecordPayment, mock.Anything, mock.MatchedBy(func(in activities.RecordPaymentInput) bool {
		return in.Key == wfID+"/payment/"+id && in.Means == means && in.Amount == amount
	})).Return(nil).Once()
	env.OnActivity(collect.NotifyMerchant, mock.Anything, mock.MatchedBy(func(in activities.NotifyMerchantInput) bool {
		return in.Key == wfID+"/payment/"+id+"/merchant" && in.Kind == activities.MerchantPaymentReceived && in.Amount == amount && in.Balance == balance
	})).Return(activities.EmailRef{ID: 90}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 90}).Return(nil)
}

func expectComplete(env *testsuite.TestWorkflowEnvironment, means order.PaymentMethod, balance bool) {
	env.OnActivity(collect.CompletePayment, mock.Anything, mock.MatchedBy(func(in activities.CompletePaymentInput) bool {
		return in.Means == means && in.InvoiceKey == wfID+"/invoice" && in.BalanceDue == balance
	})).Return(activities.InvoiceRef{Number: "F-2026-000007", Total: 4180, Status: "paid"}, nil).Once()
}

func expectConfirmation(env *testsuite.TestWorkflowEnvironment, amount int64) {
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailConfirmation && in.Invoice == "F-2026-000007" && in.Amount == amount
	})).Return(activities.EmailRef{ID: 91}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 91}).Return(nil).Once()
}

// update sends an update after a delay and keeps its outcome.
type outcome struct {
	err    error
	result any
	done   bool
}

func update(env *testsuite.TestWorkflowEnvironment, after time.Duration, name, id string, arg any) *outcome {
	o := &outcome{}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { o.err, o.done = err, true },
			OnComplete: func(r any, err error) { o.result, o.err, o.done = r, err, true },
		}, arg)
	}, after)
	return o
}

func pay(env *testsuite.TestWorkflowEnvironment, after time.Duration, r workflows.PaymentRecord) *outcome {
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = env.Now().Add(after - time.Hour)
	}
	return update(env, after, workflows.UpdateRecordPayment, r.ID, r)
}

func collection(t *testing.T, env *testsuite.TestWorkflowEnvironment) workflows.CollectionState {
	v, err := env.QueryWorkflow(workflows.QueryCollection)
	require.NoError(t, err)
	var c workflows.CollectionState
	require.NoError(t, v.Get(&c))
	return c
}

func status(t *testing.T, env *testsuite.TestWorkflowEnvironment) workflows.State {
	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var s workflows.State
	require.NoError(t, v.Get(&s))
	return s
}

// « Chèque, mandat-poste ou virement »: the agent records the cheque, the
// invoice is marked paid and the order « Complétée », the shop is told,
// and the confirmation goes when the agent presses the button. Wrong
// payments are refused first.
func TestCollectChequeRecordedByAgentThenConfirmationButton(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayCheque)
	agent := "luc@boutique.fr"
	day := 24 * time.Hour
	early := update(env, time.Hour, workflows.UpdateConfirmPayment, "c0", workflows.AgentRequest{ID: "c0", Agent: agent})
	zero := pay(env, 2*day, workflows.PaymentRecord{ID: "p0", Means: order.PayCheque, Amount: 0, Agent: agent, Source: workflows.PaymentFromAgent})
	unknown := pay(env, 2*day, workflows.PaymentRecord{ID: "p1", Means: "bitcoin", Amount: 4180, Agent: agent, Source: workflows.PaymentFromAgent})
	card := pay(env, 2*day, workflows.PaymentRecord{ID: "p2", Means: order.PayCard, Amount: 4180, Agent: agent, Source: workflows.PaymentFromAgent})
	future := pay(env, 2*day, workflows.PaymentRecord{ID: "p3", Means: order.PayCheque, Amount: 4180, Agent: agent, Source: workflows.PaymentFromAgent, ReceivedAt: time.Now().Add(72 * time.Hour)})
	noRef := pay(env, 2*day, workflows.PaymentRecord{ID: "p4", Means: order.PayBankTransfer, Amount: 4180, Agent: agent, Source: workflows.PaymentFromAgent})
	good := pay(env, 3*day, workflows.PaymentRecord{ID: "p5", Means: order.PayCheque, Amount: 4180, Reference: "CHQ 0012345", Agent: agent, Source: workflows.PaymentFromAgent})
	again := pay(env, 3*day+time.Hour, workflows.PaymentRecord{ID: "p6", Means: order.PayCheque, Amount: 100, Agent: agent, Source: workflows.PaymentFromAgent})
	var offered workflows.CollectionState
	env.RegisterDelayedCallback(func() { offered = collection(t, env) }, 4*day)
	confirm := update(env, 5*day, workflows.UpdateConfirmPayment, "c1", workflows.AgentRequest{ID: "c1", Agent: agent})
	twice := update(env, 5*day, workflows.UpdateConfirmPayment, "c2", workflows.AgentRequest{ID: "c2", Agent: agent})
	expectPayment(env, "p5", order.PayCheque, 4180, 0)
	expectComplete(env, order.PayCheque, false)
	expectConfirmation(env, 4180)

	env.ExecuteWorkflow(workflows.CollectPayment, collectInput(activities.CollectManual))

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, early.err, "confirmation: Order C-2026-000202 is not paid yet")
	require.ErrorContains(t, zero.err, "amount:")
	require.ErrorContains(t, unknown.err, `means: "bitcoin" is not a payment means`)
	require.ErrorContains(t, card.err, `means: A payment by "card" cannot be recorded by hand`)
	require.ErrorContains(t, future.err, "received_at:")
	require.ErrorContains(t, future.err, "in the future")
	require.ErrorContains(t, noRef.err, "reference: A bank transfer needs its reference")
	require.NoError(t, good.err)
	require.Equal(t, workflows.PaymentAck{Received: 4180}, good.result)
	require.ErrorContains(t, again.err, "order: Order C-2026-000202 is not awaiting a payment (it is paid)")
	require.True(t, offered.ConfirmationOffered)
	require.NoError(t, confirm.err)
	require.ErrorContains(t, twice.err, "is sent already")
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.Equal(t, "F-2026-000007", res.Invoice)
	require.Equal(t, int64(91), res.ConfirmationEmailID)
	require.Len(t, res.Payments, 1)
	require.Equal(t, "CHQ 0012345", res.Payments[0].Reference)
}

// An invoice with a payment link: the invoice goes with its link, the
// provider's webhook reports the payment (the same event twice is
// recorded once) and the confirmation goes by itself.
func TestCollectPaymentLinkReportedByProvider(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayBankTransfer)
	env.OnActivity(collect.IssueInvoice, mock.Anything, mock.MatchedBy(func(in activities.IssueInvoiceInput) bool {
		return in.WithLink && in.Key == wfID+"/invoice"
	})).Return(activities.InvoiceRef{Number: "F-2026-000007", Total: 4180, PaymentLink: "https://pay.test/F-2026-000007", Status: "issued"}, nil).Once()
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailInvoice && in.Invoice == "F-2026-000007" && in.Amount == 4180
	})).Return(activities.EmailRef{ID: 80}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 80}).Return(nil).Once()
	var waiting workflows.CollectionState
	env.RegisterDelayedCallback(func() { waiting = collection(t, env) }, time.Minute)
	hook := workflows.PaymentRecord{ID: "evt_123", Amount: 4180, Reference: "pi_42", Source: workflows.PaymentFromProvider}
	first := pay(env, 2*time.Hour, hook)
	repeat := pay(env, 2*time.Hour+time.Millisecond, hook)
	expectPayment(env, "evt_123", order.PayCard, 4180, 0)
	expectComplete(env, order.PayCard, false)
	expectConfirmation(env, 4180)

	env.ExecuteWorkflow(workflows.CollectPayment, collectInput(activities.CollectLink))

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, first.err)
	require.NoError(t, repeat.err)
	require.Equal(t, "https://pay.test/F-2026-000007", waiting.PaymentLink)
	require.True(t, waiting.Waiting)
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.Equal(t, int64(4180), res.Received)
	require.Equal(t, int64(91), res.ConfirmationEmailID)
}

// The in-store terminal: the invoice is created and sent; the agent
// marks it paid with no means to choose; the shop's setting sends the
// confirmation at once.
func TestCollectAtTheTerminal(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayTerminal)
	env.OnActivity(collect.IssueInvoice, mock.Anything, mock.MatchedBy(func(in activities.IssueInvoiceInput) bool { return !in.WithLink })).
		Return(activities.InvoiceRef{Number: "F-2026-000007", Total: 4180, Status: "issued"}, nil).Once()
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailInvoice
	})).Return(activities.EmailRef{ID: 80}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 80}).Return(nil).Once()
	agent := "luc@boutique.fr"
	cheque := pay(env, 10*time.Minute, workflows.PaymentRecord{ID: "t0", Means: order.PayCheque, Amount: 4180, Agent: agent, Source: workflows.PaymentFromAgent})
	paid := pay(env, 15*time.Minute, workflows.PaymentRecord{ID: "t1", Amount: 4180, Agent: agent, Source: workflows.PaymentFromAgent})
	expectPayment(env, "t1", order.PayTerminal, 4180, 0)
	expectComplete(env, order.PayTerminal, false)
	expectConfirmation(env, 4180)
	in := collectInput(activities.CollectTerminal)
	in.SendInvoice, in.AutoConfirm = true, true

	env.ExecuteWorkflow(workflows.CollectPayment, in)

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, cheque.err, "means: A payment at the terminal has no means to choose")
	require.NoError(t, paid.err)
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, order.PayTerminal, res.Payments[0].Means)
}

// A partial payment leaves the balance awaited; a larger second one is
// refused until the agent confirms the overpayment, then recorded and its
// overpayment offered for refund, asked by the agent who recorded it (not
// the one who started the collection).
func TestCollectPartialThenOverpayment(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayBankTransfer)
	agent := "luc@boutique.fr"
	var between workflows.CollectionState
	first := pay(env, time.Hour, workflows.PaymentRecord{ID: "v1", Means: order.PayBankTransfer, Reference: "VIR-1", Amount: 2000, Agent: agent, Source: workflows.PaymentFromAgent})
	env.RegisterDelayedCallback(func() { between = collection(t, env) }, 2*time.Hour)
	unconfirmed := pay(env, 3*time.Hour, workflows.PaymentRecord{ID: "v2", Means: order.PayBankTransfer, Reference: "VIR-2", Amount: 3000, Agent: agent, Source: workflows.PaymentFromAgent})
	second := pay(env, 4*time.Hour, workflows.PaymentRecord{ID: "v3", Means: order.PayBankTransfer, Reference: "VIR-2", Amount: 3000, Agent: agent, Source: workflows.PaymentFromAgent, ConfirmOverpayment: true})
	expectPayment(env, "v1", order.PayBankTransfer, 2000, 2180)
	expectPayment(env, "v3", order.PayBankTransfer, 3000, 0)
	expectComplete(env, order.PayBankTransfer, false)
	env.OnActivity(orders.RecordEvent, mock.Anything, mock.MatchedBy(func(in activities.NoteInput) bool {
		return in.Kind == "overpayment" && strings.Contains(in.Message, "8,20")
	})).Return(nil).Once()
	env.OnWorkflow(workflows.ProcSettleDifference, mock.Anything, mock.MatchedBy(func(in workflows.SettleInput) bool {
		return in.Refund == 820 && in.Method == order.PayBankTransfer && in.Agent == agent
	})).Return(workflows.SettleResult{}, nil).Once()
	expectConfirmation(env, 5000)
	in := collectInput(activities.CollectManual)
	in.AutoConfirm = true

	env.ExecuteWorkflow(workflows.CollectPayment, in)

	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, workflows.PaymentAck{Received: 2000, Balance: 2180}, first.result)
	require.ErrorContains(t, unconfirmed.err, "amount: €30.00 is €8.20 more than the €21.80 due: confirm the overpayment")
	require.Equal(t, workflows.PaymentAck{Received: 5000, Overpaid: 820}, second.result)
	require.Equal(t, int64(2180), between.Balance)
	require.True(t, between.Waiting)
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, int64(820), res.Overpaid)
}

// The durable reminders: an email after 7 days, an agent task after 14, the
// order cancelled with an email after 30; the details line says what comes
// next and when. The partial payment received is due back.
func TestCollectRemindersThenCancellation(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayCheque)
	day := 24 * time.Hour
	start := env.Now()
	var atDay1, atDay8, atDay15 workflows.CollectionState
	env.RegisterDelayedCallback(func() { atDay1 = collection(t, env) }, day)
	env.RegisterDelayedCallback(func() { atDay8 = collection(t, env) }, 8*day)
	env.RegisterDelayedCallback(func() { atDay15 = collection(t, env) }, 15*day)
	partial := pay(env, 2*day, workflows.PaymentRecord{ID: "m1", Means: order.PayMoneyOrder, Amount: 1000, Agent: "luc@boutique.fr", Source: workflows.PaymentFromAgent})
	expectPayment(env, "m1", order.PayMoneyOrder, 1000, 3180)
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailReminder && in.Amount == 3180 && in.Deadline.Equal(start.Add(30*day))
	})).Return(activities.EmailRef{ID: 70}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 70}).Return(nil).Once()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Kind == workflows.TaskPaymentOverdue && in.Amount == 3180 && strings.Contains(in.Question, "31,80")
	})).Return(activities.TaskRef{ID: 12}, nil).Once()
	env.OnActivity(orders.CloseTask, mock.Anything, mock.MatchedBy(func(in activities.CloseTaskInput) bool {
		return in.Status == "cancelled"
	})).Return(nil).Once()
	env.OnActivity(collect.CancelUnpaid, mock.Anything, mock.MatchedBy(func(in activities.CancelUnpaidInput) bool {
		return in.Key == wfID+"/cancel" && !in.BalanceDue && strings.Contains(in.Reason, "non reçu")
	})).Return(activities.CancelUnpaidOutput{Cancelled: true}, nil).Once()
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailCancelled && in.Amount == 3180 && in.Balance == 1000
	})).Return(activities.EmailRef{ID: 71}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 71}).Return(nil).Once()
	env.OnActivity(orders.RecordEvent, mock.Anything, mock.MatchedBy(func(in activities.NoteInput) bool {
		return in.Kind == "refund_due" && strings.Contains(in.Message, "10,00")
	})).Return(nil).Once()

	env.ExecuteWorkflow(workflows.CollectPayment, collectInput(activities.CollectManual))

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, partial.err)
	require.Equal(t, "email", atDay1.Next.Kind)
	require.True(t, start.Add(7*day).Equal(atDay1.Next.At), "next at %v", atDay1.Next.At)
	require.Len(t, atDay1.Schedule, 3)
	require.Equal(t, "task", atDay8.Next.Kind)
	require.True(t, atDay8.Schedule[0].Done)
	require.Equal(t, "cancel", atDay15.Next.Kind)
	require.True(t, start.Add(30*day).Equal(atDay15.Next.At), "next at %v", atDay15.Next.At)
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectCancelled, res.Outcome)
	require.Equal(t, int64(1000), res.RefundDue)
}

// A payment stops the reminders: paid on day 10, after the reminder email,
// no task is opened and nothing is cancelled.
func TestCollectPaymentStopsTheReminders(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayCheque)
	day := 24 * time.Hour
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailReminder
	})).Return(activities.EmailRef{ID: 70}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 70}).Return(nil).Once()
	pay(env, 10*day, workflows.PaymentRecord{ID: "c1", Means: order.PayCheque, Amount: 4180, Agent: "luc@boutique.fr", Source: workflows.PaymentFromAgent})
	expectPayment(env, "c1", order.PayCheque, 4180, 0)
	expectComplete(env, order.PayCheque, false)
	in := collectInput(activities.CollectManual)
	in.ConfirmWait = day // nobody presses the button: the procedure ends without it

	env.ExecuteWorkflow(workflows.CollectPayment, in)

	require.NoError(t, env.GetWorkflowError())
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.Zero(t, res.ConfirmationEmailID)
	require.Less(t, time.Until(env.Now()), 12*day, "the procedure waited for the cancellation timer")
}

// The agent task: « Continuer d'attendre » closes it at once, saying who
// answered and what, while the procedure keeps waiting; the status shows no
// task once it is answered, a second answer is refused as no longer asked,
// and the payment that comes later completes the order.
func TestCollectKeepWaitingClosesTheTaskAndWaitsOn(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayCheque)
	day := 24 * time.Hour
	in := collectInput(activities.CollectManual)
	in.Reminders.Email = 0
	in.ConfirmWait = day
	env.OnActivity(orders.OpenTask, mock.Anything, mock.MatchedBy(func(in activities.TaskInput) bool {
		return in.Key == wfID+"/task/overdue" && in.Kind == workflows.TaskPaymentOverdue && in.Amount == 4180
	})).Return(activities.TaskRef{ID: 12}, nil).Once()
	var open, answered workflows.State
	env.RegisterDelayedCallback(func() { open = status(t, env) }, 14*day+time.Hour)
	noAgent := update(env, 15*day, workflows.UpdateAnswerTask, "a0", workflows.TaskAnswer{TaskID: 12, Outcome: workflows.AnswerKeepWaiting})
	ok := update(env, 15*day+time.Minute, workflows.UpdateAnswerTask, "a1", workflows.TaskAnswer{TaskID: 12, Outcome: workflows.AnswerKeepWaiting, Agent: "luc@boutique.fr"})
	env.OnActivity(orders.CloseTask, mock.Anything, activities.CloseTaskInput{
		OrderNumber: "C-2026-000202", Actor: activities.Actor{WorkflowID: wfID, Agent: "marie@boutique.fr"}, Key: wfID + "/task/overdue",
		Status: "answered", Summary: "continuer d'attendre le paiement", Said: locale.Phr("history.answer.keep_waiting"), By: "luc@boutique.fr",
	}).Return(nil).Once()
	env.RegisterDelayedCallback(func() { answered = status(t, env) }, 15*day+time.Hour)
	again := update(env, 16*day, workflows.UpdateAnswerTask, "a2", workflows.TaskAnswer{TaskID: 12, Outcome: workflows.AnswerCancelOrder, Agent: "jean@boutique.fr"})
	pay(env, 20*day, workflows.PaymentRecord{ID: "c1", Means: order.PayCheque, Amount: 4180, Agent: "luc@boutique.fr", Source: workflows.PaymentFromAgent})
	expectPayment(env, "c1", order.PayCheque, 4180, 0)
	expectComplete(env, order.PayCheque, false)

	env.ExecuteWorkflow(workflows.CollectPayment, in)

	require.NoError(t, env.GetWorkflowError())
	require.NotNil(t, open.Task)
	require.Equal(t, int64(12), open.Task.ID)
	require.ErrorContains(t, noAgent.err, "Say which agent answers")
	require.NoError(t, ok.err)
	require.Nil(t, answered.Task)
	require.ErrorContains(t, again.err, "not waiting for an answer")
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.Equal(t, int64(12), res.TaskID)
}

// The agent task: « Annuler la commande » cancels at once.
func TestCollectAgentCancelsFromTheOverdueTask(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayCheque)
	day := 24 * time.Hour
	in := collectInput(activities.CollectManual)
	in.Reminders.Email = 0 // no reminder email in this shop
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 12}, nil).Once()
	wrong := update(env, 15*day, workflows.UpdateAnswerTask, "a0", workflows.TaskAnswer{TaskID: 12, Outcome: "refund_done", Agent: "luc@boutique.fr"})
	ok := update(env, 15*day+time.Minute, workflows.UpdateAnswerTask, "a1", workflows.TaskAnswer{TaskID: 12, Outcome: workflows.AnswerCancelOrder, Agent: "luc@boutique.fr"})
	env.OnActivity(orders.CloseTask, mock.Anything, mock.MatchedBy(func(in activities.CloseTaskInput) bool {
		return in.Status == "answered" && in.By == "luc@boutique.fr"
	})).Return(nil).Once()
	env.OnActivity(collect.CancelUnpaid, mock.Anything, mock.MatchedBy(func(in activities.CancelUnpaidInput) bool {
		return strings.Contains(in.Reason, "luc@boutique.fr")
	})).Return(activities.CancelUnpaidOutput{Cancelled: true}, nil).Once()
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.Anything).Return(activities.EmailRef{ID: 71}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, mock.Anything).Return(nil).Once()

	env.ExecuteWorkflow(workflows.CollectPayment, in)

	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, wrong.err, `"refund_done" is not an answer`)
	require.NoError(t, ok.err)
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectCancelled, res.Outcome)
	require.Equal(t, int64(12), res.TaskID)
	require.Less(t, time.Until(env.Now()), 16*day)
}

// Balance due: modify content raised a paid order's total by 6,90 € (free
// shipping lost). The supplementary invoice goes with a link; the provider
// pays it; the order's status stays paid.
func TestCollectBalanceDue(t *testing.T) {
	env := newCollectEnv(t)
	env.OnActivity(collect.BeginCollection, mock.Anything, mock.MatchedBy(func(in activities.BeginCollectionInput) bool {
		return in.BalanceDue == 690 && in.Reason == "livraison gratuite perdue"
	})).Return(activities.BeginCollectionOutput{Due: 690, Total: 4870, Currency: "EUR", Method: order.PayCard, Status: order.StatusPaid}, nil).Once()
	env.OnActivity(collect.IssueInvoice, mock.Anything, mock.MatchedBy(func(in activities.IssueInvoiceInput) bool {
		return in.WithLink && in.Reason == "livraison gratuite perdue"
	})).Return(activities.InvoiceRef{Number: "F-2026-000008", Total: 690, PaymentLink: "https://pay.test/F-2026-000008", Status: "issued"}, nil).Once()
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailInvoice && in.BalanceDue && in.Amount == 690
	})).Return(activities.EmailRef{ID: 80}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 80}).Return(nil).Once()
	pay(env, time.Hour, workflows.PaymentRecord{ID: "evt_9", Amount: 690, Source: workflows.PaymentFromProvider})
	expectPayment(env, "evt_9", order.PayCard, 690, 0)
	env.OnActivity(collect.CompletePayment, mock.Anything, mock.MatchedBy(func(in activities.CompletePaymentInput) bool { return in.BalanceDue })).
		Return(activities.InvoiceRef{Number: "F-2026-000008", Total: 690, Status: "paid"}, nil).Once()
	env.OnActivity(collect.QueuePaymentEmail, mock.Anything, mock.MatchedBy(func(in activities.PaymentEmailInput) bool {
		return in.Kind == activities.PaymentEmailConfirmation && in.BalanceDue && in.Amount == 690
	})).Return(activities.EmailRef{ID: 91}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 91}).Return(nil).Once()
	in := collectInput(activities.CollectLink)
	in.BalanceDue, in.Reason = 690, "livraison gratuite perdue"

	env.ExecuteWorkflow(workflows.CollectPayment, in)

	require.NoError(t, env.GetWorkflowError())
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.Equal(t, "F-2026-000008", res.Invoice)
}

// An order that is not awaiting a payment is refused at the first step,
// and nothing else runs.
func TestCollectRefusedWhenTheOrderIsNotAwaitingPayment(t *testing.T) {
	env := newCollectEnv(t)
	env.OnActivity(collect.BeginCollection, mock.Anything, mock.Anything).Return(activities.BeginCollectionOutput{},
		temporal.NewNonRetryableApplicationError("order C-2026-000202 is shipped (Expédiée): it is not awaiting a payment", activities.ErrTypeInvalidInput, nil)).Once()

	env.ExecuteWorkflow(workflows.CollectPayment, collectInput(activities.CollectManual))

	err := env.GetWorkflowError()
	require.ErrorContains(t, err, "not awaiting a payment")
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app))
}

func TestNotifyNewOrder(t *testing.T) {
	env := newCollectEnv(t)
	env.OnActivity(collect.NotifyMerchant, mock.Anything, mock.MatchedBy(func(in activities.NotifyMerchantInput) bool {
		return in.Kind == activities.MerchantNewOrder && in.Key == "notify-new-order/C-2026-000202"
	})).Return(activities.EmailRef{ID: 5}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 5}).Return(nil).Once()
	env.ExecuteWorkflow(workflows.NotifyNewOrder, workflows.NotifyNewOrderInput{OrderNumber: "C-2026-000202"})
	require.NoError(t, env.GetWorkflowError())
}

// Modify content removes items of a cheque order whose collection waits:
// the customer has not sent the cheque yet, so the collection re-reads
// what the order owes (51,90 € in place of 70,00 €) and waits for that; its
// reminders keep their schedule, and the 51,90 € cheque pays the order.
func TestCollectOrderChangedWaitsForTheNewBalance(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 7000, order.PayCheque)
	agent := "luc@boutique.fr"
	var before, after workflows.CollectionState
	env.RegisterDelayedCallback(func() { before = collection(t, env) }, 30*time.Minute)
	changed := update(env, time.Hour, workflows.UpdateOrderChanged, "order-changed/modify-content/C-2026-000202/m1",
		activities.OrderChanged{By: "modify-content/C-2026-000202/m1", Agent: agent})
	env.RegisterDelayedCallback(func() { after = collection(t, env) }, 90*time.Minute)
	env.OnActivity(collect.RereadDue, mock.Anything, mock.MatchedBy(func(in activities.RereadDueInput) bool {
		return in.Key == wfID+"/order-changed/modify-content/C-2026-000202/m1" && in.By == "modify-content/C-2026-000202/m1"
	})).Return(activities.RereadDueOutput{Total: 5190, Balance: 5190, Currency: "EUR"}, nil).Once()
	overpaying := pay(env, 2*time.Hour, workflows.PaymentRecord{ID: "p0", Means: order.PayCheque, Amount: 7000, Agent: agent, Source: workflows.PaymentFromAgent})
	paid := pay(env, 3*time.Hour, workflows.PaymentRecord{ID: "p1", Means: order.PayCheque, Amount: 5190, Agent: agent, Source: workflows.PaymentFromAgent})
	expectPayment(env, "p1", order.PayCheque, 5190, 0)
	expectComplete(env, order.PayCheque, false)
	expectConfirmation(env, 5190)
	in := collectInput(activities.CollectManual)
	in.AutoConfirm = true

	env.ExecuteWorkflow(workflows.CollectPayment, in)

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, changed.err)
	require.Equal(t, workflows.PaymentAck{Balance: 5190}, changed.result)
	require.Equal(t, int64(7000), before.Balance)
	require.Equal(t, int64(5190), after.Balance)
	require.Equal(t, int64(5190), after.Due)
	require.Equal(t, before.Schedule, after.Schedule, "the reminders keep their schedule")
	require.ErrorContains(t, overpaying.err, "amount: €70.00 is €18.10 more than the €51.90 due")
	require.Equal(t, workflows.PaymentAck{Received: 5190}, paid.result)
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.Equal(t, int64(5190), res.Due)
	require.Zero(t, res.Overpaid)
}

// Cancel/refund cancels all of an order whose collection waits: nothing is
// left to pay and nothing was received. The collection ends without a
// payment: its task would be moot, the order is not marked paid, no
// customer email goes, and nothing is due back.
func TestCollectOrderChangedToNothingDueEnds(t *testing.T) {
	env := newCollectEnv(t)
	expectBegin(env, 4180, order.PayCheque)
	changed := update(env, time.Hour, workflows.UpdateOrderChanged, "order-changed/x", activities.OrderChanged{By: "cancel-refund/C-2026-000202/c1"})
	env.OnActivity(collect.RereadDue, mock.Anything, mock.Anything).Return(activities.RereadDueOutput{Total: 0, Balance: 0, Currency: "EUR"}, nil).Once()
	env.OnActivity(collect.CancelUnpaid, mock.Anything, mock.MatchedBy(func(in activities.CancelUnpaidInput) bool {
		return in.NothingDue && !in.BalanceDue && in.Key == wfID+"/nothing-due"
	})).Return(activities.CancelUnpaidOutput{}, nil).Once()

	env.ExecuteWorkflow(workflows.CollectPayment, collectInput(activities.CollectManual))

	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, changed.err)
	var res workflows.CollectPaymentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.CollectNothingDue, res.Outcome)
	require.Zero(t, res.RefundDue)
}

// Modify content tells the order's running collection of the new total
// once it settled the difference, except when the customer's cheque of the
// old total is in the post (the collection waits for that cheque) or when
// the settlement asks the difference through a collection of its own.
func TestModifyContentTellsTheRunningCollection(t *testing.T) {
	for _, c := range []struct {
		name    string
		paid    int64
		method  order.PaymentMethod
		outcome string
		tells   bool
	}{
		{"cheque not sent: a cheque of the new total", 0, order.PayCheque, activities.OutcomeChequeReplaced, true},
		{"cheque in the post: its difference goes back", 0, order.PayCheque, activities.OutcomeChequeRefund, false},
		{"unpaid transfer: nothing to settle", 0, order.PayBankTransfer, activities.OutcomeNone, true},
		{"paid by card: refunded", 3190, order.PayCard, activities.OutcomeRefunded, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
			env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(changed(c.paid, c.method), nil).Once()
			env.OnWorkflow(workflows.ProcSettleDifference, mock.Anything, mock.Anything).Return(workflows.SettleResult{Outcome: c.outcome}, nil).Maybe()
			told := 0
			env.OnActivity(collect.TellCollection, mock.Anything, mock.MatchedBy(func(in activities.TellCollectionInput) bool {
				return in.OrderNumber == "C-2026-000101" && in.Actor.WorkflowID == wfID
			})).Run(func(mock.Arguments) { told++ }).Return([]string{"collect-payment/C-2026-000101/r1"}, nil).Maybe()
			env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()
			in := input()
			in.Lean = false // started before lean procedures: settled in a child
			in.SkipEmail = true

			env.ExecuteWorkflow(workflows.ModifyContent, in)

			require.NoError(t, env.GetWorkflowError())
			want := 0
			if c.tells {
				want = 1
			}
			require.Equal(t, want, told)
		})
	}
}
