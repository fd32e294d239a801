package activities_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/documents"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// bookAndMugShipped is an order of a cookbook at 23,90 € (VAT 5,5 %) and a
// mug at 12,50 € (VAT 20 %) with 6,90 € of delivery at 20 %, paid by card
// and shipped whole.
func bookAndMugShipped(t *testing.T, st *store.Store, number string) order.Order {
	t.Helper()
	ctx := context.Background()
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard,
		Customer:      order.Customer{Name: "Léa Dubois", Email: "lea.dubois@example.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Léa Dubois", Line1: "3 quai Saint-Vincent", PostalCode: "69001", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines: []order.Line{
			{SKU: "LIV-07", Name: "Livre de recettes lyonnaises", UnitPrice: 2390, Quantity: 1, VATRate: 550, Physical: true},
			{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 1, VATRate: 2000, Physical: true},
		},
	}
	o.Delivery = o.Billing
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(ctx, o)
	require.NoError(t, err)
	_, err = st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: "card", Amount: o.Totals.Total, Reference: "ch_" + number})
	require.NoError(t, err)
	var ship []order.LineQuantity
	for _, l := range o.Lines {
		ship = append(ship, order.LineQuantity{LineID: l.ID, Quantity: l.Quantity})
	}
	wf := "fulfil/" + number + "/r1"
	_, err = st.SaveFulfil(ctx, number, order.FulfilRequest{Ship: ship, Carrier: "Colissimo"}, store.Event{
		ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", WorkflowID: wf, Kind: "items_shipped", Message: "Articles expédiés", Key: wf + "/fulfil",
	})
	require.NoError(t, err)
	o, err = st.GetOrder(ctx, number)
	require.NoError(t, err)
	return o
}

// cameBack records in the order's ledger what the items of a return are
// worth, as its settlement does before the credit note.
func cameBack(t *testing.T, st *store.Store, o order.Order, actor activities.Actor, returnNumber string, worth int64) {
	t.Helper()
	require.NoError(t, st.AddLedgerEntry(context.Background(), store.LedgerEntry{OrderID: o.ID, Kind: order.EntryReturned, Amount: worth,
		Currency: "EUR", Key: actor.WorkflowID + "/settle", Ref: returnNumber, Procedure: actor.WorkflowID, Note: "retour d'articles " + returnNumber}))
}

// pdfText is the text of a PDF as a reader would copy it.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	plain, err := r.GetPlainText()
	require.NoError(t, err)
	out, err := io.ReadAll(plain)
	require.NoError(t, err)
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(string(out))
}

// A book returned alone from an invoiced order that also holds a mug: the
// credit note is the book's price at 5,5 % only, issued once however often
// the step runs, with one line of history, and its PDF shows the 5,5 %
// rate and not the mug's 20 %.
func TestAReturnedBookIsCreditedAtItsOwnVATRate(t *testing.T) {
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	o := bookAndMugShipped(t, st, "C-2026-000531")
	book := []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 1}}
	actor := activities.Actor{WorkflowID: "return/" + o.Number + "/r1", Agent: "marie@boutique.fr"}
	ret, err := st.CreateReturn(ctx, store.NewReturn{OrderNumber: o.Number, WorkflowID: actor.WorkflowID, RequestID: "r1", CreatedBy: actor.Agent,
		Request: order.ReturnRequest{Lines: book, Reason: order.ReturnDamaged, Resolution: order.ReturnRefund}})
	require.NoError(t, err)

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestActivityEnvironment()
	collect := &activities.Collect{Store: st, Shop: testShop}
	env.RegisterActivity(collect)

	in := activities.ReturnCreditNoteInput{OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/credit-note",
		ReturnNumber: ret.Number, Accepted: book, Returned: map[int64]int64{}}

	// Not invoiced yet: no credit note is due.
	none, _ := twice[activities.CreditNoteRef](t, env, collect.IssueReturnCreditNote, in)
	require.Empty(t, none.Number, "an order with no invoice needs no credit note")

	inv, err := collect.IssueInvoice(ctx, activities.IssueInvoiceInput{OrderNumber: o.Number, Actor: actor, Key: o.Number + "/invoice"})
	require.NoError(t, err)
	require.NotEmpty(t, inv.Number)
	cameBack(t, st, o, actor, ret.Number, 2390) // as the return's settlement records it first
	first, second := twice[activities.CreditNoteRef](t, env, collect.IssueReturnCreditNote, in)
	require.NotEmpty(t, first.Number)
	require.Equal(t, first, second, "a retry finds the same credit note")

	notes, err := st.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1)
	cn := notes[0]
	require.Equal(t, int64(2390), cn.Total, "the book's 23,90 €")
	require.Len(t, cn.VAT, 1, "one VAT rate: %+v", cn.VAT)
	require.Equal(t, int64(550), cn.VAT[0].Rate)
	require.Equal(t, order.VATLine{Rate: 550, Net: 2265, VAT: 125, Gross: 2390}, cn.VAT[0])
	require.Equal(t, "retour d'articles "+ret.Number, cn.Reason)

	events, err := st.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	issued := 0
	for _, e := range events {
		if e.Kind == "credit_note_issued" {
			issued++
		}
	}
	require.Equal(t, 1, issued, "one line of history for the credit note")

	b, err := documents.CreditNote(cn)
	require.NoError(t, err)
	text := pdfText(t, b)
	for _, want := range []string{cn.Number, "retour d'articles " + ret.Number, "5,5 %", "23,90 €", "22,65 €", "1,25 €"} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "20 %", "the mug did not come back: its rate has nothing to do on the credit note")
}

