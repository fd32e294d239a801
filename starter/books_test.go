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

// invoicedNet is what an order's invoices cover net of its credit notes,
// rate by rate: what the shop's books say the customer is billed for.
func invoicedNet(t *testing.T, st *store.Store, orderID int64) []order.VATLine {
	t.Helper()
	ctx := context.Background()
	invs, err := st.ListInvoices(ctx, orderID)
	require.NoError(t, err)
	notes, err := st.ListCreditNotes(ctx, orderID)
	require.NoError(t, err)
	var invoiced, credited []order.VATLine
	for _, i := range invs {
		if i.Status != store.InvoiceCancelled {
			invoiced = order.SumVAT(invoiced, i.VAT)
		}
	}
	for _, c := range notes {
		credited = order.SumVAT(credited, c.VAT)
	}
	return order.SubtractVAT(invoiced, credited)
}

// modifyToEnd runs modify-content on an order to its end, the shipping
// fee recalculated: its result and the workflow id of the collection it
// starts for a balance.
func modifyToEnd(t *testing.T, s stack, number, requestID string, change order.ContentChange) (workflows.ModifyContentResult, string) {
	t.Helper()
	ctx := context.Background()
	change.RecalcShipping = true
	run, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: number, RequestID: requestID, Agent: "marie@boutique.fr", Channel: order.ContactEmail, Change: change,
	})
	require.NoError(t, err)
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	return res, run.WorkflowID + "/settle/collect"
}

// grossAt is the gross of vat at rate.
func grossAt(vat []order.VATLine, rate int64) int64 {
	for _, v := range vat {
		if v.Rate == rate {
			return v.Gross
		}
	}
	return 0
}

