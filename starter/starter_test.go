package starter_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }

// stack is a real PostgreSQL database, a real Temporal dev server and an
// orderdesk worker on a task queue of the test's own.
//
// Tests run in parallel (t.Parallel) when they are apart from the others:
// a database and a task queue of their own, order numbers no other
// parallel test uses (a procedure's workflow id is made of its order
// number and request id, on the one Temporal server). These stay serial:
// those that stop workers, those that read Temporal's list of an order's
// procedures right after one ends (archiving, the recorded histories),
// and those that measure how long a call takes.
type stack struct {
	store   *store.Store
	client  client.Client
	starter *starter.Starter
	deps    worker.Deps
	queue   string
}

func newStack(t *testing.T) stack {
	return newStackWith(t, nil, starter.Options{})
}

// newStackWith runs the worker with payment gateways and starter options.
func newStackWith(t *testing.T, gateways *payments.Registry, opt starter.Options) stack {
	t.Helper()
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	deps := worker.Deps{Store: st, Sender: mail.DevSender{}, Payments: gateways, Shop: activities.Shop{Seller: testSeller}}
	c, queue := devstacktest.Worker(t, deps)
	opt.TaskQueue = queue
	return stack{store: st, client: c, starter: starter.New(c, st, opt), deps: deps, queue: queue}
}

// insertCardOrder puts a card-paid order in the database: two mugs at
// 12,50 € and a T-shirt at 25 €, 50 € of merchandise, just enough for free
// shipping (6,90 € below 50 €), paid 50 €.
func insertCardOrder(t *testing.T, st *store.Store, number string, logistics order.LogisticsStatus) order.Order {
	t.Helper()
	return insertOrder(t, st, number, logistics, order.PayCard, "ch_"+number)
}

// insertOrder is insertCardOrder with another means of payment; an empty
// paymentRef leaves the order unpaid.
func insertOrder(t *testing.T, st *store.Store, number string, logistics order.LogisticsStatus, method order.PaymentMethod, paymentRef string) order.Order {
	t.Helper()
	ctx := context.Background()
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: logistics, PaymentMethod: method, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines: []order.Line{
			{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
			{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 1, VATRate: 2000, Physical: true},
		},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	if paymentRef == "" {
		o.Status = order.StatusAwaitingPayment
	}
	o, err := st.InsertOrder(ctx, o)
	require.NoError(t, err)
	if paymentRef != "" {
		_, err = st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: string(method), Amount: o.Totals.Total, Currency: "EUR", Reference: paymentRef})
		require.NoError(t, err)
	}
	return o
}

// testSeller is the shop on the invoices and credit notes of the tests.
var testSeller = store.Seller{
	Name:      "Boutique du Vieux Lyon SARL",
	Address:   order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
	SIRET:     "123 456 789 00012",
	VATNumber: "FR32123456789",
}

func removeOneMug(o order.Order, requestID string) starter.ModifyContentRequest {
	return starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: requestID, Agent: "marie@boutique.fr", Channel: order.ContactPhone, Notify: true,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, RecalcShipping: true},
	}
}

// waitForTask polls the procedure until it waits on an agent.
func waitForTask(t *testing.T, s stack, workflowID string) workflows.OpenTask {
	t.Helper()
	var st workflows.State
	require.Eventually(t, func() bool {
		var err error
		st, err = s.starter.Status(context.Background(), workflowID)
		return err == nil && st.Task != nil
	}, 20*time.Second, 50*time.Millisecond, "procedure %s never asked for an agent", workflowID)
	return *st.Task
}

