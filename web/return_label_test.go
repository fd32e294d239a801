package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// TestTheOrderPageShowsAReturnsLabel: a return whose carrier made a
// prepaid label shows, in the order's « Retours », the link to the label
// and its tracking number; a return without one shows neither.
func TestTheOrderPageShowsAReturnsLabel(t *testing.T) {
	a := newPaymentApp(t)
	ctx := context.Background()
	o := shipAll(t, a.store, insertPaidOrder(t, a.store, "C-2026-000447", order.PayCard))
	newReturn := func(rid string, line order.Line) store.Return {
		r, err := a.store.CreateReturn(ctx, store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/" + rid, RequestID: rid,
			CreatedBy: "marie@boutique.fr", Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: line.ID, Quantity: 1}},
				Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	labelled, bare := newReturn("r1", o.Lines[0]), newReturn("r2", o.Lines[1])
	if page := a.page("/orders/" + o.Number); strings.Contains(page, "Étiquette de retour") {
		t.Fatal("the order page shows a label before any was made")
	}
	l := store.ReturnLabel{URL: "http://127.0.0.1:8298/labels/LR123456785FR.pdf", Tracking: "LR123456785FR", Carrier: "Sandbox Post"}
	if _, err := a.store.SetReturnLabel(ctx, labelled.Number, l); err != nil {
		t.Fatal(err)
	}
	page := a.page("/orders/" + o.Number)
	row := func(number string) string {
		start := strings.Index(page, `id="return-`+number+`"`)
		if start < 0 {
			t.Fatalf("the order page has no row for %s", number)
		}
		end := strings.Index(page[start:], "</tr>")
		return page[start : start+end]
	}
	mustContain(t, row(labelled.Number), `href="`+l.URL+`"`, ">Étiquette de retour</a>", "suivi LR123456785FR (Sandbox Post)")
	if strings.Contains(row(bare.Number), "Étiquette") {
		t.Errorf("the return without a label shows one:\n%s", row(bare.Number))
	}
}