// Procedure after procedure on an order a collection chases a balance of,
// the books keep billing what the customer paid: a collection given up
// because a later change left nothing due cancels only its unpaid part,
// and a return of items the customer never paid credits nothing at their
// rate.
func TestTheBooksBillWhatThePaidCustomerKeeps(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	// Two T-shirts at 25 € (20 %) and a book at 34,90 € (5,5 %), paid
	// 84,90 € by card, not invoiced yet.
	o := insertOrderOf(t, s.store, "C-2026-000981", order.PayCard, "ch_981",
		order.Line{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 2, VATRate: 2000, Physical: true},
		order.Line{SKU: "LIV-01", Name: "Livre de cuisine lyonnaise", UnitPrice: 3490, Quantity: 1, VATRate: 550, Physical: true})
	tshirt, book := o.Lines[0].ID, o.Lines[1].ID
	modify := func(id string, change order.ContentChange) (workflows.ModifyContentResult, string) {
		t.Helper()
		return modifyToEnd(t, s, o.Number, id, change)
	}
	collection := func(workflowID string) workflows.CollectionState {
		var c workflows.CollectionState
		v, err := s.client.QueryWorkflow(ctx, workflowID, "", workflows.QueryCollection)
		if err == nil {
			_ = v.Get(&c)
		}
		return c
	}

	// The T-shirts at 26 €: 2 € more, which a collection asks for with
	// the order's first invoice, 86,90 €.
	price := int64(2600)
	dearer, first := modify("dearer", order.ContentChange{Edits: []order.LineEdit{{LineID: tshirt, UnitPrice: &price}}})
	require.Equal(t, activities.OutcomeBalanceDue, dearer.Outcome)
	require.Eventually(t, func() bool { return collection(first).Waiting }, 10*time.Second, 50*time.Millisecond)

	// The book goes: 32,90 € back to the card, and nothing is due any
	// more, so the collection ends and gives up its invoice's unpaid 2 €.
	// The customer paid 52 € net for two T-shirts: the books bill 52 €,
	// at 20 %, and nothing at 5,5 %.
	without, _ := modify("no-book", order.ContentChange{Quantities: []order.LineQuantity{{LineID: book, Quantity: 0}}})
	require.Equal(t, activities.OutcomeRefunded, without.Outcome)
	require.Equal(t, int64(3290), sb.Refunds()[0].Amount)
	require.Eventually(t, func() bool { return collection(first).Outcome == workflows.CollectNothingDue }, 15*time.Second, 50*time.Millisecond)
	books := invoicedNet(t, s.store, o.ID)
	require.Equal(t, int64(5200), order.VATGross(books), "the books after the book went: %v", books)
	require.Equal(t, int64(5200), grossAt(books, 2000), "the books after the book went: %v", books)

	// A third T-shirt (26 € more, invoiced by the collection that asks
	// for it), then the book again while that collection waits: 60,90 €
	// due, of which the book was never invoiced.
	qty := int64(3)
	three, second := modify("three", order.ContentChange{Edits: []order.LineEdit{{LineID: tshirt, Quantity: &qty}}})
	require.Equal(t, activities.OutcomeBalanceDue, three.Outcome)
	require.Eventually(t, func() bool { return collection(second).Waiting }, 10*time.Second, 50*time.Millisecond)
	again, _ := modify("book-again", order.ContentChange{Add: []order.NewLine{{SKU: "LIV-01", Name: "Livre de cuisine lyonnaise", UnitPrice: 3490, Quantity: 1, VATRate: 550, Physical: true}}})
	require.Equal(t, activities.OutcomeBalanceDue, again.Outcome)
	require.Eventually(t, func() bool { return collection(second).Balance == 6090 }, 10*time.Second, 50*time.Millisecond)

	// The order ships unpaid; the book and a T-shirt come back. They are
	// what the 60,90 € were for: nothing is due, nothing goes back, and
	// the books still bill the 52 € paid, nothing of it at 5,5 %.
	o, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	o = shipWhole(t, s.store, o)
	var back []order.ReturnLine
	for _, l := range o.Lines {
		if l.SKU == "LIV-01" && l.Quantity > 0 || l.ID == tshirt {
			back = append(back, order.ReturnLine{LineID: l.ID, Quantity: 1})
		}
	}
	require.Len(t, back, 2)
	ret, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: o.Number, RequestID: "back", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: back, Reason: order.ReturnDamaged, Resolution: order.ReturnRefund}})
	require.NoError(t, err)
	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: ret.Number, ParcelID: "6A-RET-981", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	task := waitForTask(t, s, ret.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
	var returned workflows.ReturnResult
	require.NoError(t, s.starter.Result(ctx, ret.WorkflowID, &returned))
	require.Zero(t, returned.Settlement.Refund)
	require.Len(t, sb.Refunds(), 1)
	require.Eventually(t, func() bool { return collection(second).Outcome == workflows.CollectNothingDue }, 15*time.Second, 50*time.Millisecond)
	books = invoicedNet(t, s.store, o.ID)
	for _, v := range books {
		require.GreaterOrEqual(t, v.Gross, int64(0), "credit notes credit more than was invoiced at %d bp: %v", v.Rate, books)
	}
	require.Equal(t, int64(5200), order.VATGross(books), "the books after the return: %v", books)
	require.Zero(t, grossAt(books, 550), "the books after the return: %v", books)
}

