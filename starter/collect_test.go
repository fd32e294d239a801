package starter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

var testShop = activities.Shop{
	Seller: store.Seller{
		Name: "Boutique du Vieux Lyon SARL", Address: order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
		SIRET: "12345678900012", VATNumber: "FR32123456789",
	},
	MerchantEmail:  "boutique@vieuxlyon.test",
	PaymentLinkURL: "https://pay.vieuxlyon.test/invoices",
}

type collectStack struct {
	store     *store.Store
	collector *starter.Collector
}

func newCollectStack(t *testing.T, opt starter.CollectOptions) collectStack {
	t.Helper()
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: testShop})
	opt.Seller = testShop.Seller
	return collectStack{store: st, collector: starter.NewCollector(starter.New(c, st, starter.Options{TaskQueue: queue}), st, opt)}
}

// insertChequeOrder is a new order paid by cheque: two mugs at 12,50 € and
// 6,90 € shipping, 31,90 €.
func insertChequeOrder(t *testing.T, st *store.Store, number string, method order.PaymentMethod) order.Order {
	t.Helper()
	o := order.Order{
		Number: number, Status: order.StatusNew, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: method, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	require.NoError(t, err)
	return o
}

func waitCollecting(t *testing.T, s collectStack, number string) workflows.CollectionState {
	t.Helper()
	var st workflows.CollectionState
	require.Eventually(t, func() bool {
		var err error
		st, _, err = s.collector.Collection(context.Background(), number)
		return err == nil && st.Waiting
	}, 20*time.Second, 50*time.Millisecond, "the payment procedure of %s never waited for the payment", number)
	return st
}

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var fe *order.FieldError
	require.True(t, errors.As(err, &fe), "want a field error, got %v", err)
	return fe.Field
}

