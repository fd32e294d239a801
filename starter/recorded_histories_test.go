package starter_test

// Scenarios whose procedures' histories make record-histories keeps for
// the replay test (workflows/replay_test.go): together with the other
// recording tests, every workflow type the worker registers ran here to
// its end on the real stack. Each is a test of its own: what an agent, the
// customer or the shop sees.

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// recordingStack is a collectStack that keeps its Temporal client, to read
// the histories it records.
type recordingStack struct {
	collectStack
	client client.Client
}

// newRecordingStack runs the worker with the test shop (its merchant
// address included) and the shop's settings.
func newRecordingStack(t *testing.T, settings workflows.Settings) recordingStack {
	t.Helper()
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: testShop})
	s := starter.New(c, st, starter.Options{TaskQueue: queue, Settings: settings})
	collector := starter.NewCollector(s, st, starter.CollectOptions{Seller: testShop.Seller, MerchantEmail: testShop.MerchantEmail})
	return recordingStack{collectStack: collectStack{store: st, collector: collector}, client: c}
}

// A new cheque order, from its arrival to its archive: the shop is told it
// arrived; the cheque is late, so the customer gets the reminder email,
// then an agent is asked to chase them and answers to keep waiting; the
// cheque comes, the agent records it and sends the confirmation; the
// customer, who did not get it, has it sent again; the order ships, is
// archived, and brought back.
func TestAChequeOrderFromArrivalToArchive(t *testing.T) {
	s := newRecordingStack(t, workflows.Settings{Reminders: workflows.PaymentReminders{Email: time.Second, Task: 3 * time.Second}})
	ctx := context.Background()
	const agent = "marie@boutique.fr"
	o := insertChequeOrder(t, s.store, "C-2026-000990", order.PayCheque)

	notified, err := s.collector.NotifyNewOrder(ctx, o.Number)
	require.NoError(t, err)
	require.NoError(t, s.collector.Result(ctx, notified.WorkflowID, nil))
	merchant := paymentEmails(t, s.store, o, mail.TemplateMerchantNewOrder)
	require.Len(t, merchant, 1, "the shop is told once of the new order")
	require.Equal(t, testShop.MerchantEmail, merchant[0].ToEmail)
	require.Equal(t, store.EmailSent, merchant[0].Status)

	collection, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	waitCollecting(t, s.collectStack, o.Number)
	require.Eventually(t, func() bool { return len(paymentEmails(t, s.store, o, mail.TemplatePaymentReminder)) == 1 },
		20*time.Second, 100*time.Millisecond, "the reminder email after the shop's delay")
	require.Contains(t, paymentEmails(t, s.store, o, mail.TemplatePaymentReminder)[0].BodyText, "31,90")

	chase := waitTaskOf(t, s.collector, collection.WorkflowID)
	require.Equal(t, workflows.TaskPaymentOverdue, chase.Kind)
	require.Equal(t, int64(3190), chase.Amount)
	require.NoError(t, s.collector.AnswerTask(ctx, workflows.TaskAnswer{TaskID: chase.ID, Outcome: workflows.AnswerKeepWaiting, Agent: agent}))
	st, _, err := s.collector.Collection(ctx, o.Number)
	require.NoError(t, err)
	require.True(t, st.Waiting, "keep waiting: the payment is still awaited")
	require.Equal(t, int64(3190), st.Balance)

	ack, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayCheque, Amount: 3190, Reference: "CHQ 0990"})
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: 3190}, ack)
	require.Eventually(t, func() bool { return s.collector.ConfirmPayment(ctx, o.Number, "c1", agent) == nil }, 20*time.Second, 100*time.Millisecond)
	var paid workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, collection.WorkflowID, &paid))
	require.Equal(t, workflows.CollectPaid, paid.Outcome)
	require.Equal(t, chase.ID, paid.TaskID)
	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusPaid, after.Status)
	confirmations := paymentEmails(t, s.store, o, mail.TemplatePaymentConfirmation)
	require.Len(t, confirmations, 1)
	require.Equal(t, paid.ConfirmationEmailID, confirmations[0].ID)

	resend, err := s.collector.ResendEmail(ctx, starter.ResendRequest{OrderNumber: o.Number, RequestID: "e1", Agent: agent, EmailID: confirmations[0].ID})
	require.NoError(t, err)
	var resent workflows.ResendEmailResult
	require.NoError(t, s.collector.Result(ctx, resend.WorkflowID, &resent))
	confirmations = paymentEmails(t, s.store, o, mail.TemplatePaymentConfirmation)
	require.Len(t, confirmations, 2, "the confirmation went a second time")
	require.Equal(t, resent.EmailID, confirmations[1].ID)
	require.Equal(t, confirmations[0].Subject, confirmations[1].Subject)
	require.Equal(t, store.EmailSent, confirmations[1].Status)

	shipping, err := s.collector.Fulfil(ctx, starter.FulfilRequest{OrderNumber: o.Number, RequestID: "f1", Agent: agent,
		Ship: order.DefaultShip(after), Carrier: "Colissimo", Tracking: "6A98000000990", Notify: true})
	require.NoError(t, err)
	require.NoError(t, s.collector.Result(ctx, shipping.WorkflowID, nil))
	after, err = s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusShipped, after.Status)
	shipped := paymentEmails(t, s.store, o, mail.TemplateShipped)
	require.Len(t, shipped, 1)
	require.Contains(t, shipped[0].BodyText, "6A98000000990")

	archive, err := s.collector.Archive(ctx, starter.ArchiveRequest{OrderNumber: o.Number, RequestID: "a1", Agent: agent})
	require.NoError(t, err)
	var archived workflows.ArchiveResult
	require.NoError(t, s.collector.Result(ctx, archive.WorkflowID, &archived))
	require.True(t, archived.Archived)
	_, inArchive := currentAndArchived(t, s.store)
	require.True(t, inArchive[o.Number])
	unarchive, err := s.collector.Unarchive(ctx, starter.ArchiveRequest{OrderNumber: o.Number, RequestID: "u1", Agent: agent})
	require.NoError(t, err)
	require.NoError(t, s.collector.Result(ctx, unarchive.WorkflowID, &archived))
	require.False(t, archived.Archived)
	current, _ := currentAndArchived(t, s.store)
	require.True(t, current[o.Number])

	recordHistory(t, s.client, notified.WorkflowID, "notify_new_order")
	recordHistory(t, s.client, collection.WorkflowID, "collect_payment_cheque_reminded")
	recordHistory(t, s.client, resend.WorkflowID, "resend_email")
	recordHistory(t, s.client, shipping.WorkflowID, "fulfil_all_shipped")
	recordHistory(t, s.client, archive.WorkflowID, "archive_order")
	recordHistory(t, s.client, unarchive.WorkflowID, "unarchive_order")
}