// A collection whose order grows after it issued its invoice, then is
// paid in full: what the customer paid is invoiced, the growth by a
// supplementary invoice paid with the first.
func TestACollectionPaidAfterTheOrderGrewInvoicesAllThatWasPaid(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	collector := starter.NewCollector(s.starter, s.store, starter.CollectOptions{Seller: testSeller})
	ctx := context.Background()
	o := insertOrderOf(t, s.store, "C-2026-000982", order.PayCard, "ch_982",
		order.Line{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 2, VATRate: 2000, Physical: true},
		order.Line{SKU: "LIV-01", Name: "Livre de cuisine lyonnaise", UnitPrice: 3490, Quantity: 1, VATRate: 550, Physical: true})
	modify := func(id string, change order.ContentChange) string {
		t.Helper()
		res, collect := modifyToEnd(t, s, o.Number, id, change)
		require.Equal(t, activities.OutcomeBalanceDue, res.Outcome)
		return collect
	}

	// The T-shirts at 26 €: the collection of the 2 € issues the order's
	// first invoice, 86,90 €. Then a mug (12,50 €) joins the order while
	// it waits: 14,50 € due, which the customer pays by transfer.
	price := int64(2600)
	collect := modify("dearer", order.ContentChange{Edits: []order.LineEdit{{LineID: o.Lines[0].ID, UnitPrice: &price}}})
	var c workflows.CollectionState
	require.Eventually(t, func() bool {
		c, _, _ = collector.Collection(ctx, o.Number)
		return c.Waiting && c.Invoice != ""
	}, 10*time.Second, 50*time.Millisecond)
	first := c.Invoice
	mug := order.NewLine{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 1, VATRate: 2000, Physical: true}
	run, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "mug", Agent: "marie@boutique.fr", Channel: order.ContactEmail,
		Change: order.ContentChange{Add: []order.NewLine{mug}, RecalcShipping: true},
	})
	require.NoError(t, err)
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, nil))
	require.Eventually(t, func() bool {
		c, _, _ = collector.Collection(ctx, o.Number)
		return c.Balance == 1450
	}, 10*time.Second, 50*time.Millisecond)
	_, err = collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "transfer", Agent: "marie@boutique.fr",
		Means: order.PayBankTransfer, Amount: 1450, Reference: "VIR 982"})
	require.NoError(t, err)
	var res workflows.CollectPaymentResult
	require.NoError(t, s.starter.Result(ctx, collect, &res))
	require.Equal(t, workflows.CollectPaid, res.Outcome)

	// 99,40 € paid: the books bill 99,40 €, the mug at 20 % on a
	// supplementary invoice, every invoice paid.
	books := invoicedNet(t, s.store, o.ID)
	require.Equal(t, int64(9940), order.VATGross(books), "the books once paid: %v", books)
	require.Equal(t, int64(3490), grossAt(books, 550), "the books once paid: %v", books)
	invs, err := s.store.ListInvoices(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, invs, 2)
	require.Equal(t, first, invs[0].Number)
	require.True(t, invs[1].Supplementary)
	require.Equal(t, int64(1250), invs[1].Total)
	for _, inv := range invs {
		require.Equal(t, store.InvoicePaid, inv.Status, "invoice %s", inv.Number)
	}
}

// An invoiced order whose T-shirt (25 €) is exchanged for a dearer polo
// (30 €), the 5 € paid: the books bill the 55 € paid, the polo beyond the
// T-shirt on a supplementary invoice, and the T-shirt that came back is
// not billed again.
func TestAnExchangeBillsOnlyWhatTheNewItemAdds(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	collector := starter.NewCollector(s.starter, s.store, starter.CollectOptions{Seller: testSeller})
	ctx := context.Background()
	o := shipWhole(t, s.store, insertCardOrder(t, s.store, "C-2026-000983", order.LogisticsAwaitingPrinting))
	_, err := s.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "inv-983", OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)
	polo := order.Line{SKU: "POLO-M", Name: "Polo Lyon M", UnitPrice: 3000, Quantity: 1, VATRate: 2000, Physical: true}
	run, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: o.Number, RequestID: "x1", Agent: "marie@boutique.fr",
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[1].ID, Quantity: 1}}, Reason: order.ReturnWrongItem,
			Resolution: order.ReturnExchange, Exchange: []order.Line{polo}}})
	require.NoError(t, err)
	_, err = s.starter.Receive(ctx, starter.ReceiveRequest{Return: run.Number, ParcelID: "6A-RET-983", Agent: "luc@boutique.fr"})
	require.NoError(t, err)
	task := waitForTask(t, s, run.WorkflowID)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}))
	var res workflows.ReturnResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, int64(500), res.Settlement.BalanceDue)

	var c workflows.CollectionState
	require.Eventually(t, func() bool {
		c, _, _ = collector.Collection(ctx, o.Number)
		return c.Waiting
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, int64(500), c.Balance)
	_, err = collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "transfer", Agent: "marie@boutique.fr",
		Means: order.PayBankTransfer, Amount: 500, Reference: "VIR 983"})
	require.NoError(t, err)
	var paid workflows.CollectPaymentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID+"/settle/collect", &paid))
	require.Equal(t, workflows.CollectPaid, paid.Outcome)

	books := invoicedNet(t, s.store, o.ID)
	require.Equal(t, int64(5500), order.VATGross(books), "the books after the exchange: %v", books)
	inv, err := s.store.GetInvoice(ctx, paid.Invoice)
	require.NoError(t, err)
	require.Equal(t, int64(500), inv.Total, "the collection's invoice bills what the polo adds")
	require.Equal(t, store.InvoicePaid, inv.Status)
}