// A cheque payment, end to end on Temporal and PostgreSQL: bad input is
// refused with the field named and nothing written; the cheque is
// recorded; the order is « Complétée » with its invoice paid; the shop and
// (on the agent's button) the customer are emailed, with the PDF.
func TestCollectChequeEndToEnd(t *testing.T) {
	t.Parallel()
	s := newCollectStack(t, starter.CollectOptions{})
	ctx := context.Background()
	o := insertChequeOrder(t, s.store, "C-2026-000950", order.PayCheque)
	agent := "marie@boutique.fr"

	// Nothing is awaited yet: refused.
	_, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p0", Agent: agent, Means: order.PayCheque, Amount: 3190})
	refusedInFrench(t, err, "order", "refusal.collect_none_running", "La commande C-2026-000950 n'attend pas de paiement", "lancez-en une")
	_, err = s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: "paypal"})
	require.Equal(t, "mode", fieldOf(t, err))

	run, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	require.Equal(t, "collect-payment/C-2026-000950/r1", run.WorkflowID)
	again, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	require.True(t, again.Existing)
	st := waitCollecting(t, s, o.Number)
	require.Equal(t, int64(3190), st.Balance)
	require.Equal(t, "email", st.Next.Kind)
	_, err = s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r2", Agent: agent, Mode: activities.CollectManual})
	refusedInFrench(t, err, "order", "refusal.collect_running", "Une procédure de paiement tourne déjà sur la commande C-2026-000950 (collect-payment/C-2026-000950/r1)")
	awaiting, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusAwaitingPayment, awaiting.Status)

	// Bad input, each refused with its field, nothing written.
	bad := []struct {
		field string
		req   starter.RecordPaymentRequest
	}{
		{"amount", starter.RecordPaymentRequest{Means: order.PayCheque, Amount: 0}},
		{"means", starter.RecordPaymentRequest{Means: "bitcoin", Amount: 3190}},
		{"received_at", starter.RecordPaymentRequest{Means: order.PayCheque, Amount: 3190, ReceivedAt: time.Now().Add(48 * time.Hour)}},
		{"reference", starter.RecordPaymentRequest{Means: order.PayBankTransfer, Amount: 3190}},
		{"means", starter.RecordPaymentRequest{Means: order.PayCard, Amount: 3190}}, // refused by the procedure's validator
	}
	for i, b := range bad {
		b.req.OrderNumber, b.req.RequestID, b.req.Agent = o.Number, "bad-"+string(rune('a'+i)), agent
		_, err := s.collector.RecordPayment(ctx, b.req)
		require.Equal(t, b.field, fieldOf(t, err), "case %d: %v", i, err)
	}
	paid, err := s.store.ListPayments(ctx, o.ID)
	require.NoError(t, err)
	require.Empty(t, paid)

	// A partial cheque, then the rest.
	ack, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayCheque, Amount: 1000, Reference: "CHQ 001", ReceivedAt: time.Now().Add(-24 * time.Hour)})
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: 1000, Balance: 2190}, ack)
	ack, err = s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayCheque, Amount: 1000, Reference: "CHQ 001"})
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: 1000, Balance: 2190}, ack, "the same request again is answered as the first time, not recorded twice")
	ack, err = s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p2", Agent: agent, Means: order.PayMoneyOrder, Amount: 2190})
	require.NoError(t, err)
	require.Equal(t, int64(0), ack.Balance)

	// The agent's button sends the confirmation.
	require.Eventually(t, func() bool {
		err = s.collector.ConfirmPayment(ctx, o.Number, "c1", agent)
		return err == nil
	}, 20*time.Second, 100*time.Millisecond, "confirmation refused: %v", err)
	var res workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)

	done, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusPaid, done.Status)
	paid, _ = s.store.ListPayments(ctx, o.ID)
	require.Len(t, paid, 2)
	inv, err := s.store.GetInvoice(ctx, res.Invoice)
	require.NoError(t, err)
	require.Equal(t, store.InvoicePaid, inv.Status)
	require.Equal(t, int64(3190), inv.Total)
	require.Equal(t, "money_order", inv.PaidMethod)

	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	var merchant, confirmation int
	for _, e := range emails {
		switch {
		case e.ToEmail == testShop.MerchantEmail && e.Template == mail.TemplateMerchantPaymentReceived:
			merchant++
		case e.Template == mail.TemplatePaymentConfirmation:
			confirmation++
			require.Equal(t, store.EmailSent, e.Status)
			require.Contains(t, e.BodyText, "31,90")
			require.Contains(t, e.BodyText, inv.Number)
			atts, err := s.store.EmailAttachments(ctx, e.ID)
			require.NoError(t, err)
			require.Equal(t, []store.Attachment{{Kind: store.AttachInvoice, Number: inv.Number}}, atts)
		}
	}
	require.Equal(t, 2, merchant, "one merchant email per payment")
	require.Equal(t, 1, confirmation)

	// Paid: nothing more is awaited.
	_, err = s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p3", Agent: agent, Means: order.PayCheque, Amount: 100})
	require.Equal(t, "order", fieldOf(t, err))
}

// A payment by link: the invoice goes with its link; the
// provider's payment arrives through ReportProviderPayment (what the
// webhook calls), a repeated event records nothing, and the procedure ends
// by itself with the confirmation sent.
func TestCollectPaymentLinkEndToEnd(t *testing.T) {
	t.Parallel()
	s := newCollectStack(t, starter.CollectOptions{})
	ctx := context.Background()
	o := insertChequeOrder(t, s.store, "C-2026-000951", order.PayBankTransfer)
	run, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: "marie@boutique.fr", Mode: activities.CollectLink})
	require.NoError(t, err)
	st := waitCollecting(t, s, o.Number)
	require.Equal(t, "https://pay.vieuxlyon.test/invoices/"+st.Invoice, st.PaymentLink)

	// A second invoice for the same content is refused.
	_, err = s.collector.CreateInvoice(ctx, o.Number, "click-2", "marie@boutique.fr")
	require.Equal(t, "invoice", fieldOf(t, err))

	hook := starter.ProviderPayment{EventID: "evt_1", Invoice: st.Invoice, Amount: 3190, Reference: "pi_9"}
	ack, err := s.collector.ReportProviderPayment(ctx, hook)
	require.NoError(t, err)
	require.Equal(t, int64(0), ack.Balance)
	_, err = s.collector.ReportProviderPayment(ctx, hook)
	require.True(t, errors.Is(err, starter.ErrDuplicatePayment) || err == nil, "repeat: %v", err)

	var res workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	paid, _ := s.store.ListPayments(ctx, o.ID)
	require.Len(t, paid, 1)
	done, _ := s.store.GetOrder(ctx, o.Number)
	require.Equal(t, order.StatusPaid, done.Status)
	emails, _ := s.store.ListEmails(ctx, o.ID)
	var templates []string
	for _, e := range emails {
		templates = append(templates, e.Template)
	}
	require.Contains(t, templates, mail.TemplatePaymentInvoice)
	require.Contains(t, templates, mail.TemplatePaymentConfirmation)
}

