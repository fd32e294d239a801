package order

import (
	"testing"

	"github.com/orderdesk/orderdesk/locale"
)

func TestSettle(t *testing.T) {
	tests := []struct {
		name               string
		paidNet, newTotal  int64
		refund, balanceDue int64
	}{
		{"products removed: refund the difference", 10860, 5580, 5280, 0},
		{"nothing changes", 10860, 10860, 0, 0},
		{"free shipping lost costs more than what left: balance due", 4890, 5580, 0, 690},
		{"not paid yet: the whole total is due", 0, 5580, 0, 5580},
		{"everything removed: refund all", 10860, 0, 10860, 0},
		{"earlier refunds count: refund at most what is left", 3000, 1000, 2000, 0},
		{"negative total never refunds more than paid", 10860, -500, 10860, 0},
		{"nothing paid, nothing owed", 0, 0, 0, 0},
		{"over-refunded order: no negative refund", -100, -200, 0, 0},
		{"over-refunded order: no negative balance", -200, -100, 0, 0},
		{"over-refunded order owes the total", -100, 500, 0, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Settle(tt.paidNet, tt.newTotal)
			want := Settlement{PaidNet: tt.paidNet, NewTotal: tt.newTotal, Refund: tt.refund, BalanceDue: tt.balanceDue}
			if s != want {
				t.Errorf("Settle(%d, %d) = %+v, want %+v", tt.paidNet, tt.newTotal, s, want)
			}
			if s.Refund > 0 {
				if err := CheckRefund(s.Refund, tt.paidNet); err != nil {
					t.Errorf("CheckRefund refuses Settle's own refund: %v", err)
				}
			}
		})
	}
}

func TestCheckRefund(t *testing.T) {
	tests := []struct {
		name            string
		amount, paidNet int64
		code            locale.Key // "": accepted
		says            []string   // in French
	}{
		{"part of what was paid", 5280, 10860, "", nil},
		{"all that was paid", 10860, 10860, "", nil},
		{"one cent", 1, 1, "", nil},
		{"zero", 0, 10860, "refusal.refund_not_positive", []string{"supérieur à 0 (saisi : 0,00\u00a0€)"}},
		{"negative", -500, 10860, "refusal.refund_not_positive", []string{"-5,00\u00a0€"}},
		{"more than paid", 10861, 10860, "refusal.refund_above_paid", []string{"Le remboursement (108,61\u00a0€) dépasse ce que le client a payé net (108,60\u00a0€) : remboursez au plus 108,60\u00a0€."}},
		{"after earlier refunds", 5000, 4000, "refusal.refund_above_paid", []string{"(50,00\u00a0€)", "(40,00\u00a0€)"}},
		{"nothing left to refund", 100, 0, "refusal.refund_above_paid", []string{"(1,00\u00a0€)", "(0,00\u00a0€)"}},
		{"over-refunded order", 100, -300, "refusal.refund_above_paid", []string{"au plus 0,00\u00a0€"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRefund(tt.amount, tt.paidNet)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("CheckRefund(%d, %d): %v", tt.amount, tt.paidNet, err)
				}
				return
			}
			wantRefusal(t, err, "amount", tt.code, tt.says...)
		})
	}
}
