package store_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// A succeeded refund stays succeeded: marking it failed afterwards (as a
// compensation that assumed no money moved once did) is refused, and the
// money stays given back.
func TestASucceededRefundNeverBecomesFailed(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := paidOrder(t, s, "C-2026-000300")
	if _, err := s.CreateRefund(ctx(t), store.Refund{OrderID: o.ID, IdempotencyKey: "wf/refund", Amount: 2000, Method: "card"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRefundSent(ctx(t), "wf/refund", "sandbox"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateRefund(ctx(t), "wf/refund", store.RefundSucceeded, "re_1", ""); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpdateRefund(ctx(t), "wf/refund", store.RefundFailed, "", "procédure annulée")
	if !errors.Is(err, order.ErrRefundFinal) {
		t.Fatalf("succeeded -> failed: err = %v, want order.ErrRefundFinal", err)
	}
	r, _ := s.RefundByKey(ctx(t), "wf/refund")
	pos, _ := s.MoneyPosition(ctx(t), o.ID)
	if r.Status != store.RefundSucceeded || pos.Refunded != 2000 || pos.PaidNet != 3260 {
		t.Errorf("refund %s, position %+v; want succeeded, 20,00 € refunded, 32,60 € paid net", r.Status, pos)
	}
	// Recording the same outcome again (a retried activity) is fine.
	if _, err := s.UpdateRefund(ctx(t), "wf/refund", store.RefundSucceeded, "re_1", ""); err != nil {
		t.Errorf("succeeded again: %v", err)
	}
}

// Every money fact lands in the ledger, once, and the order's position is
// derived from it: payments, a refund under way, one confirmed, one failed.
func TestTheLedgerRecordsEachMoneyFactOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := paidOrder(t, s, "C-2026-000301") // 52,60 € paid by card
	steps := []struct {
		key, status string
	}{{"wf1/refund", store.RefundSucceeded}, {"wf2/refund", store.RefundFailed}, {"wf3/refund", store.RefundUnknown}}
	for _, st := range steps {
		for range 2 { // a retried step
			if _, err := s.CreateRefund(ctx(t), store.Refund{OrderID: o.ID, IdempotencyKey: st.key, Amount: 1000, Method: "card"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateRefund(ctx(t), st.key, st.status, "", ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	pos, err := s.MoneyPosition(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := order.Position{Received: 5260, Refunded: 1000, InFlight: 1000, PaidNet: 3260, Total: 5260, Due: 2000, Refundable: 3260, Covered: 3260}
	pos.Refunds = nil
	if !reflect.DeepEqual(pos, want) {
		t.Errorf("position %+v\nwant     %+v", pos, want)
	}
	es, _ := s.Ledger(ctx(t), o.ID)
	kinds := map[order.EntryKind]int{}
	for _, e := range es {
		kinds[e.Kind]++
	}
	if kinds[order.EntryPayment] != 1 || kinds[order.EntryRefundReserved] != 3 || kinds[order.EntryRefundConfirmed] != 1 ||
		kinds[order.EntryRefundFailed] != 1 || kinds[order.EntryRefundUnknown] != 1 {
		t.Errorf("ledger kinds %v", kinds)
	}
}