// newCollectStackWith is newCollectStack with the shop's settings.
func newCollectStackWith(t *testing.T, settings workflows.Settings) collectStack {
	t.Helper()
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: testShop})
	s := starter.New(c, st, starter.Options{TaskQueue: queue, Settings: settings})
	return collectStack{store: st, collector: starter.NewCollector(s, st, starter.CollectOptions{Seller: testShop.Seller})}
}

// addAgents gives the shop these agents' accounts, by email and role.
func addAgents(t *testing.T, st *store.Store, roles map[string]string) {
	t.Helper()
	for email, role := range roles {
		_, err := st.CreateAgent(context.Background(), store.Agent{Email: email, Name: email, Role: role})
		if !errors.Is(err, store.ErrAgentExists) {
			require.NoError(t, err)
		}
	}
}

// insertOrderOf puts an order of these lines in the database, new and
// unpaid (paymentRef empty) or paid in full by method.
func insertOrderOf(t *testing.T, st *store.Store, number string, method order.PaymentMethod, paymentRef string, lines ...order.Line) order.Order {
	t.Helper()
	ctx := context.Background()
	o := order.Order{
		Number: number, Status: order.StatusNew, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: method, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         lines,
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	if paymentRef != "" {
		o.Status = order.StatusPaid
	}
	o, err := st.InsertOrder(ctx, o)
	require.NoError(t, err)
	if paymentRef != "" {
		_, err = st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: string(method), Amount: o.Totals.Total, Currency: "EUR", Reference: paymentRef})
		require.NoError(t, err)
	}
	return o
}

// waitTaskOf polls a procedure until it waits on an agent.
func waitTaskOf(t *testing.T, c *starter.Collector, workflowID string) workflows.OpenTask {
	t.Helper()
	var st workflows.State
	require.Eventually(t, func() bool {
		var err error
		st, err = c.Status(context.Background(), workflowID)
		return err == nil && st.Task != nil
	}, 20*time.Second, 50*time.Millisecond, "procedure %s never asked for an agent", workflowID)
	return *st.Task
}

func paymentEmails(t *testing.T, st *store.Store, o order.Order, template string) []store.Email {
	t.Helper()
	emails, err := st.ListEmails(context.Background(), o.ID)
	require.NoError(t, err)
	var out []store.Email
	for _, e := range emails {
		if e.Template == template {
			out = append(out, e)
		}
	}
	return out
}

