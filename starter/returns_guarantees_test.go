package starter_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// withdrawAll is the return of every item of a shipped order under the
// right of withdrawal, for a refund.
func withdrawAll(o order.Order, requestID string) starter.ReturnRequest {
	var lines []order.ReturnLine
	for _, l := range o.Lines {
		lines = append(lines, order.ReturnLine{LineID: l.ID, Quantity: l.Quantity})
	}
	return starter.ReturnRequest{OrderNumber: o.Number, RequestID: requestID, Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: lines, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}}
}

// A return's worker dies right after the parcel is received, and the
// next one dies after the provider recorded the refund and before it
// heard the answer: a third worker finishes the return, and the customer
// is paid back once, at the provider and in the order's ledger.
func TestAReturnWhoseWorkersDieBetweenReceiptAndRefundRefundsOnce(t *testing.T) {
	committed := make(chan sandbox.Transfer, 1)
	release := make(chan struct{})
	var once sync.Once
	sb, reg := provider(t, sandbox.Options{AfterCommit: func(tr sandbox.Transfer) {
		once.Do(func() {
			committed <- tr
			<-release // the worker dies while the provider holds the answer
		})
	}})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	queue := s.queue + "-crash"
	o := shipWhole(t, s.store, insertCardOrder(t, s.store, "C-2026-000992", order.LogisticsAwaitingPrinting))
	crash := starter.New(s.client, s.store, starter.Options{TaskQueue: queue})

	first := worker.New(s.client, s.deps, worker.Options{TaskQueue: queue})
	require.NoError(t, first.Start())
	run, err := crash.StartReturn(ctx, withdrawAll(o, "crash"))
	require.NoError(t, err)
	require.NotEmpty(t, run.Number)
	_, err = crash.Receive(ctx, starter.ReceiveRequest{Return: run.Number, ParcelID: "6A-RET-992", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	first.Stop() // dies right after the receipt

	second := worker.New(s.client, s.deps, worker.Options{TaskQueue: queue})
	require.NoError(t, second.Start())
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskInspectReturn, task.Kind, "the receipt survived the first worker")
	require.NoError(t, crash.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
	var tr sandbox.Transfer
	select {
	case tr = <-committed:
	case <-time.After(30 * time.Second):
		t.Fatal("the provider never received the refund")
	}
	stopped := make(chan struct{})
	go func() { second.Stop(); close(stopped) }()
	time.Sleep(200 * time.Millisecond)
	close(release)
	<-stopped

	third := worker.New(s.client, s.deps, worker.Options{TaskQueue: queue})
	require.NoError(t, third.Start())
	defer third.Stop()
	var res workflows.ReturnResult
	require.NoError(t, crash.Result(ctx, run.WorkflowID, &res))

	require.Equal(t, activities.ReturnRefunded, res.Status)
	require.Equal(t, activities.OutcomeRefunded, res.Settled.Outcome)
	require.Equal(t, o.Totals.Total, res.Settlement.Refund, "everything back, the delivery too")

	// The provider: one refund, asked again after the crash with the same key.
	require.Len(t, sb.Refunds(), 1, "the provider holds one refund")
	require.Equal(t, o.Totals.Total, sb.Refunds()[0].Amount)
	require.Equal(t, 1, sb.KeyCount(tr.IdempotencyKey))
	require.GreaterOrEqual(t, sb.Requests(tr.IdempotencyKey), 2, "the refund was asked again after the crash, with the same key")

	// The database: one refund row, one refund in the ledger, confirmed.
	rs := refundsOf(t, s, o)
	require.Len(t, rs, 1, "the database holds one refund")
	require.Equal(t, store.RefundSucceeded, rs[0].Status)
	require.Equal(t, o.Totals.Total, rs[0].Amount)
	require.Equal(t, tr.ID, rs[0].ProviderRef)
	require.Equal(t, tr.IdempotencyKey, rs[0].IdempotencyKey)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, map[string]order.RefundState{rs[0].IdempotencyKey: order.RefundConfirmed}, pos.Refunds)
	require.Equal(t, o.Totals.Total, pos.Refunded, "paid back once")
	require.Zero(t, pos.InFlight)
	require.Zero(t, pos.PaidNet, "nothing paid is left, nothing paid back twice")

	r, err := s.store.GetReturn(ctx, run.Number)
	require.NoError(t, err)
	require.Equal(t, store.ReturnRefunded, r.Status)
	require.NotNil(t, r.ParcelID)
	require.Equal(t, "6A-RET-992", *r.ParcelID)
}

// An invoiced order returned in part (two mugs sent back, one accepted):
// the refund of the accepted mug gets one credit note, equal to it, on
// the order's invoice, its VAT split as the domain splits a credit note.
func TestAnInvoicedOrderReturnedInPartGetsOneCreditNoteEqualToTheRefund(t *testing.T) {
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := shipWhole(t, s.store, insertCardOrder(t, s.store, "C-2026-000993", order.LogisticsAwaitingPrinting))
	inv, err := s.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "inv-993", OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)
	mug := o.Lines[0]
	require.Equal(t, "MUG-01", mug.SKU)

	req := starter.ReturnRequest{OrderNumber: o.Number, RequestID: "part", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: mug.ID, Quantity: 2}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}}
	run, err := s.starter.StartReturn(ctx, req)
	require.NoError(t, err)
	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: run.Number, ParcelID: "6A-RET-993", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskInspectReturn, task.Kind)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptPart,
		Lines: []workflows.InspectedLine{{LineID: mug.ID, Accepted: 1, Restocked: true}}, Reason: "un mug ébréché", Agent: "luc@boutique.fr"}))
	var res workflows.ReturnResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	// One mug of the 50 € order back, paid 12,50 €: no delivery (not the
	// whole order), nothing kept.
	want := order.SettleReturn(o, req.Request, []order.ReturnLine{{LineID: mug.ID, Quantity: 1}}, nil, order.DefaultReturnRules(), order.PaidInFull(o.Totals.Total))
	require.Equal(t, int64(1250), want.Refund)
	require.Equal(t, want, res.Settlement)
	require.Equal(t, activities.ReturnRefunded, res.Status)
	require.Equal(t, activities.OutcomeRefunded, res.Settled.Outcome)
	require.Len(t, sb.Refunds(), 1)
	require.Equal(t, want.Refund, sb.Refunds()[0].Amount)
	rs := refundsOf(t, s, o)
	require.Len(t, rs, 1)

	notes, err := s.store.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1, "one credit note for the one refund")
	cn := notes[0]
	require.Equal(t, res.Settled.CreditNote, cn.Number)
	require.Equal(t, inv.Number, cn.InvoiceNumber)
	require.Equal(t, run.WorkflowID+"/credit-note", cn.Key, "one credit note for the return")
	require.Equal(t, want.Refund, cn.Total, "the credit note equals the refund")
	require.Equal(t, want.Credit, cn.Total, "the credit note is what the items back are worth")
	require.Equal(t, order.ReturnCredit(o, []order.ReturnLine{{LineID: mug.ID, Quantity: 1}}, nil, 0, 0).VAT, cn.VAT, "its VAT that of the items back")
	require.Equal(t, []order.VATLine{{Rate: 2000, Net: 1042, VAT: 208, Gross: 1250}}, cn.VAT)
	require.Equal(t, int64(1042), cn.Net)
	require.Equal(t, int64(208), cn.VATTotal)

	r, err := s.store.GetReturn(ctx, run.Number)
	require.NoError(t, err)
	require.Equal(t, store.ReturnRefunded, r.Status)
	require.Len(t, r.Lines, 1)
	require.NotNil(t, r.Lines[0].Accepted)
	require.Equal(t, int64(1), *r.Lines[0].Accepted)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, o.Totals.Total-want.Refund, pos.PaidNet)
}
