package starter_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// provider is the sandbox payment provider over HTTP, registered for cards
// and for payouts to an IBAN.
func provider(t *testing.T, opts sandbox.Options) (*sandbox.Server, *payments.Registry) {
	t.Helper()
	opts.APIKey = "sk_test"
	sb := sandbox.NewServer(opts)
	url, err := sb.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	gw := &sandbox.Client{BaseURL: url, APIKey: "sk_test"}
	reg := payments.NewRegistry()
	reg.Set(order.PayCard, gw)
	reg.Set(order.PayBankTransfer, gw)
	return sb, reg
}

func refundsOf(t *testing.T, s stack, o order.Order) []store.Refund {
	t.Helper()
	rs, err := s.store.ListRefunds(context.Background(), o.ID)
	require.NoError(t, err)
	return rs
}

func TestCardRefundedAutomaticallyThroughTheProvider(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000911", order.LogisticsAwaitingPrinting)

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "auto"))
	require.NoError(t, err)
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	held := sb.Refunds()
	require.Len(t, held, 1)
	require.Equal(t, int64(560), held[0].Amount)
	require.Equal(t, "ch_C-2026-000911", held[0].PaymentRef)
	rs := refundsOf(t, s, o)
	require.Len(t, rs, 1)
	require.Equal(t, store.RefundSucceeded, rs[0].Status)
	require.Equal(t, held[0].ID, rs[0].ProviderRef)
	require.Equal(t, held[0].IdempotencyKey, rs[0].IdempotencyKey)
	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.Contains(t, emails[0].BodyText, "5,60")
}

func TestExpiredCardThenBankTransferToTheCustomersIBAN(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000912", order.LogisticsAwaitingPrinting, order.PayCard, "ch_expired_912")

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "expired"))
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskPayback, task.Kind)
	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerPaybackTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 188", AccountName: "Camille Martin", Agent: "luc@boutique.fr"})
	require.ErrorContains(t, err, "iban", "a mistyped IBAN is refused")
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerPaybackTransfer, IBAN: "FR76 3000 6000 0112 3456 7890 189", AccountName: "Camille Martin", Agent: "luc@boutique.fr"}))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	require.Equal(t, activities.OutcomeBankTransfer, res.Outcome)
	recordHistory(t, s.client, run.WorkflowID, "settled_inside_declined_then_bank_transfer")
	require.Empty(t, sb.Refunds(), "nothing went back on the expired card")
	require.Len(t, sb.Payouts(), 1)
	require.Equal(t, int64(560), sb.Payouts()[0].Amount)
	rs := refundsOf(t, s, o)
	require.Len(t, rs, 2)
	require.Equal(t, store.RefundImpossible, rs[0].Status)
	require.Equal(t, "bank_transfer", rs[1].Method)
	require.Equal(t, store.RefundSucceeded, rs[1].Status)
	paid, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(4440), paid, "paid 50 €, 5,60 € given back once")
}

func TestChequeAlreadySentGetsARefundChequeToTheChosenAddress(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000913", order.LogisticsAwaitingPrinting, order.PayCheque, "")

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "cheque"))
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskChequeSent, task.Kind)
	// The cheque in the post is for the old 50 €; the order is now 37,50 € +
	// 6,90 € of shipping (free shipping lost): 5,60 € too much.
	require.Equal(t, int64(560), task.Amount)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerChequeSent, Address: "billing", Agent: "luc@boutique.fr"}))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeChequeRefund, res.Outcome)

	cheques, err := s.store.ListChequeRequests(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, cheques, 1)
	require.Equal(t, int64(560), cheques[0].Amount)
	require.Equal(t, "Lyon", cheques[0].Address.City)
	require.Equal(t, store.ChequeRequested, cheques[0].Status)

	// The tracking procedure waits for the cheque to be mailed. The
	// customer's cheque arrives and is recorded first.
	_, err = s.store.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: "cheque", Amount: o.Totals.Total, Reference: "chèque client 555"})
	require.NoError(t, err)
	mailed := waitForTask(t, s, run.WorkflowID+"/settle/refund/mail-cheque")
	require.Equal(t, workflows.TaskChequeMailed, mailed.Kind)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: mailed.ID, Outcome: workflows.AnswerChequeMailed, Reference: "0001234", Agent: "luc@boutique.fr"}))
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID+"/settle/refund/mail-cheque", nil))
	cheques, err = s.store.ListChequeRequests(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, store.ChequeMailed, cheques[0].Status)
	recordHistory(t, s.client, run.WorkflowID, "settled_inside_cheque_sent")
	recordHistory(t, s.client, run.WorkflowID+"/settle/refund/mail-cheque", "mail_cheque")
	rs := refundsOf(t, s, o)
	require.Len(t, rs, 1)
	require.Equal(t, store.RefundSucceeded, rs[0].Status)
	require.Equal(t, "cheque", rs[0].Method)
}

func TestChequeNotSentIsReplacedByAChequeOfTheNewTotal(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000914", order.LogisticsAwaitingPrinting, order.PayCheque, "")

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "cheque"))
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerChequeNotSent, Agent: "luc@boutique.fr"}))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	require.Equal(t, activities.OutcomeChequeReplaced, res.Outcome)
	require.Empty(t, refundsOf(t, s, o), "no money to give back: the first cheque is never cashed")
	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.Contains(t, emails[0].BodyText, "44,40", "the new cheque's amount")
}