// The mug of the same order, returned later under the right of
// withdrawal with the delivery and the return's cost: its credit note is
// at 20 % only, and together the two credit the whole invoice less the
// return's cost.
func TestTheMugReturnedAfterTheBookIsCreditedAt20PercentWithTheDelivery(t *testing.T) {
	st := devstacktest.NewStore(t)
	ctx := context.Background()
	o := bookAndMugShipped(t, st, "C-2026-000532")
	collect := &activities.Collect{Store: st, Shop: testShop}
	actor := activities.Actor{WorkflowID: "return/" + o.Number + "/r1", Agent: "marie@boutique.fr"}
	inv, err := collect.IssueInvoice(ctx, activities.IssueInvoiceInput{OrderNumber: o.Number, Actor: actor, Key: o.Number + "/invoice"})
	require.NoError(t, err)

	bookLine, mugLine := o.Lines[0].ID, o.Lines[1].ID
	r1, err := st.CreateReturn(ctx, store.NewReturn{OrderNumber: o.Number, WorkflowID: actor.WorkflowID, RequestID: "r1", CreatedBy: actor.Agent,
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: bookLine, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
	require.NoError(t, err)
	cameBack(t, st, o, actor, r1.Number, 2390)
	_, err = collect.IssueReturnCreditNote(ctx, activities.ReturnCreditNoteInput{OrderNumber: o.Number, Actor: actor, Key: actor.WorkflowID + "/credit-note",
		ReturnNumber: r1.Number, Accepted: []order.ReturnLine{{LineID: bookLine, Quantity: 1}}})
	require.NoError(t, err)

	actor2 := activities.Actor{WorkflowID: "return/" + o.Number + "/r2", Agent: "marie@boutique.fr"}
	r2, err := st.CreateReturn(ctx, store.NewReturn{OrderNumber: o.Number, WorkflowID: actor2.WorkflowID, RequestID: "r2", CreatedBy: actor2.Agent,
		Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: mugLine, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
	require.NoError(t, err)
	cameBack(t, st, o, actor2, r2.Number, 1250+690-490)
	ref, err := collect.IssueReturnCreditNote(ctx, activities.ReturnCreditNoteInput{OrderNumber: o.Number, Actor: actor2, Key: actor2.WorkflowID + "/credit-note",
		ReturnNumber: r2.Number, Accepted: []order.ReturnLine{{LineID: mugLine, Quantity: 1}}, Returned: map[int64]int64{bookLine: 1},
		Delivery: 690, Cost: 490})
	require.NoError(t, err)
	cn, err := st.GetCreditNote(ctx, ref.Number)
	require.NoError(t, err)
	require.Equal(t, int64(1250+690-490), cn.Total, "the mug and the delivery, less the return's 4,90 €")
	require.Len(t, cn.VAT, 1)
	require.Equal(t, int64(2000), cn.VAT[0].Rate)

	invoice, err := st.GetInvoice(ctx, inv.Number)
	require.NoError(t, err)
	notes, err := st.ListCreditNotes(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, notes, 2)
	credited := map[int64]int64{}
	for _, n := range notes {
		for _, v := range n.VAT {
			credited[v.Rate] += v.Gross
		}
	}
	for _, v := range invoice.VAT {
		want := v.Gross
		if v.Rate == 2000 {
			want -= 490 // the return's cost stays invoiced, at the shipping rate
		}
		require.Equal(t, want, credited[v.Rate], "rate %d", v.Rate)
	}
}
