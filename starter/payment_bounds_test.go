package starter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
)

// A payment an agent records above the most an order can be worth (a
// typing slip of a few digits) is refused naming the amount, before
// Temporal or PostgreSQL is asked anything: sums over the order's ledger
// stay within int64.
func TestRecordPaymentRefusesAnAmountAboveTheMaximum(t *testing.T) {
	t.Parallel()
	c := starter.NewCollector(nil, nil, starter.CollectOptions{})
	for _, amount := range []int64{order.MaxOrderTotal + 1, 1 << 62, 9_223_372_036_854_775_807} {
		_, err := c.RecordPayment(context.Background(), starter.RecordPaymentRequest{
			OrderNumber: "C-2026-000115", RequestID: "p1", Agent: "agent@orderdesk.test", Means: order.PayCheque, Amount: amount})
		var fe *order.FieldError
		if !errors.As(err, &fe) || fe.Field != "amount" || fe.Code != "refusal.payment_above_max" {
			t.Errorf("a payment of %d cents: %v", amount, err)
		}
	}
}