func TestTwoAgentsRefundingTheSameOrderAtOnceRefundItOnce(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000915", order.LogisticsShipped)

	// The second agent is refused either when starting (the first refund is
	// already reserved) or inside the procedure (the store refuses the
	// refund row under the order's lock): both are right, one refund moves.
	runs := make([]starter.Run, 2)
	startErrs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i], startErrs[i] = s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
				OrderNumber: o.Number, RequestID: fmt.Sprintf("agent-%d", i), Agent: []string{"marie@boutique.fr", "luc@boutique.fr"}[i],
				Refund: 5000, Reason: "geste commercial",
			})
		}()
	}
	wg.Wait()
	var succeeded, refused int
	for i, r := range runs {
		if startErrs[i] != nil {
			// Refused at the start: the first refund is reserved ("above
			// what was paid net") or already made ("refunded in full").
			var fe *order.FieldError
			require.ErrorAs(t, startErrs[i], &fe)
			require.Equal(t, "refund", fe.Field, "the refusal names the amount: %v", startErrs[i])
			refused++
			continue
		}
		var res workflows.CancelRefundResult
		if err := s.starter.Result(ctx, r.WorkflowID, &res); err != nil {
			// Refused inside: by the store under the order's lock while the
			// first refund is reserved, or by the check of the refund once
			// the first one is made.
			require.Regexp(t, `paid net of earlier refunds|refunded in full`, err.Error())
			refused++
			continue
		}
		require.Equal(t, activities.OutcomeRefunded, res.Outcome)
		succeeded++
	}
	require.Equal(t, 1, succeeded)
	require.Equal(t, 1, refused)
	require.Len(t, sb.Refunds(), 1)
	paid, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Zero(t, paid)
}

// TestWorkerCrashAfterTheProviderRefundedRefundsOnce stops the worker after
// the provider recorded the refund and before the activity could report
// back; a new worker takes over and the refund is not made twice.
func TestWorkerCrashAfterTheProviderRefundedRefundsOnce(t *testing.T) {
	committed := make(chan sandbox.Transfer, 1)
	release := make(chan struct{})
	var once sync.Once
	sb, reg := provider(t, sandbox.Options{AfterCommit: func(tr sandbox.Transfer) {
		once.Do(func() {
			committed <- tr
			<-release // the first worker dies while the provider holds the answer
		})
	}})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000916", order.LogisticsAwaitingPrinting)
	first := worker.New(s.client, s.deps, worker.Options{TaskQueue: s.queue + "-crash"})
	require.NoError(t, first.Start())
	crashStarter := starter.New(s.client, s.store, starter.Options{TaskQueue: s.queue + "-crash"})

	run, err := crashStarter.ModifyContent(ctx, removeOneMug(o, "crash"))
	require.NoError(t, err)
	var tr sandbox.Transfer
	select {
	case tr = <-committed:
	case <-time.After(30 * time.Second):
		t.Fatal("the provider never received the refund")
	}
	stopped := make(chan struct{})
	go func() { first.Stop(); close(stopped) }()
	time.Sleep(200 * time.Millisecond)
	close(release)
	<-stopped

	second := worker.New(s.client, s.deps, worker.Options{TaskQueue: s.queue + "-crash"})
	require.NoError(t, second.Start())
	defer second.Stop()
	var res workflows.ModifyContentResult
	require.NoError(t, crashStarter.Result(ctx, run.WorkflowID, &res))

	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Len(t, sb.Refunds(), 1, "the provider holds one refund")
	require.Equal(t, 1, sb.KeyCount(tr.IdempotencyKey))
	require.GreaterOrEqual(t, sb.Requests(tr.IdempotencyKey), 2, "the refund was asked again after the crash, with the same key")
	rs := refundsOf(t, s, o)
	require.Len(t, rs, 1, "the database holds one refund")
	require.Equal(t, store.RefundSucceeded, rs[0].Status)
	require.Equal(t, tr.ID, rs[0].ProviderRef)
}

// TestProviderOutageAndErrorsRefundEachOrderOnce runs procedures against a
// provider that fails half its requests and goes down for a while: every
// procedure completes and none refunds twice.
func TestProviderOutageAndErrorsRefundEachOrderOnce(t *testing.T) {
	t.Parallel()
	// MaxStreak bounds the failures each refund sees, a 503 or a cut
	// response (eight cost Temporal's backoff four minutes), not the rate
	// of failures.
	sb, reg := provider(t, sandbox.Options{Faults: sandbox.Faults{ErrorRate: 0.5, DropRate: 0.2, Seed: 7, MaxStreak: 3}})
	sb.OutageFor(3 * time.Second)
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	const n = 6
	var orders []order.Order
	var runs []starter.Run
	for i := range n {
		o := insertCardOrder(t, s.store, fmt.Sprintf("C-2026-00092%d", i), order.LogisticsAwaitingPrinting)
		run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "outage"))
		require.NoError(t, err)
		orders, runs = append(orders, o), append(runs, run)
	}
	for i, run := range runs {
		var res workflows.ModifyContentResult
		require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res), "procedure %d", i)
		require.Equal(t, activities.OutcomeRefunded, res.Outcome)
		rs := refundsOf(t, s, orders[i])
		require.Len(t, rs, 1)
		require.Equal(t, store.RefundSucceeded, rs[0].Status)
		require.Equal(t, 1, sb.KeyCount(rs[0].IdempotencyKey), "order %s refunded once at the provider", orders[i].Number)
	}
	require.Len(t, sb.Refunds(), n)
	var asked int
	for _, r := range sb.Refunds() {
		asked += sb.Requests(r.IdempotencyKey)
	}
	t.Logf("%d refunds took %d requests to the failing provider", n, asked)
	require.Greater(t, asked, n, "the faults fired")
}
