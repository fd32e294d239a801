package store_test

import (
	"reflect"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// beginReturn records a return of req on o.
func beginReturn(t *testing.T, s *store.Store, o order.Order, id string, req order.ReturnRequest) store.Return {
	t.Helper()
	r, err := s.CreateReturn(ctx(t), store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/" + id, RequestID: id,
		CreatedBy: "marie@boutique.fr", Request: req})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAReturnOfItemsNotPaidForYetLeavesOnlyTheRestDue(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := shipAll(t, s, insert(t, s, newOrder("C-2026-000951", mug, tee)))
	// The customer paid 10 € of the order so far.
	if _, err := s.AddPayment(ctx(t), store.Payment{OrderID: o.ID, Method: "cheque", Amount: 1000, Reference: "CHQ-1", IdempotencyKey: "pay/951"}); err != nil {
		t.Fatal(err)
	}
	before, err := s.MoneyPosition(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	back := order.ReturnLine{LineID: o.Lines[1].ID, Quantity: 1}
	r := beginReturn(t, s, o, "r1", order.ReturnRequest{Lines: []order.ReturnLine{back}, Reason: order.ReturnDamaged, Resolution: order.ReturnRefund})
	in := store.ReturnLedger{ReturnID: r.ID, Accepted: []order.ReturnLine{back}, Rules: order.DefaultReturnRules(),
		Key: r.WorkflowID + "/returned", Procedure: r.WorkflowID, Actor: r.WorkflowID}
	got, err := s.SettleReturnInLedger(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	worth := o.Lines[1].UnitPrice
	if got.Credit != worth || got.Refund != 0 || got.BalanceDue != 0 {
		t.Errorf("settled %+v; want the item's %d credited, nothing back (the customer had paid 10 € of %d)", got, worth, o.Totals.Total)
	}
	after, err := s.MoneyPosition(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Due != before.Due-worth || after.Overpayment != 0 || after.Returned != worth {
		t.Errorf("after the return: due %d (before %d), overpaid %d, returned %d; want the item's worth off what is due", after.Due, before.Due, after.Overpayment, after.Returned)
	}

	// The step runs again (its answer was lost): the same settlement,
	// nothing written twice.
	again, err := s.SettleReturnInLedger(ctx(t), in)
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Errorf("again: %+v, %v; want %+v", again, err, got)
	}
	if p, _ := s.MoneyPosition(ctx(t), o.ID); p.Returned != worth {
		t.Errorf("returned %d after the step ran twice, want %d", p.Returned, worth)
	}
	ret, err := s.GetReturn(ctx(t), r.Number)
	if err != nil || ret.Status != store.ReturnInspected || ret.Settlement == nil || !reflect.DeepEqual(*ret.Settlement, got) {
		t.Errorf("the return: %+v, %v; want inspected with its settlement", ret, err)
	}
}

func TestAnExchangesItemsJoinTheOrderToShip(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := shipAll(t, s, insert(t, s, newOrder("C-2026-000952", mug, tee)))
	if _, err := s.AddPayment(ctx(t), store.Payment{OrderID: o.ID, Method: "card", Amount: o.Totals.Total, Reference: "ch_1", IdempotencyKey: "pay/952"}); err != nil {
		t.Fatal(err)
	}
	back := order.ReturnLine{LineID: o.Lines[0].ID, Quantity: 1}
	bowl := order.Line{SKU: "BOL", Name: "Bol", UnitPrice: o.Lines[0].UnitPrice + 500, Quantity: 1, VATRate: 2000, Physical: true}
	r := beginReturn(t, s, o, "r1", order.ReturnRequest{Lines: []order.ReturnLine{back}, Reason: order.ReturnWrongItem,
		Resolution: order.ReturnExchange, Exchange: []order.Line{bowl}})
	got, err := s.SettleReturnInLedger(ctx(t), store.ReturnLedger{ReturnID: r.ID, Accepted: []order.ReturnLine{back},
		Rules: order.DefaultReturnRules(), Key: r.WorkflowID + "/returned", Procedure: r.WorkflowID, Actor: r.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if got.Refund != 0 || got.BalanceDue != 500 || got.Exchange != bowl.UnitPrice {
		t.Errorf("settled %+v; want 5 € due for a bowl 5 € dearer than the mug", got)
	}
	now, err := s.GetOrder(ctx(t), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	l, ok := now.LineBySKU("BOL")
	if !ok || l.Shippable() != 1 || now.Totals.Total != o.Totals.Total+bowl.UnitPrice ||
		now.Status != order.StatusPartiallyShipped || now.Logistics != order.LogisticsAwaitingPrinting {
		t.Errorf("the order after the exchange: %s %s total %d, bowl %+v (%v); want the bowl to ship, the total up by its price",
			now.Status, now.Logistics, now.Totals.Total, l, ok)
	}
	if p, _ := s.MoneyPosition(ctx(t), o.ID); p.Due != 500 {
		t.Errorf("due %d after the exchange, want the 5 € difference", p.Due)
	}
}
