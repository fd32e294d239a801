package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// paidOrder is an order of 52.60 € (2 mugs and 1 T-shirt: 45.70 €, plus 6.90 € shipping) paid by card.
func paidOrder(t *testing.T, s *store.Store, number string) order.Order {
	t.Helper()
	one := tee
	one.Quantity = 1
	o := insert(t, s, newOrder(number, mug, one))
	if o.Totals.Total != 5260 {
		t.Fatalf("fixture total = %d", o.Totals.Total)
	}
	if _, err := s.AddPayment(ctx(t), store.Payment{OrderID: o.ID, Method: "card", Amount: 5260, Reference: "ch_1", IdempotencyKey: "pay/" + number}); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestAddPaymentOncePerKey(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := paidOrder(t, s, "C-2026-000200")
	again, err := s.AddPayment(ctx(t), store.Payment{OrderID: o.ID, Method: "card", Amount: 5260, IdempotencyKey: "pay/C-2026-000200"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Reference != "ch_1" {
		t.Errorf("second AddPayment returned %+v, want the first payment", again)
	}
	// Unkeyed payments (an agent recording two cheques) are all kept.
	for range 2 {
		if _, err := s.AddPayment(ctx(t), store.Payment{OrderID: o.ID, Method: "cheque", Amount: 100}); err != nil {
			t.Fatal(err)
		}
	}
	ps, _ := s.ListPayments(ctx(t), o.ID)
	net, _ := s.PaidNet(ctx(t), o.ID)
	if len(ps) != 3 || net != 5460 {
		t.Errorf("%d payments, paid net %d; want 3 and 5460", len(ps), net)
	}
}

func TestConcurrentFullRefundsOnlyOneSucceeds(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := paidOrder(t, s, "C-2026-000210")

	const n = 5
	var (
		wg   sync.WaitGroup
		errs = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.CreateRefund(ctx(t), store.Refund{
				OrderID: o.ID, IdempotencyKey: fmt.Sprintf("refund/C-2026-000210/req-%d/refund", i),
				Amount: 5260, Method: "card", WorkflowID: fmt.Sprintf("refund/C-2026-000210/req-%d", i),
			})
		}()
	}
	wg.Wait()

	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, order.ErrRefundTooLarge):
			if !strings.Contains(err.Error(), "52.60 EUR") || !strings.Contains(err.Error(), "0.00 EUR") {
				t.Errorf("refusal %q should give the amount asked and what is left", err)
			}
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d refunds of the full amount succeeded, want exactly 1", ok)
	}
	rs, _ := s.ListRefunds(ctx(t), o.ID)
	net, _ := s.PaidNet(ctx(t), o.ID)
	if len(rs) != 1 || net != 0 {
		t.Errorf("%d refunds recorded, paid net %d; want 1 and 0", len(rs), net)
	}
}

func TestCreateRefundTwiceWithOneKeyRecordsOne(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := paidOrder(t, s, "C-2026-000220")
	const key = "modify-content/C-2026-000220/req-1/settle/refund"

	var (
		wg  sync.WaitGroup
		got [2]store.Refund
		err [2]error
	)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], err[i] = s.CreateRefund(ctx(t), store.Refund{OrderID: o.ID, IdempotencyKey: key, Amount: 1990, Method: "card"})
		}()
	}
	wg.Wait()
	if err[0] != nil || err[1] != nil || got[0].ID != got[1].ID {
		t.Fatalf("CreateRefund twice: %+v %v / %+v %v; want the same refund", got[0], err[0], got[1], err[1])
	}
	rs, _ := s.ListRefunds(ctx(t), o.ID)
	if len(rs) != 1 || rs[0].Amount != 1990 || rs[0].Status != store.RefundPending || rs[0].Currency != "EUR" {
		t.Errorf("refunds = %+v, want one pending refund of 19.90", rs)
	}

	// The provider refunded it; a later retry still finds it as it is.
	if _, err := s.UpdateRefund(ctx(t), key, store.RefundSucceeded, "re_123", ""); err != nil {
		t.Fatal(err)
	}
	r, err2 := s.CreateRefund(ctx(t), store.Refund{OrderID: o.ID, IdempotencyKey: key, Amount: 1990, Method: "card"})
	if err2 != nil || r.Status != store.RefundSucceeded || r.ProviderRef != "re_123" {
		t.Errorf("CreateRefund after success = %+v, %v", r, err2)
	}
	if byKey, err := s.RefundByKey(ctx(t), key); err != nil || byKey.ID != r.ID {
		t.Errorf("RefundByKey = %+v, %v", byKey, err)
	}
}

func TestRefundsNeverExceedWhatWasPaid(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := paidOrder(t, s, "C-2026-000230")
	refund := func(key string, amount int64) error {
		_, err := s.CreateRefund(ctx(t), store.Refund{OrderID: o.ID, IdempotencyKey: key, Amount: amount, Method: "card"})
		return err
	}
	if err := refund("r1", 3000); err != nil {
		t.Fatal(err)
	}
	err := refund("r2", 2261)
	if !errors.Is(err, order.ErrRefundTooLarge) || !strings.Contains(err.Error(), "22.61 EUR") || !strings.Contains(err.Error(), "22.60 EUR") {
		t.Fatalf("refund above what is left = %v", err)
	}
	// A refund the provider refused gives nothing back: its amount is free again.
	if _, err := s.UpdateRefund(ctx(t), "r1", store.RefundFailed, "", "carte expirée"); err != nil {
		t.Fatal(err)
	}
	if net, _ := s.PaidNet(ctx(t), o.ID); net != 5260 {
		t.Errorf("paid net after a failed refund = %d, want 5260", net)
	}
	if err := refund("r3", 5260); err != nil {
		t.Errorf("full refund after the failed one: %v", err)
	}
	if err := refund("r4", 0); err == nil {
		t.Error("refund of 0 accepted")
	}
	if _, err := s.UpdateRefund(ctx(t), "r3", "done", "", ""); err == nil {
		t.Error("unknown status accepted")
	}
	if _, err := s.UpdateRefund(ctx(t), "nope", store.RefundSucceeded, "", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRefund(unknown) = %v", err)
	}
	r, _ := s.RefundByKey(ctx(t), "r1")
	if r.Reason != "carte expirée" || r.Status != store.RefundFailed {
		t.Errorf("r1 = %+v", r)
	}
}