func kinds(events []store.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

func TestModifyContentEndToEndRefundDone(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000901", order.LogisticsAwaitingPrinting)

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "req-1"))
	require.NoError(t, err)
	require.Equal(t, "modify-content/C-2026-000901/req-1", run.WorkflowID)
	// A double click starts nothing new.
	again, err := s.starter.ModifyContent(ctx, removeOneMug(o, "req-1"))
	require.NoError(t, err)
	require.True(t, again.Existing)
	require.Equal(t, run.RunID, again.RunID)

	task := waitForTask(t, s, run.WorkflowID)
	require.Contains(t, task.Question, "5,60")

	// While the procedure waits, it holds the order: the warehouse cannot
	// print it and a second procedure cannot start.
	held, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, run.WorkflowID, held.HoldBy)
	require.ErrorIs(t, s.store.SetLogisticsStatus(ctx, o.Number, order.LogisticsPrinting, "entrepot"), store.ErrOrderHeld)
	_, err = s.starter.ModifyContent(ctx, removeOneMug(o, "req-2"))
	require.ErrorContains(t, err, "held by procedure "+run.WorkflowID)
	// The same request sent again, which its own procedure's hold now
	// refuses, gets that procedure, not the refusal.
	again, err = s.starter.ModifyContent(ctx, removeOneMug(o, "req-1"))
	require.NoError(t, err)
	require.True(t, again.Existing)
	require.Equal(t, run.RunID, again.RunID)
	// 50 € paid, 37,50 € + 6,90 € shipping now: 5,60 € reserved for the refund.
	paidNet, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(5000-560), paidNet)

	// A wrong answer is refused and changes nothing.
	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundImpossible, Agent: "luc@boutique.fr"})
	require.ErrorContains(t, err, "reason")
	open, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskOpen, open.Status)

	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, ProviderRef: "re_42", Agent: "luc@boutique.fr"}))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, int64(560), res.Refund)
	recordHistory(t, s.client, run.WorkflowID, "modify_content_refund_by_hand")

	// The order: one mug left, free shipping lost, 44,40 €, back in the logistics flow.
	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Empty(t, after.HoldBy)
	require.Equal(t, int64(1), after.Lines[0].Quantity)
	require.Equal(t, int64(690), after.ShippingFee)
	require.Equal(t, int64(4440), after.Totals.Total)

	refunds, err := s.store.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, refunds, 1)
	require.Equal(t, store.RefundSucceeded, refunds[0].Status)
	require.Equal(t, int64(560), refunds[0].Amount)
	require.Equal(t, "re_42", refunds[0].ProviderRef)

	closed, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskAnswered, closed.Status)
	require.Equal(t, "luc@boutique.fr", closed.AnsweredBy)
	err = s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "luc@boutique.fr"})
	refusedInFrench(t, err, "task", "refusal.task_answered_by", "La tâche #", "a déjà reçu une réponse de luc@boutique.fr")

	// The procedure ends once the email is written; the outbox sender
	// delivers it.
	emails := sentEmails(t, s.store, o.ID, 1)
	require.Equal(t, "camille.martin@example.fr", emails[0].ToEmail)
	require.Contains(t, emails[0].BodyText, "Mug Tour Eiffel")
	require.Contains(t, emails[0].BodyText, "5,60")

	events, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"hold_taken", "content_changed", "refund_reserved", "task_opened", "task_answered", "refund_succeeded", "email_queued", "hold_released"}, kinds(events))
	for _, e := range events {
		require.True(t, strings.HasPrefix(e.WorkflowID, run.WorkflowID), "event %s belongs to %s", e.Kind, e.WorkflowID)
		if e.Kind == "content_changed" {
			require.Equal(t, "phone", e.ContactChannel)
			require.Equal(t, "marie@boutique.fr", e.Actor)
			require.Contains(t, e.Message, "livraison gratuite perdue")
		}
	}

	// The operator finds it in Temporal by order number: one procedure,
	// its settlement inside it.
	require.Eventually(t, func() bool {
		procs, err := s.starter.OrderProcedures(ctx, o.Number)
		return err == nil && len(procs) == 1 && procs[0].WorkflowID == run.WorkflowID && procs[0].Status == "Completed"
	}, 10*time.Second, 100*time.Millisecond)
}

func TestModifyContentEndToEndCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000902", order.LogisticsAwaitingPrinting)
	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "req-1"))
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)

	require.NoError(t, s.client.CancelWorkflow(ctx, run.WorkflowID, ""))
	err = s.starter.Result(ctx, run.WorkflowID, nil)
	require.Error(t, err)

	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Empty(t, after.HoldBy, "a cancelled procedure leaves no hold behind")
	closed, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskCancelled, closed.Status)
	refunds, err := s.store.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, refunds, 1)
	require.Equal(t, store.RefundFailed, refunds[0].Status, "the reserved refund no longer counts against what can be refunded")
	recordHistory(t, s.client, run.WorkflowID, "modify_content_cancelled")
	paidNet, err := s.store.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(5000), paidNet)
}