// A cheque order of 70,00 € waits for its cheque; modify content takes a
// 25,00 € T-shirt out (free shipping lost: 51,90 €) and the customer has
// not sent the cheque yet: the email asks for a cheque of 51,90 €, and the
// collection now waits for 51,90 €, not 70,00 €. The 51,90 € cheque pays
// the order: nothing is left due, nobody is reminded of 18,10 €.
func TestModifiedChequeOrderIsCollectedAtItsNewTotal(t *testing.T) {
	t.Parallel()
	s := newCollectStackWith(t, workflows.Settings{Reminders: workflows.PaymentReminders{Email: 8 * time.Second}})
	ctx := context.Background()
	agent := "marie@boutique.fr"
	addAgents(t, s.store, map[string]string{agent: store.RoleAgent})
	o := insertOrderOf(t, s.store, "C-2026-000960", order.PayCheque, "",
		order.Line{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
		order.Line{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 1, VATRate: 2000, Physical: true},
		order.Line{SKU: "CAP-01", Name: "Casquette Fourvière", UnitPrice: 2000, Quantity: 1, VATRate: 2000, Physical: true})
	require.Equal(t, int64(7000), o.Totals.Total)

	collection, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	require.Equal(t, int64(7000), waitCollecting(t, s, o.Number).Balance)

	tshirt, ok := o.LineBySKU("TSH-M")
	require.True(t, ok)
	run, err := s.collector.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "m1", Agent: agent, Channel: order.ContactPhone, Notify: true,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: tshirt.ID, Quantity: 0}}, RecalcShipping: true},
	})
	require.NoError(t, err)
	task := waitTaskOf(t, s.collector, run.WorkflowID)
	require.Equal(t, workflows.TaskChequeSent, task.Kind)
	require.NoError(t, s.collector.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerChequeNotSent, Agent: agent}))
	var modified workflows.ModifyContentResult
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID, &modified))
	require.Equal(t, activities.OutcomeChequeReplaced, modified.Outcome)
	require.Equal(t, int64(5190), modified.After.Total)
	mails := paymentEmails(t, s.store, o, mail.TemplateContentModified)
	require.Len(t, mails, 1)
	require.Contains(t, mails[0].BodyText, "51,90", "the replacement cheque's amount")

	st, _, err := s.collector.Collection(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, int64(5190), st.Balance, "the collection waits for the new total")
	require.Equal(t, int64(5190), st.Due)

	ack, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayCheque, Amount: 5190, Reference: "CHQ 0042"})
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: 5190}, ack, "51,90 € received, nothing left due")

	require.Eventually(t, func() bool { return s.collector.ConfirmPayment(ctx, o.Number, "c1", agent) == nil }, 20*time.Second, 100*time.Millisecond)
	var res workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, collection.WorkflowID, &res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.Equal(t, int64(5190), res.Due)
	require.Equal(t, int64(5190), res.Received)
	require.Zero(t, res.Overpaid)
	paid, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusPaid, paid.Status)
	inv, err := s.store.GetInvoice(ctx, res.Invoice)
	require.NoError(t, err)
	require.Equal(t, int64(5190), inv.Total)
	for _, e := range paymentEmails(t, s.store, o, mail.TemplatePaymentReminder) {
		require.NotContains(t, e.BodyText, "18,10", "a reminder for money no longer owed")
	}
	events, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	var told bool
	for _, e := range events {
		told = told || (e.Kind == "collection_amount_changed" && strings.Contains(e.Message, "51,90"))
	}
	require.True(t, told, "the history says the collection now expects 51,90 €")
}

