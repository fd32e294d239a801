package starter_test

import (
	"context"
	"errors"
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

// Seed 002 by cheque, end to end on Temporal and PostgreSQL: bad input is
// refused with the field named and nothing written; the cheque is
// recorded; the order is « Complétée » with its invoice paid; the shop and
// (on the agent's button) the customer are emailed, with the PDF.
func TestCollectChequeEndToEnd(t *testing.T) {
	s := newCollectStack(t, starter.CollectOptions{})
	ctx := context.Background()
	o := insertChequeOrder(t, s.store, "C-2026-000950", order.PayCheque)
	agent := "marie@boutique.fr"

	// Nothing is awaited yet: refused.
	_, err := s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p0", Agent: agent, Means: order.PayCheque, Amount: 3190})
	require.Equal(t, "order", fieldOf(t, err))
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
	require.ErrorContains(t, err, "a payment procedure runs already")
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
	require.NoError(t, err, "the same request again is answered, not recorded twice")
	ack, err = s.collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "p2", Agent: agent, Means: order.PayMoneyOrder, Amount: 2190})
	require.NoError(t, err)
	require.Equal(t, int64(0), ack.Balance)

	// Step 7: the agent's button sends the confirmation.
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

// Seed 002 with a payment link: the invoice goes with its link; the
// provider's payment arrives through ReportProviderPayment (what the
// webhook calls), a repeated event records nothing, and the procedure ends
// by itself with the confirmation sent.
func TestCollectPaymentLinkEndToEnd(t *testing.T) {
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