// An unpaid order invoiced when its collection began, then lowered before
// the customer paid: nothing goes back (nothing was paid), and once the
// lower total is paid the books bill it, the invoice's surplus credited.
func TestAnOrderLoweredBeforeItsPaymentIsBilledWhatWasPaid(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	collector := starter.NewCollector(s.starter, s.store, starter.CollectOptions{Seller: testSeller})
	ctx := context.Background()
	// Two mugs at 12,50 € and 6,90 € shipping: 31,90 €, paid at the
	// shop's terminal.
	o := insertOrderOf(t, s.store, "C-2026-000984", order.PayCard, "",
		order.Line{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true})
	run, err := collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: "terminal", Agent: "marie@boutique.fr", Mode: activities.CollectTerminal})
	require.NoError(t, err)
	var c workflows.CollectionState
	require.Eventually(t, func() bool {
		c, _, _ = collector.Collection(ctx, o.Number)
		return c.Waiting && c.Invoice != ""
	}, 10*time.Second, 50*time.Millisecond)

	// One mug goes before the customer pays: 19,40 € due.
	change, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "one-mug", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, RecalcShipping: true},
	})
	require.NoError(t, err)
	require.NoError(t, s.starter.Result(ctx, change.WorkflowID, nil))
	require.Eventually(t, func() bool {
		c, _, _ = collector.Collection(ctx, o.Number)
		return c.Balance == 1940
	}, 10*time.Second, 50*time.Millisecond)
	_, err = collector.RecordPayment(ctx, starter.RecordPaymentRequest{OrderNumber: o.Number, RequestID: "paid", Agent: "marie@boutique.fr", Amount: 1940})
	require.NoError(t, err)
	require.Eventually(t, func() bool { // paid: the confirmation's button is offered
		v, err := s.client.QueryWorkflow(ctx, run.WorkflowID, "", workflows.QueryCollection)
		return err == nil && v.Get(&c) == nil && c.ConfirmationOffered
	}, 10*time.Second, 50*time.Millisecond)
	require.NoError(t, s.client.CancelWorkflow(ctx, run.WorkflowID, ""))

	books := invoicedNet(t, s.store, o.ID)
	require.Equal(t, int64(1940), order.VATGross(books), "the books once paid: %v", books)
	notes, err := s.store.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1)
	require.Equal(t, int64(1250), notes[0].Total, "the mug that went, credited")
}

