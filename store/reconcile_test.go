package store_test

import (
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
)

// TestRefundsToReconcileReadsTheProvidersRowsAndTheNamedOnes: the rows of
// the provider's methods in the period, plus any row a listed transfer
// names by key or reference, each once, with its order's number; nothing
// else.
func TestRefundsToReconcileReadsTheProvidersRowsAndTheNamedOnes(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000901", mug, tee))
	if _, err := s.AddPayment(ctx(t), store.Payment{OrderID: o.ID, Method: "card", Amount: o.Totals.Total, Reference: "ch_901"}); err != nil {
		t.Fatal(err)
	}
	add := func(key, method, status, ref string, amount int64) {
		t.Helper()
		if _, err := s.CreateRefund(ctx(t), store.Refund{OrderID: o.ID, IdempotencyKey: key, Amount: amount, Method: method, Status: status, ProviderRef: ref}); err != nil {
			t.Fatal(err)
		}
	}
	add("modify-content/C-2026-000901/r1/settle/refund", "card", store.RefundSucceeded, "re_1", 1290)
	add("settle/C-2026-000901/r2/payout", "bank_transfer", store.RefundPending, "", 500)
	add("cancel-refund/C-2026-000901/r3/refund", "cheque", store.RefundManualPending, "", 300)
	add("cancel-refund/C-2026-000901/r4/refund", "paypal", store.RefundSucceeded, "re_by_hand", 200)

	keys := func(rs []store.RefundOnOrder) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.IdempotencyKey)
			if r.OrderNumber != "C-2026-000901" {
				t.Errorf("row %s has order number %q", r.IdempotencyKey, r.OrderNumber)
			}
		}
		return out
	}

	got, err := s.RefundsToReconcile(ctx(t), store.ReconcileQuery{Methods: []string{"card", "bank_transfer"}, Since: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"modify-content/C-2026-000901/r1/settle/refund", "settle/C-2026-000901/r2/payout"}
	if k := keys(got); len(k) != 2 || k[0] != want[0] || k[1] != want[1] {
		t.Errorf("rows of card and bank_transfer = %v, want %v", k, want)
	}
	if got[0].Amount != 1290 || got[0].Status != store.RefundSucceeded || got[0].ProviderRef != "re_1" || got[0].Method != "card" {
		t.Errorf("row read as %+v", got[0])
	}

	// After the period, only what a transfer names: by key, or by reference.
	got, err = s.RefundsToReconcile(ctx(t), store.ReconcileQuery{
		Methods: []string{"card"}, Since: time.Now().Add(time.Hour),
		Keys:         []string{"settle/C-2026-000901/r2/payout", "never/written"},
		ProviderRefs: []string{"re_by_hand", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	if k := keys(got); len(k) != 2 || k[0] != "settle/C-2026-000901/r2/payout" || k[1] != "cancel-refund/C-2026-000901/r4/refund" {
		t.Errorf("rows named by key and reference = %v", k)
	}

	// Nothing asked, nothing read (an empty reference matches no row).
	got, err = s.RefundsToReconcile(ctx(t), store.ReconcileQuery{Since: time.Now().Add(-time.Hour), ProviderRefs: []string{""}})
	if err != nil || len(got) != 0 {
		t.Errorf("an empty query read %v, %v", keys(got), err)
	}
}
