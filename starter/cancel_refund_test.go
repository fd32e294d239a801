package starter_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

func TestCancelEverythingRefundedByHandAndTheCustomerTold(t *testing.T) {
	t.Parallel()
	s := newStack(t) // no gateway: PayPal is refunded by hand
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000931", order.LogisticsAwaitingPrinting, order.PayPayPal, "PAYID-931")
	paid, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	req := order.CancelRequest{Cancel: order.DefaultCancel(o), Notify: true}
	req.Refund = order.DefaultRefund(o, req, order.PaidOnly(paid))
	require.Equal(t, int64(5000), req.Refund, "everything cancelled: everything paid back by default")

	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "all", Agent: "marie@boutique.fr", Cancel: req.Cancel, Refund: req.Refund, Notify: true,
	})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskRefundByHand, task.Kind)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, ProviderRef: "PP-REF-1", Agent: "luc@boutique.fr"}))
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	recordHistory(t, s.client, run.WorkflowID, "cancel_refund_all")

	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusCancelled, after.Status)
	require.Zero(t, after.Totals.Total)
	paid, err = s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Zero(t, paid)
	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.Equal(t, "cancel_refund", emails[0].Template)
	require.Contains(t, emails[0].BodyText, "50,00")
	require.Contains(t, emails[0].BodyText, "Mug Tour Eiffel")

	// Nothing is left to cancel or refund: a second request is refused.
	_, err = s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "again", Agent: "marie@boutique.fr", Refund: 100, Reason: "geste",
	})
	require.ErrorContains(t, err, "refund")
}

func TestRefundAboveTheLimitWaitsForASupervisorWhoDidNotAskForIt(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{Settings: workflows.Settings{ApproveAbove: 2000}})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000932", order.LogisticsShipped)

	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "big", Agent: "sophie@boutique.fr", Role: "supervisor", Refund: 3000, Reason: "colis abîmé",
	})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskApproveRefund, task.Kind)
	require.Empty(t, sb.Refunds(), "no money moves before the approval")

	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "luc@boutique.fr", Role: "agent"})
	// The procedure's refusals come back typed, naming their field for the
	// form, and the French UI says them in French.
	refusedInFrench(t, err, "role", "refusal.approver_not_supervisor", "Seul un superviseur approuve une sortie d'argent au-delà du plafond")
	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "sophie@boutique.fr", Role: "supervisor"})
	refusedInFrench(t, err, "approver", "refusal.approver_is_requester", "sophie@boutique.fr a fait cette demande et ne peut pas l'approuver : un autre superviseur doit le faire.")
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerApprove, Agent: "paul@boutique.fr", Role: "supervisor"}))

	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Len(t, sb.Refunds(), 1)
	require.Equal(t, int64(3000), sb.Refunds()[0].Amount)
	closed, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskAnswered, closed.Status)
	require.Equal(t, "paul@boutique.fr", closed.AnsweredBy)
}

func TestARefundAfterTheInvoiceIssuesACreditNoteEqualToIt(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000933", order.LogisticsShipped)
	inv, err := s.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "inv-933", OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)

	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "gesture", Agent: "marie@boutique.fr", Refund: 1250, Reason: "colis en retard",
	})
	require.NoError(t, err)
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.NotEmpty(t, res.Settlement.CreditNote)
	notes, err := s.store.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1)
	require.Equal(t, res.Settlement.CreditNote, notes[0].Number)
	require.Equal(t, inv.Number, notes[0].InvoiceNumber)
	require.Equal(t, int64(1250), notes[0].Total, "the credit note equals the refund")
}