// A refund paid back by cheque after the order was invoiced gets its
// credit note when the cheque is mailed, like any refund made.
func TestARefundChequeMailedIsCredited(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	// Paid by a cheque the shop cashed, then invoiced.
	o := insertOrder(t, s.store, "C-2026-000985", order.LogisticsAwaitingPrinting, order.PayCheque, "chèque 985")
	_, err := s.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "inv-985", OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)

	run, err := s.starter.ModifyContent(ctx, removeOneMug(o, "cheque-back"))
	require.NoError(t, err)
	payback := waitForTask(t, s, run.WorkflowID)
	require.Equal(t, workflows.TaskPayback, payback.Kind)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: payback.ID, Outcome: workflows.AnswerPaybackCheque, Address: "billing", Agent: "luc@boutique.fr"}))
	var mailed workflows.OpenTask
	require.Eventually(t, func() bool {
		st, err := s.starter.Status(ctx, run.WorkflowID+"/settle/payback/mail-cheque")
		if err != nil || st.Task == nil {
			return false
		}
		mailed = *st.Task
		return true
	}, 20*time.Second, 50*time.Millisecond)
	require.NoError(t, s.starter.AnswerTask(ctx, workflows.TaskAnswer{TaskID: mailed.ID, Outcome: workflows.AnswerChequeMailed, Reference: "0000985", Agent: "luc@boutique.fr"}))
	var res workflows.ModifyContentResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, int64(560), res.Refund)

	notes, err := s.store.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1, "the cheque's refund has its credit note")
	require.Equal(t, int64(560), notes[0].Total)
	books := invoicedNet(t, s.store, o.ID)
	require.Equal(t, o.Totals.Total-560, order.VATGross(books))
}

// An invoiced order the customer paid 6 € too much for, then made 5 €
// dearer: the 1 € left goes back to the card, no collection asks for
// anything, and the books bill the 55 € the customer paid, the 5 € rise
// on a supplementary invoice, paid.
func TestARiseTheCustomersMoneyCoveredIsInvoiced(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	o := overpaidInvoicedOrder(t, s, "C-2026-000986", 600)

	price := int64(1500) // two mugs at 15 € instead of 12,50 €
	res, _ := modifyToEnd(t, s, o.Number, "dearer", order.ContentChange{Edits: []order.LineEdit{{LineID: o.Lines[0].ID, UnitPrice: &price}}})
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, int64(100), sb.Refunds()[0].Amount)

	rise := requireRiseInvoicedPaid(t, s, o, 5500, 500)
	require.True(t, rise.Supplementary)
}

// An invoiced order whose invoice was credited in full already (given up
// by a collection), then cancelled in full: the refund is made and the
// procedure ends, though there is nothing left to credit or invoice.
func TestAnInvoicedOrderCancelledInFullIsCreditedInFull(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000987", order.LogisticsAwaitingPrinting)
	inv, err := s.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "inv-987", OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)
	_, err = s.store.CreateCreditNote(ctx, store.CreditNoteRequest{Key: "given-up-987", OrderNumber: o.Number, Amount: inv.Total, Seller: testSeller, Reason: "annulation de la facture " + inv.Number})
	require.NoError(t, err)
	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{OrderNumber: o.Number, RequestID: "all", Agent: "marie@boutique.fr", Cancel: order.DefaultCancel(o), RefundDefault: true})
	require.NoError(t, err)
	var res workflows.CancelRefundResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, int64(5000), sb.Refunds()[0].Amount)
	require.Zero(t, order.VATGross(invoicedNet(t, s.store, o.ID)))
}

// An invoiced order the customer paid 5 € too much for, made exactly 5 €
// dearer: nothing goes back and nothing is due, so no procedure step
// moves money, and the rise is invoiced, paid, by the change itself.
func TestARiseTheCustomersMoneyCoversExactlyIsInvoiced(t *testing.T) {
	t.Parallel()
	sb, reg := provider(t, sandbox.Options{})
	s := newStackWith(t, reg, starter.Options{})
	o := overpaidInvoicedOrder(t, s, "C-2026-000988", 500)

	price := int64(1500) // two mugs at 15 € instead of 12,50 €
	res, _ := modifyToEnd(t, s, o.Number, "dearer", order.ContentChange{Edits: []order.LineEdit{{LineID: o.Lines[0].ID, UnitPrice: &price}}})
	require.Empty(t, sb.Refunds())
	require.Zero(t, res.Settlement.BalanceDue)

	requireRiseInvoicedPaid(t, s, o, 5500, 500)
}