// An agent records more than is due: refused, naming the amount and the
// overpayment, until the agent confirms it. The overpayment's refund is
// asked by the agent who recorded it: above the shop's limit it waits for a
// supervisor other than them, and no money moves before.
func TestOverpaymentIsConfirmedAndItsRefundApprovedBySomeoneElse(t *testing.T) {
	t.Parallel()
	s := newCollectStackWith(t, workflows.Settings{ApproveAbove: 10000})
	ctx := context.Background()
	supervisor, agent := "sophie@boutique.fr", "luc@boutique.fr"
	addAgents(t, s.store, map[string]string{supervisor: store.RoleSupervisor, agent: store.RoleAgent})
	o := insertOrderOf(t, s.store, "C-2026-000961", order.PayBankTransfer, "",
		order.Line{SKU: "PLA-01", Name: "Plaid Croix-Rousse", UnitPrice: 2790, Quantity: 2, VATRate: 2000, Physical: true})
	require.Equal(t, int64(5580), o.Totals.Total)
	run, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: supervisor, Mode: activities.CollectManual})
	require.NoError(t, err)
	waitCollecting(t, s, o.Number)

	pay := starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayBankTransfer, Amount: 105580, Reference: "VIR 7781"}
	_, err = s.collector.RecordPayment(ctx, pay)
	// The procedure's refusal comes back typed, and the French UI says it
	// in French, amounts written the French way.
	refusedInFrench(t, err, "amount", "refusal.overpayment_unconfirmed",
		"1\u202f055,80\u00a0€ dépasse de 1\u202f000,00\u00a0€ les 55,80\u00a0€ dus : confirmez le trop-perçu")
	paid, err := s.store.ListPayments(ctx, o.ID)
	require.NoError(t, err)
	require.Empty(t, paid, "a refused overpayment writes nothing")

	pay.RequestID, pay.ConfirmOverpayment = "p2", true
	ack, err := s.collector.RecordPayment(ctx, pay)
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: 105580, Overpaid: 100000}, ack)

	approval := waitTaskOf(t, s.collector, run.WorkflowID+"/overpayment")
	require.Equal(t, workflows.TaskApproveRefund, approval.Kind)
	require.Equal(t, int64(100000), approval.Amount)
	require.Contains(t, approval.Question, agent, "the refund is asked by the agent who recorded the payment")
	refunds, err := s.store.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	require.Empty(t, refunds, "no money moves before the approval")

	err = s.collector.AnswerTask(ctx, workflows.TaskAnswer{TaskID: approval.ID, Outcome: workflows.AnswerApprove, Agent: agent, Role: store.RoleAgent})
	require.Error(t, err, "who recorded the overpayment does not approve its refund")
	// The supervisor who started the collection did not ask for the refund:
	// she may approve it.
	require.NoError(t, s.collector.AnswerTask(ctx, workflows.TaskAnswer{TaskID: approval.ID, Outcome: workflows.AnswerApprove, Agent: supervisor, Role: store.RoleSupervisor}))
	// Approved: the refund is reserved, and an agent's to make by hand (no
	// provider); no money has moved.
	require.Equal(t, workflows.TaskRefundByHand, waitTaskOf(t, s.collector, run.WorkflowID+"/overpayment").Kind)
	refunds, err = s.store.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	for _, r := range refunds {
		require.NotEqual(t, store.RefundSucceeded, r.Status, "no refund is made before the agent says so")
	}
	require.Equal(t, workflows.TaskRefundByHand, waitTaskOf(t, s.collector, run.WorkflowID+"/overpayment").Kind)
}

// The balance a paid order owes after modify content raised its total is
// collected with the shop's settings: its payment reminders (here one
// email, soon) and its auto-confirm (the confirmation goes by itself).
func TestBalanceDueIsCollectedWithTheShopsSettings(t *testing.T) {
	t.Parallel()
	s := newCollectStackWith(t, workflows.Settings{Reminders: workflows.PaymentReminders{Email: 2 * time.Second}, AutoConfirm: true})
	ctx := context.Background()
	agent := "marie@boutique.fr"
	o := insertOrderOf(t, s.store, "C-2026-000962", order.PayCheque, "CHQ 100",
		order.Line{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
		order.Line{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 1, VATRate: 2000, Physical: true})
	require.Equal(t, int64(5000), o.Totals.Total)
	run, err := s.collector.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "m1", Agent: agent, Channel: order.ContactPhone,
		Change: order.ContentChange{Add: []order.NewLine{{SKU: "CAP-01", Name: "Casquette Fourvière", UnitPrice: 2000, Quantity: 1, VATRate: 2000, Physical: true}}, RecalcShipping: true},
	})
	require.NoError(t, err)
	var modified workflows.ModifyContentResult
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID, &modified))
	require.Equal(t, activities.OutcomeBalanceDue, modified.Outcome)
	require.Equal(t, int64(2000), modified.Settlement.BalanceDue)

	st := waitCollecting(t, s, o.Number)
	require.True(t, st.BalanceDue)
	require.Len(t, st.Schedule, 1, "only the shop's reminder email: %+v", st.Schedule)
	require.Equal(t, "email", st.Schedule[0].Kind)
	require.Eventually(t, func() bool { return len(paymentEmails(t, s.store, o, mail.TemplatePaymentReminder)) == 1 },
		20*time.Second, 100*time.Millisecond, "the reminder email after the shop's delay")
	require.Contains(t, paymentEmails(t, s.store, o, mail.TemplatePaymentReminder)[0].BodyText, "20,00")

	ack, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayCheque, Amount: 2000, Reference: "CHQ 101"})
	require.NoError(t, err)
	require.Zero(t, ack.Balance)
	var res workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID+"/settle/collect", &res), "auto-confirm: no button to press")
	require.Equal(t, workflows.CollectPaid, res.Outcome)
	require.NotZero(t, res.ConfirmationEmailID)
	require.Len(t, paymentEmails(t, s.store, o, mail.TemplatePaymentConfirmation), 1)
}