// A transfer is awaited when an agent corrects the delivery address and
// lowers the shipping fee: the customer is told the new total, the
// collection now waits for it, and the transfer of that amount pays the
// order.
func TestAnAwaitedTransferFollowsTheEditedDetails(t *testing.T) {
	s := newRecordingStack(t, workflows.Settings{})
	ctx := context.Background()
	const agent = "luc@boutique.fr"
	o := insertChequeOrder(t, s.store, "C-2026-000991", order.PayBankTransfer)
	require.Equal(t, int64(3190), o.Totals.Total)
	collection, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	require.Equal(t, int64(3190), waitCollecting(t, s.collectStack, o.Number).Balance)

	delivery := order.Address{Name: "Camille Martin", Line1: "14 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	fee := int64(490)
	edit, err := s.collector.EditDetails(ctx, starter.EditDetailsRequest{OrderNumber: o.Number, RequestID: "d1", Agent: agent, Channel: order.ContactEmail,
		Edit: order.DetailsEdit{Delivery: &delivery, ShippingFee: &fee}})
	require.NoError(t, err)
	var edited workflows.EditDetailsResult
	require.NoError(t, s.collector.Result(ctx, edit.WorkflowID, &edited))
	require.Zero(t, edited.Refund, "nothing was paid: nothing to refund")
	changed := paymentEmails(t, s.store, o, mail.TemplateDetailsChanged)
	require.Len(t, changed, 1, "the total changed: the customer is told")
	require.Contains(t, changed[0].BodyText, "14 rue des Lilas")
	require.Contains(t, changed[0].BodyText, "29,90")

	st, _, err := s.collector.Collection(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, int64(2990), st.Balance, "the collection waits for the new total")
	ack, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayBankTransfer, Amount: 2990, Reference: "VIR 0991"})
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: 2990}, ack)
	require.Eventually(t, func() bool { return s.collector.ConfirmPayment(ctx, o.Number, "c1", agent) == nil }, 20*time.Second, 100*time.Millisecond)
	var paid workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, collection.WorkflowID, &paid))
	require.Equal(t, workflows.CollectPaid, paid.Outcome)
	require.Equal(t, int64(2990), paid.Due)
	inv, err := s.store.GetInvoice(ctx, paid.Invoice)
	require.NoError(t, err)
	require.Equal(t, int64(2990), inv.Total)
	require.Equal(t, store.InvoicePaid, inv.Status)

	recordHistory(t, s.client, edit.WorkflowID, "edit_details_while_collecting")
	recordHistory(t, s.client, collection.WorkflowID, "collect_payment_order_changed")
}