// Cancelling an item of an invoiced order changes what the order holds,
// so it no longer matches its invoice: the refund still gets its credit
// note, against that invoice, equal to what went back to the customer.
func TestCancellingAnInvoicedItemIssuesACreditNoteForItsRefund(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000941", order.LogisticsAwaitingPrinting)
	inv, err := s.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "inv-941", OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)

	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "one-mug", Agent: "marie@boutique.fr",
		Cancel: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, RefundDefault: true,
	})
	require.NoError(t, err)
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Len(t, sb.Refunds(), 1)
	refunded := sb.Refunds()[0].Amount
	require.Equal(t, int64(1250), refunded, "one mug goes back to the card")
	notes, err := s.store.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1, "the refund of an invoiced item has its credit note")
	require.Equal(t, res.Settlement.CreditNote, notes[0].Number)
	require.Equal(t, inv.Number, notes[0].InvoiceNumber)
	require.Equal(t, refunded, notes[0].Total, "the credit note equals the refund")
}

func TestAHigherTotalAfterPaymentStartsCollectingTheBalance(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000934", order.LogisticsAwaitingPrinting)
	price := int64(1500)
	run, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "dearer", Agent: "marie@boutique.fr", Channel: order.ContactEmail, Notify: true,
		Change: order.ContentChange{Edits: []order.LineEdit{{LineID: o.Lines[0].ID, UnitPrice: &price}}, RecalcShipping: true},
	})
	require.NoError(t, err)
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	// Two mugs at 15 € instead of 12,50 €: 5 € more than the 50 € paid.
	require.Equal(t, activities.OutcomeBalanceDue, res.Outcome)
	require.Equal(t, int64(500), res.Settlement.BalanceDue)
	collect := run.WorkflowID + "/settle/collect"
	require.Eventually(t, func() bool {
		var c workflows.CollectionState
		v, err := s.client.QueryWorkflow(ctx, collect, "", workflows.QueryCollection)
		return err == nil && v.Get(&c) == nil && c.Due == 500
	}, 10*time.Second, 100*time.Millisecond, "collect-payment asks the customer for the 5 €")
	require.NoError(t, s.client.CancelWorkflow(ctx, collect, ""))
}

// A refund without cancelling anything, on an order already cancelled in
// full: the money goes back, the customer is told the amount, and the
// procedure ends well.
func TestARefundOnACancelledOrderIsMadeAndTold(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000935", order.LogisticsAwaitingPrinting)

	// Everything cancelled, 40 € of the 50 € paid given back.
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "all", Agent: "marie@boutique.fr", Cancel: order.DefaultCancel(o), Refund: 4000,
	})
	require.NoError(t, err)
	var first workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &first))
	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusCancelled, after.Status)

	// The 10 € left, later, with the customer told.
	run, err = s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "rest", Agent: "marie@boutique.fr", Refund: 1000, Reason: "solde de la commande annulée", Notify: true,
	})
	require.NoError(t, err)
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res), "the procedure ends well")
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Len(t, sb.Refunds(), 2)
	require.Equal(t, int64(1000), sb.Refunds()[1].Amount)
	paid, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Zero(t, paid)

	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.Equal(t, "Remboursement sur votre commande "+o.Number, emails[0].Subject)
	require.Contains(t, emails[0].BodyText, "Nous vous avons remboursé 10,00\u00a0€")
	require.Contains(t, emails[0].BodyText, "solde de la commande annulée")
	require.NotContains(t, emails[0].BodyText, "a été annulée. Article")
}

// The refund typed by no one follows the items cancelled: one mug of the
// 50 € order frees up 12,50 €, whatever the form proposed for everything.
func TestTheDefaultRefundFollowsTheItemsCancelled(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000936", order.LogisticsAwaitingPrinting)
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{
		OrderNumber: o.Number, RequestID: "one-mug", Agent: "marie@boutique.fr",
		Cancel: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, Refund: 5000, RefundDefault: true,
	})
	require.NoError(t, err)
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, int64(1250), res.Cancel.Refund)
	require.Len(t, sb.Refunds(), 1)
	require.Equal(t, int64(1250), sb.Refunds()[0].Amount)
	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, int64(3750), after.Totals.Total)
	require.Equal(t, order.StatusPaid, after.Status)
}
