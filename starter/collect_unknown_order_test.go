package starter_test

import (
	"context"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
)

// A payment recorded on an order that does not exist is refused saying
// so, not that the order awaits no payment.
func TestRecordPaymentOnAnUnknownOrder(t *testing.T) {
	t.Parallel()
	s := newCollectStack(t, starter.CollectOptions{})
	_, err := s.collector.RecordPayment(context.Background(), starter.RecordPaymentRequest{
		OrderNumber: "C-2026-009999", RequestID: "chq-1", Agent: "marie@boutique.fr", Means: order.PayCheque, Amount: 3190, Reference: "CHQ 1",
	})
	refusedInFrench(t, err, "order", "refusal.order_not_found", "La commande C-2026-009999 n'existe pas : vérifiez son numéro.")
}
