package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// shipAll marks every item of the order shipped, as the warehouse would.
func shipAll(t *testing.T, st *store.Store, o order.Order) order.Order {
	t.Helper()
	ctx := context.Background()
	var ship []order.LineQuantity
	for _, l := range o.Lines {
		ship = append(ship, order.LineQuantity{LineID: l.ID, Quantity: l.Quantity})
	}
	if _, err := st.SaveFulfil(ctx, o.Number, order.FulfilRequest{Ship: ship, Carrier: "Colissimo"},
		store.Event{ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: "ship/" + o.Number}); err != nil {
		t.Fatal(err)
	}
	o, err := st.GetOrder(ctx, o.Number)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// A customer withdraws from a shipped order: the agent starts the return
// from the order page (« Retour d'articles »), records the parcel
// (« Colis reçu »), accepts every item at the inspection, and the refund is
// made; the procedure's page ends with it, and the order page's « Retours »
// shows the return refunded.
func TestBrowserReturnWithdrawalToRefund(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	ctx := context.Background()
	o := shipAll(t, s.store, insertPaidOrder(t, s.store, "C-2026-000909", order.PayCard))
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)

	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(marie.base + "/orders/" + o.Number),
		chromedp.WaitVisible(chromedp.CSS("#action-return")),
		chromedp.Click(chromedp.CSS("#action-return")),
		chromedp.WaitVisible(chromedp.CSS("#return-form")),
	}
	for _, l := range o.Lines {
		steps = append(steps, chromedp.SetValue(chromedp.CSS("#qty_"+strconv.FormatInt(l.ID, 10)), strconv.FormatInt(l.Quantity, 10)))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS("#start-return")), chromedp.WaitVisible(chromedp.CSS("#steps")))
	marie.do("start the return from the order page", steps...)

	rs, err := s.store.ListReturns(ctx, o.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("returns of the order: %v %v", rs, err)
	}
	ret := rs[0]
	if ret.Reason != order.ReturnWithdrawal || ret.Resolution != order.ReturnRefund || len(ret.Lines) != len(o.Lines) {
		t.Fatalf("the return recorded: %+v", ret)
	}
	marie.do("record the parcel on the order page",
		chromedp.Navigate(marie.base+"/orders/"+o.Number),
		chromedp.WaitVisible(chromedp.CSS("#returns")),
		chromedp.SendKeys(chromedp.CSS("#parcel-"+ret.Number), "6A-RET-931"),
		chromedp.Click(chromedp.CSS("#receipt-"+ret.Number)),
		chromedp.WaitVisible(chromedp.CSS("#steps")),
	)
	asked := marie.follow(map[string]answerer{
		workflows.TaskInspectReturn: click(workflows.AnswerAcceptReturn),
		workflows.TaskRefundByHand:  refundDone,
	}, "")
	if len(asked) == 0 || asked[0] != workflows.TaskInspectReturn {
		t.Errorf("tasks asked %v, want the inspection first", asked)
	}
	if st := marie.text("#steps"); !strings.Contains(st, "Remboursé") {
		t.Errorf("the procedure's page does not show the refund:\n%s", st)
	}
	rf := refundsOf(t, s.store, o)
	if len(rf) != 1 || rf[0].Amount != o.Totals.Total || rf[0].Status != store.RefundSucceeded {
		t.Fatalf("refunds %+v, want one of %d succeeded", rf, o.Totals.Total)
	}
	marie.do("back to the order page",
		chromedp.Navigate(marie.base+"/orders/"+o.Number),
		chromedp.WaitVisible(chromedp.CSS("#returns")),
	)
	if row := marie.text("#return-" + ret.Number); !strings.Contains(row, "Remboursé") || !strings.Contains(row, "6A-RET-931") {
		t.Errorf("the order's « Retours » reads %q", row)
	}
}