// overpaidInvoicedOrder is insertCardOrder's 50 € order, paid extra cents
// more by a second card payment, then invoiced.
func overpaidInvoicedOrder(t *testing.T, s stack, number string, extra int64) order.Order {
	t.Helper()
	ctx := context.Background()
	o := insertCardOrder(t, s.store, number, order.LogisticsAwaitingPrinting)
	_, err := s.store.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: "card", Amount: extra, Currency: "EUR", Reference: "ch_" + number + "_twice"})
	require.NoError(t, err)
	_, err = s.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "inv-" + number, OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)
	return o
}

// requireRiseInvoicedPaid checks that the order's books bill billed, its
// rise on a second invoice of rise, paid, and returns that invoice.
func requireRiseInvoicedPaid(t *testing.T, s stack, o order.Order, billed, rise int64) store.Invoice {
	t.Helper()
	books := invoicedNet(t, s.store, o.ID)
	require.Equal(t, billed, order.VATGross(books), "the books: %v", books)
	invs, err := s.store.ListInvoices(context.Background(), o.ID)
	require.NoError(t, err)
	require.Len(t, invs, 2)
	require.Equal(t, rise, invs[1].Total)
	require.Equal(t, store.InvoicePaid, invs[1].Status)
	return invs[1]
}

// An order first invoiced after a commercial gesture, when the customer
// asks for their invoice, is billed what they paid for: 50 € less the 10 €
// given back, with a line that says so.
func TestAnInvoiceAfterAGestureBillsWhatTheCustomerPaidFor(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertOrder(t, s.store, "C-2026-000989", order.LogisticsAwaitingPrinting, order.PayPayPal, "PAYID-989") // 50 € paid
	giveGestureByHand(t, s, o, 1000)

	inv := invoiceAsAgent(t, s.store, o)
	require.Equal(t, o.Totals.Total-1000, inv.Total, "the invoice bills what the customer paid for")
	gesture := false
	for _, l := range inv.Lines {
		gesture = gesture || (l.Description == "Geste commercial" && l.Total == -1000)
	}
	require.True(t, gesture, "a line takes the gesture off: %+v", inv.Lines)
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, pos.Billed(), order.VATGross(invoicedNet(t, s.store, o.ID)))
}

// An invoiced order whose cheque never came, cancelled in full: nothing
// was paid, so nothing is refunded, and its invoice is credited in full:
// the books bill nothing for an order the customer no longer buys.
func TestAnUnpaidInvoicedOrderCancelledIsCreditedInFull(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertChequeOrder(t, s.store, "C-2026-000991", order.PayCheque)
	inv := invoiceAsAgent(t, s.store, o)
	require.Equal(t, o.Totals.Total, inv.Total)

	run, err := s.starter.CancelRefund(ctx, starter.CancelRefundRequest{OrderNumber: o.Number, RequestID: "all", Agent: "marie@boutique.fr", Cancel: order.DefaultCancel(o)})
	require.NoError(t, err)
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, nil))

	notes, err := s.store.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1, "the unpaid invoice is credited")
	require.Equal(t, inv.Total, notes[0].Total)
	require.Zero(t, order.VATGross(invoicedNet(t, s.store, o.ID)), "the books bill nothing")
}

// invoiceAsAgent issues o's invoice as an agent's click does.
func invoiceAsAgent(t *testing.T, st *store.Store, o order.Order) store.Invoice {
	t.Helper()
	inv, err := st.CreateInvoice(context.Background(), store.InvoiceRequest{Key: "agent/" + o.Number + "/r1", OrderNumber: o.Number, Seller: testSeller})
	require.NoError(t, err)
	return inv
}
