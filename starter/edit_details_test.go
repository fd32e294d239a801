package starter_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// Edit details on the real Temporal and PostgreSQL.

// insertShippedFeeOrder is two mugs at 12,50 € with 6,90 € shipping: 31,90 €
// paid by card.
func insertShippedFeeOrder(t *testing.T, st *store.Store, number string) order.Order {
	t.Helper()
	addr := order.Address{Name: "Camille Martin", Line1: "12 rue des Lila", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer: order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:  addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		ShippingFee:   690,
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}},
	}
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	require.NoError(t, err)
	_, err = st.AddPayment(context.Background(), store.Payment{OrderID: o.ID, Method: "card", Amount: o.Totals.Total, Currency: "EUR", Reference: "ch_" + number})
	require.NoError(t, err)
	return o
}

func TestEditDeliveryAddressAndLowerTheFeeOfACardOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb, reg := provider(t, sandbox.Options{})
	dbURL := devstacktest.NewDatabase(t)
	st, err := store.Open(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	devstacktest.AddAgents(t, st)
	db, err := pgxpool.New(ctx, dbURL) // to change the order behind the store's back, as the warehouse would
	require.NoError(t, err)
	t.Cleanup(db.Close)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Payments: reg, Shop: activities.Shop{Seller: testSeller}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue})
	o := insertShippedFeeOrder(t, st, "C-2026-000961")
	require.Equal(t, int64(3190), o.Totals.Total)

	delivery := order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon"}
	fee := int64(490)
	req := starter.EditDetailsRequest{
		OrderNumber: o.Number, RequestID: "r1", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Edit: order.DetailsEdit{Delivery: &delivery, ShippingFee: &fee},
	}
	run, err := s.EditDetails(ctx, req)
	require.NoError(t, err)
	require.Equal(t, "edit-details/C-2026-000961/r1", run.WorkflowID)
	again, err := s.EditDetails(ctx, req) // a double click
	require.NoError(t, err)
	require.True(t, again.Existing)

	var res workflows.EditDetailsResult
	require.NoError(t, s.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeRefunded, res.Outcome)
	require.Equal(t, int64(200), res.Refund)

	after, err := st.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, "12 rue des Lilas", after.Delivery.Line1)
	require.Equal(t, int64(490), after.ShippingFee)
	require.Equal(t, int64(2990), after.Totals.Total)
	held := sb.Refunds()
	require.Len(t, held, 1, "the sandbox provider refunded once")
	require.Equal(t, int64(200), held[0].Amount)
	require.Equal(t, "ch_C-2026-000961", held[0].PaymentRef)
	paid, err := st.PaidNet(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2990), paid)
	emails, err := st.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1, "the total changed: the customer is told by default")
	require.Equal(t, "details_changed", emails[0].Template)
	require.Contains(t, emails[0].BodyText, "12 rue des Lilas")
	require.Contains(t, emails[0].BodyText, "2,00")
	evs, err := st.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	var history []string
	for _, e := range evs {
		history = append(history, e.Message)
	}
	joined := strings.Join(history, "\n")
	require.Contains(t, joined, "Adresse de livraison : Camille Martin, 12 rue des Lila, 69003 Lyon, FR → Camille Martin, 12 rue des Lilas, 69003 Lyon, FR")
	require.Contains(t, joined, "Frais de port : 6,90\u00a0€ → 4,90\u00a0€")

	// A line is shipped: a new delivery address is refused, naming the
	// field, and nothing is started or written.
	_, err = db.Exec(ctx, `UPDATE order_lines SET qty_shipped = 1 WHERE order_id = $1`, o.ID)
	require.NoError(t, err)
	elsewhere := order.Address{Name: "Camille Martin", Line1: "1 place Bellecour", PostalCode: "69002", City: "Lyon"}
	_, err = s.EditDetails(ctx, starter.EditDetailsRequest{
		OrderNumber: o.Number, RequestID: "r2", Agent: "marie@boutique.fr", Edit: order.DetailsEdit{Delivery: &elsewhere},
	})
	var fe *order.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "delivery_address", fe.Field)
	require.Contains(t, fe.Message, "shipped")
	_, err = c.DescribeWorkflowExecution(ctx, "edit-details/C-2026-000961/r2", "")
	require.Error(t, err, "a refused edit starts no procedure")
	evs2, err := st.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, evs2, len(evs), "a refused edit writes no history")

	// The name can still be corrected once shipped.
	name := "Camille Martin-Durand"
	run, err = s.EditDetails(ctx, starter.EditDetailsRequest{
		OrderNumber: o.Number, RequestID: "r3", Agent: "marie@boutique.fr", Edit: order.DetailsEdit{Name: &name},
	})
	require.NoError(t, err)
	require.NoError(t, s.Result(ctx, run.WorkflowID, &res))
	require.Equal(t, activities.OutcomeNone, res.Outcome)
	emails, err = st.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1, "a corrected name sends no email by default")
}