func TestModifyContentBadInputStartsNothing(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000903", order.LogisticsAwaitingPrinting)
	printing := insertCardOrder(t, s.store, "C-2026-000904", order.LogisticsPrinting)
	mug := o.Lines[0].ID
	with := func(f func(*starter.ModifyContentRequest)) starter.ModifyContentRequest {
		r := removeOneMug(o, "bad")
		f(&r)
		return r
	}
	cases := []struct {
		name string
		req  starter.ModifyContentRequest
		want string
	}{
		{"unknown order", with(func(r *starter.ModifyContentRequest) { r.OrderNumber = "C-2026-999999" }), "Order C-2026-999999 does not exist"},
		{"order printing", removeOneMug(printing, "bad"), "its logistics status is printing"},
		{"empty change", with(func(r *starter.ModifyContentRequest) { r.Change.Quantities = nil }), "The change is empty"},
		{"quantity below 0", with(func(r *starter.ModifyContentRequest) {
			r.Change.Quantities = []order.LineQuantity{{LineID: mug, Quantity: -1}}
		}), "below 0"},
		{"quantity above ordered", with(func(r *starter.ModifyContentRequest) {
			r.Change.Quantities = []order.LineQuantity{{LineID: mug, Quantity: 3}}
		}), "above the 2 ordered"},
		{"line not in order", with(func(r *starter.ModifyContentRequest) {
			r.Change.Quantities = []order.LineQuantity{{LineID: printing.Lines[0].ID, Quantity: 0}}
		}), "is not in order C-2026-000903"},
		{"no contact channel", with(func(r *starter.ModifyContentRequest) { r.Channel = "" }), "contact channel"},
		{"no agent", with(func(r *starter.ModifyContentRequest) { r.Agent = "" }), "agent"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.RequestID = fmt.Sprintf("bad-%d", i)
			_, err := s.starter.ModifyContent(ctx, c.req)
			require.ErrorContains(t, err, c.want)
			var fe *order.FieldError
			var nm *order.NotModifiableError
			require.True(t, errors.As(err, &fe) || errors.As(err, &nm), "error %v names neither a field nor the order's status", err)
			_, err = s.client.DescribeWorkflowExecution(ctx, workflows.WorkflowID(workflows.ProcModifyContent, c.req.OrderNumber, c.req.RequestID), "")
			var nf *serviceerror.NotFound
			require.True(t, errors.As(err, &nf), "a procedure was started for bad input: %v", err)
		})
	}
	for _, n := range []order.Order{o, printing} {
		got, err := s.store.GetOrder(ctx, n.Number)
		require.NoError(t, err)
		require.Empty(t, got.HoldBy)
		require.Equal(t, n.Totals.Total, got.Totals.Total)
		events, err := s.store.ListEvents(ctx, n.ID)
		require.NoError(t, err)
		require.Empty(t, events, "bad input wrote history")
	}

	err := s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: 424242, Outcome: workflows.AnswerRefundDone, Agent: "luc@boutique.fr"})
	refusedInFrench(t, err, "task", "refusal.task_not_found", "La tâche #424242 n'existe pas")
}

// TestModifyContentEmailReviewedThenSentWithANote: the agent reviews the
// customer email before it goes and adds a paragraph; the email the
// customer gets has it.
func TestModifyContentEmailReviewedThenSentWithANote(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000907", order.LogisticsAwaitingPrinting)
	name := "T-shirt Lyon M (bleu)"
	run, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "req-1", Agent: "marie@boutique.fr", Channel: order.ContactEmail, Notify: true, ReviewEmail: true,
		Change: order.ContentChange{Edits: []order.LineEdit{{LineID: o.Lines[1].ID, Name: &name}}, RecalcShipping: true},
	})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskReviewEmail, task.Kind)
	require.Equal(t, workflows.QuestionReviewEmail, task.Question)

	// The task holds the email as the customer will get it, and nothing is
	// in the outbox before the agent answers.
	open, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, workflows.QuestionReviewEmail, open.Question)
	require.NotNil(t, open.Email)
	require.Equal(t, "Votre commande C-2026-000907 a été modifiée", open.Email.Subject)
	require.Equal(t, "camille.martin@example.fr", open.Email.ToEmail)
	require.Contains(t, open.Email.Text, name)
	require.Contains(t, open.Email.HTML, "<p>Bonjour Camille Martin,</p>")
	require.Contains(t, open.Email.HTML, name)
	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Empty(t, emails)

	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerSendWithNote, Note: "Merci de votre patience.", Agent: "marie@boutique.fr"}))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	recordHistory(t, s.client, run.WorkflowID, "modify_content_review_email")

	// The customer gets the email reviewed, with the agent's paragraph.
	emails = sentEmails(t, s.store, o.ID, 1)
	require.Equal(t, open.Email.Subject, emails[0].Subject)
	require.Contains(t, emails[0].BodyText, "Merci de votre patience.")
	require.Contains(t, emails[0].BodyHTML, "Merci de votre patience.")
	require.Contains(t, emails[0].BodyHTML, name)
	closed, err := s.store.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Equal(t, store.TaskAnswered, closed.Status)
	require.Equal(t, open.Email, closed.Email, "the task keeps the email the agent reviewed")
}

// sentEmails waits until the order has n emails, all sent (the outbox
// sender delivers them shortly after the procedure wrote them), and
// returns them.
func sentEmails(t *testing.T, st *store.Store, orderID int64, n int) []store.Email {
	t.Helper()
	var emails []store.Email
	require.Eventually(t, func() bool {
		var err error
		emails, err = st.ListEmails(context.Background(), orderID)
		if err != nil || len(emails) != n {
			return false
		}
		for _, e := range emails {
			if e.Status != store.EmailSent {
				return false
			}
		}
		return true
	}, 15*time.Second, 20*time.Millisecond, "the order's %d emails, sent by the outbox sender", n)
	return emails
}