// A cheque of 41,90 € for a 31,90 € order: the agent confirms the
// overpayment and the payment confirmation; the 10 € go back by a cheque
// to the billing address, which an agent then mails.
func TestAnOverpaidChequeIsConfirmedAndTheDifferenceMailedBack(t *testing.T) {
	s := newRecordingStack(t, workflows.Settings{})
	ctx := context.Background()
	const agent = "marie@boutique.fr"
	o := insertChequeOrder(t, s.store, "C-2026-000992", order.PayCheque)
	collection, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	waitCollecting(t, s.collectStack, o.Number)
	ack, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent,
		Means: order.PayCheque, Amount: 4190, Reference: "CHQ 0992", ConfirmOverpayment: true})
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: 4190, Overpaid: 1000}, ack)
	require.Eventually(t, func() bool { return s.collector.ConfirmPayment(ctx, o.Number, "c1", agent) == nil }, 20*time.Second, 100*time.Millisecond)
	var paid workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, collection.WorkflowID, &paid))
	require.Equal(t, workflows.CollectPaid, paid.Outcome)
	require.Equal(t, int64(1000), paid.Overpaid)

	settle := collection.WorkflowID + "/overpayment"
	payback := waitTaskOf(t, s.collector, settle)
	require.Equal(t, workflows.TaskPayback, payback.Kind, "asked: %s", payback.Question)
	require.Equal(t, int64(1000), payback.Amount)
	require.NoError(t, s.collector.AnswerTask(ctx, workflows.TaskAnswer{TaskID: payback.ID, Outcome: workflows.AnswerPaybackCheque, Address: "billing", Agent: "luc@boutique.fr"}))
	var settled workflows.SettleResult
	require.NoError(t, s.collector.Result(ctx, settle, &settled))
	require.Equal(t, activities.OutcomeChequeRefund, settled.Outcome)
	require.Equal(t, int64(1000), settled.Amount)

	var mailing store.Task
	require.Eventually(t, func() bool {
		tasks, err := s.store.ListTasks(ctx, o.ID)
		require.NoError(t, err)
		for _, tk := range tasks {
			if tk.Kind == workflows.TaskChequeMailed && tk.Status == store.TaskOpen {
				mailing = tk
				return true
			}
		}
		return false
	}, 20*time.Second, 100*time.Millisecond, "an agent is asked to mail the refund cheque")
	require.NoError(t, s.collector.AnswerTask(ctx, workflows.TaskAnswer{TaskID: mailing.ID, Outcome: workflows.AnswerChequeMailed, Reference: "0000992", Agent: "luc@boutique.fr"}))
	require.NoError(t, s.collector.Result(ctx, mailing.WorkflowID, nil))
	cheques, err := s.store.ListChequeRequests(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, cheques, 1)
	require.Equal(t, int64(1000), cheques[0].Amount)
	require.Equal(t, store.ChequeMailed, cheques[0].Status)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(3190), pos.PaidNet, "the 10 € overpaid went back once")

	recordHistory(t, s.client, collection.WorkflowID, "collect_payment_overpaid")
	recordHistory(t, s.client, settle, "settle_overpayment_cheque")
	recordHistory(t, s.client, mailing.WorkflowID, "mail_cheque_overpayment")
}

// The nightly reconciliation compares the provider's refunds with
// orderdesk's: the refund a procedure made agrees; one made at the
// provider that orderdesk never recorded opens a task naming the order,
// its key and the amount.
func TestReconcileOpensATaskForARefundOrderdeskNeverRecorded(t *testing.T) {
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000993", order.LogisticsAwaitingPrinting)
	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "m1"))
	require.NoError(t, err)
	var modified workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &modified))
	require.Equal(t, activities.OutcomeRefunded, modified.Outcome)

	gw, ok := reg.For(order.PayCard)
	require.True(t, ok)
	stray := "cancel-refund/" + o.Number + "/r9/refund"
	_, err = gw.Refund(ctx, payments.RefundRequest{Amount: 700, Currency: "EUR", PaymentRef: "ch_" + o.Number, IdempotencyKey: stray})
	require.NoError(t, err)

	id := workflows.ProcReconcile + "/rec-1"
	rec, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: s.queue,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrOrderProcedure.ValueSet(workflows.ProcReconcile)),
	}, workflows.ProcReconcile, workflows.ReconcileInput{Window: time.Hour})
	require.NoError(t, err)
	var report activities.ReconcileReport
	require.NoError(t, rec.Get(ctx, &report))
	require.Len(t, report.Gateways, 1)
	require.Equal(t, 2, report.Gateways[0].Refunds, "the procedure's refund and the stray one")
	require.Len(t, report.Mismatches, 1, "%+v", report.Mismatches)
	m := report.Mismatches[0]
	require.Equal(t, activities.MismatchNoRow, m.Kind)
	require.Equal(t, stray, m.Key)
	require.Equal(t, o.Number, m.OrderNumber)
	require.Equal(t, int64(700), m.Theirs)
	task, err := s.store.GetTask(ctx, m.TaskID)
	require.NoError(t, err)
	require.Equal(t, store.TaskOpen, task.Status)
	require.Equal(t, o.ID, task.OrderID)
	require.Contains(t, task.Question, stray)

	recordHistory(t, s.client, id, "reconcile_refund_not_recorded")
}