// Cancel/refund and edit details change the total of an order whose
// transfer is awaited: the collection waits each time for what the order
// owes now, and the transfer of that amount pays it.
func TestCancelledItemsAndEditedShippingChangeWhatTheCollectionAwaits(t *testing.T) {
	t.Parallel()
	s := newCollectStackWith(t, workflows.Settings{})
	ctx := context.Background()
	agent := "marie@boutique.fr"
	addAgents(t, s.store, map[string]string{agent: store.RoleAgent})
	o := insertOrderOf(t, s.store, "C-2026-000963", order.PayBankTransfer, "",
		order.Line{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
		order.Line{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 1, VATRate: 2000, Physical: true},
		order.Line{SKU: "CAP-01", Name: "Casquette Fourvière", UnitPrice: 2000, Quantity: 1, VATRate: 2000, Physical: true})
	collection, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "r1", Agent: agent, Mode: activities.CollectManual})
	require.NoError(t, err)
	require.Equal(t, int64(7000), waitCollecting(t, s, o.Number).Balance)
	awaited := func() int64 {
		st, _, err := s.collector.Collection(ctx, o.Number)
		require.NoError(t, err)
		return st.Balance
	}
	total := func() int64 {
		got, err := s.store.GetOrder(ctx, o.Number)
		require.NoError(t, err)
		return got.Totals.Total
	}

	tshirt, _ := o.LineBySKU("TSH-M")
	run, err := s.collector.CancelRefund(ctx, starter.CancelRefundRequest{OrderNumber: o.Number, RequestID: "c1", Agent: agent,
		Cancel: []order.LineQuantity{{LineID: tshirt.ID, Quantity: 1}}})
	require.NoError(t, err)
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID, nil))
	afterCancel := total()
	require.Less(t, afterCancel, int64(7000))
	require.Equal(t, afterCancel, awaited(), "cancel/refund: the collection waits for the new total")

	fee := int64(490)
	run, err = s.collector.EditDetails(ctx, starter.EditDetailsRequest{OrderNumber: o.Number, RequestID: "e1", Agent: agent,
		Edit: order.DetailsEdit{ShippingFee: &fee}})
	require.NoError(t, err)
	require.NoError(t, s.collector.Result(ctx, run.WorkflowID, nil))
	afterEdit := total()
	require.NotEqual(t, afterCancel, afterEdit)
	require.Equal(t, afterEdit, awaited(), "edit details: the collection waits for the new total")

	ack, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p1", Agent: agent, Means: order.PayBankTransfer, Amount: afterEdit, Reference: "VIR 88"})
	require.NoError(t, err)
	require.Equal(t, workflows.PaymentAck{Received: afterEdit}, ack)
	require.Eventually(t, func() bool { return s.collector.ConfirmPayment(ctx, o.Number, "c1", agent) == nil }, 20*time.Second, 100*time.Millisecond)
	var res workflows.CollectPaymentResult
	require.NoError(t, s.collector.Result(ctx, collection.WorkflowID, &res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)
}
