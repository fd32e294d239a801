package starter_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestShipPartThenTheRest is the shipping and refund procedure: part of the order ships, then the
// rest "following the same steps"; the customer gets an email each time.
func TestShipPartThenTheRest(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000440", order.LogisticsPrepared)
	mugs, tee := o.Lines[0], o.Lines[1]

	first := starter.FulfilRequest{OrderNumber: o.Number, RequestID: "p1", Agent: "marie@boutique.fr",
		Ship: []order.LineQuantity{{LineID: mugs.ID, Quantity: 2}}, Carrier: "Colissimo", Tracking: "6A12345678901", Notify: true}
	run, err := s.starter.Fulfil(ctx, first)
	require.NoError(t, err)
	require.Equal(t, "fulfil/C-2026-000440/p1", run.WorkflowID)
	again, err := s.starter.Fulfil(ctx, first) // a double click
	require.NoError(t, err)
	require.True(t, again.Existing)
	var res workflows.FulfilResult
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))

	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusPartiallyShipped, after.Status)
	require.Equal(t, order.LogisticsPrepared, after.Logistics, "the T-shirt has not left yet")
	require.Equal(t, int64(2), after.Lines[0].QtyShipped)
	require.Zero(t, after.Lines[1].QtyShipped)
	emails, err := s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.Equal(t, "shipped", emails[0].Template)
	require.Contains(t, emails[0].BodyText, "2 × Mug Tour Eiffel")
	require.Contains(t, emails[0].BodyText, "Colissimo")
	require.Contains(t, emails[0].BodyText, "6A12345678901")
	require.Contains(t, emails[0].BodyText, "Reste à expédier")
	require.Contains(t, emails[0].BodyText, "1 × T-shirt Lyon M")

	// The rest: everything left, with another carrier.
	run, err = s.starter.Fulfil(ctx, starter.FulfilRequest{OrderNumber: o.Number, RequestID: "p2", Agent: "marie@boutique.fr",
		Ship: order.DefaultShip(after), Carrier: "DPD", Notify: true})
	require.NoError(t, err)
	require.NoError(t, s.starter.Result(ctx, run.WorkflowID, &res))
	st, err := s.starter.Status(ctx, run.WorkflowID)
	require.NoError(t, err)
	require.Len(t, st.Steps, 2)
	require.Equal(t, workflows.StepDone, st.Steps[0].Status)
	require.Equal(t, workflows.StepDone, st.Steps[1].Status)

	after, err = s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, order.StatusShipped, after.Status)
	require.Equal(t, order.LogisticsShipped, after.Logistics)
	require.Equal(t, int64(1), after.Lines[1].QtyShipped)
	shipments, err := s.store.ListShipments(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, shipments, 2)
	require.Equal(t, "Colissimo", shipments[0].Carrier)
	require.Equal(t, "DPD", shipments[1].Carrier)
	require.Equal(t, tee.SKU, shipments[1].Lines[0].SKU)
	emails, err = s.store.ListEmails(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, emails, 2)
	second := emails[0]
	if emails[1].Key == "fulfil/C-2026-000440/p2/email" {
		second = emails[1]
	}
	require.Equal(t, "fulfil/C-2026-000440/p2/email", second.Key)
	require.Contains(t, second.BodyText, "1 × T-shirt Lyon M")
	require.Contains(t, second.BodyText, "Tous les articles de votre commande ont maintenant été expédiés")
	require.NotContains(t, second.BodyText, "Reste à expédier")
	events, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	require.Contains(t, kinds(events), "items_shipped")

	// Nothing is left: a third request is refused.
	_, err = s.starter.Fulfil(ctx, starter.FulfilRequest{OrderNumber: o.Number, RequestID: "p3", Agent: "marie@boutique.fr",
		Ship: []order.LineQuantity{{LineID: tee.ID, Quantity: 1}}, Carrier: "DPD"})
	require.ErrorContains(t, err, "TSH-M")
}

// TestRecordFulfilTwiceRecordsOneShipment runs the record step as a retry
// would: the parcel is recorded once.
func TestRecordFulfilTwiceRecordsOneShipment(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000441", order.LogisticsPrepared)
	a := &activities.Orders{Store: s.store}
	in := activities.FulfilInput{OrderNumber: o.Number, Actor: activities.Actor{WorkflowID: "fulfil/C-2026-000441/r1", Agent: "marie@boutique.fr"},
		Request: order.FulfilRequest{Ship: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}, Carrier: "GLS", Tracking: "G1"}}
	one, err := a.RecordFulfil(ctx, in)
	require.NoError(t, err)
	two, err := a.RecordFulfil(ctx, in)
	require.NoError(t, err)
	require.Equal(t, one, two)

	after, err := s.store.GetOrder(ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, int64(1), after.Lines[0].QtyShipped, "shipped once, not twice")
	shipments, err := s.store.ListShipments(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, shipments, 1)
	events, err := s.store.ListEvents(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, events, 1)
	require.Contains(t, events[0].Message, "Expédié par GLS (suivi G1) : 1 × Mug Tour Eiffel (MUG-01)")
}

func TestFulfilBadInputStartsNothing(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	o := insertCardOrder(t, s.store, "C-2026-000442", order.LogisticsPrepared)
	unpaid := insertOrder(t, s.store, "C-2026-000443", order.LogisticsAwaitingPrinting, order.PayCheque, "")
	held := insertCardOrder(t, s.store, "C-2026-000444", order.LogisticsAwaitingPrinting)
	_, err := s.store.TakeHold(ctx, held.Number, "modify-content/C-2026-000444/r1")
	require.NoError(t, err)
	ship := func(o order.Order) starter.FulfilRequest {
		return starter.FulfilRequest{OrderNumber: o.Number, Agent: "marie@boutique.fr", Ship: order.DefaultShip(o), Carrier: "Colissimo", Notify: true}
	}
	with := func(f func(*starter.FulfilRequest)) starter.FulfilRequest { r := ship(o); f(&r); return r }
	cases := []struct {
		name, field, want string
		req               starter.FulfilRequest
	}{
		{"not paid", "order", "not paid yet", ship(unpaid)},
		{"held by modify-content", "order", "modify-content/C-2026-000444/r1", ship(held)},
		{"above what is left", "ship[0]", "MUG-01", with(func(r *starter.FulfilRequest) {
			r.Ship = []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 3}}
		})},
		{"nothing selected", "ship", "Nothing selected", with(func(r *starter.FulfilRequest) { r.Ship = nil })},
		{"no carrier", "carrier", "carrier", with(func(r *starter.FulfilRequest) { r.Carrier = "" })},
		{"no agent", "agent", "agent", with(func(r *starter.FulfilRequest) { r.Agent = "" })},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.RequestID = fmt.Sprintf("bad-%d", i)
			_, err := s.starter.Fulfil(ctx, c.req)
			var fe *order.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, c.field, fe.Field)
			require.Contains(t, fe.Message, c.want)
			_, err = s.client.DescribeWorkflowExecution(ctx, workflows.WorkflowID(workflows.ProcFulfil, c.req.OrderNumber, c.req.RequestID), "")
			var nf *serviceerror.NotFound
			require.True(t, errors.As(err, &nf), "a procedure was started for bad input: %v", err)
		})
	}
	for _, n := range []order.Order{o, unpaid, held} {
		got, err := s.store.GetOrder(ctx, n.Number)
		require.NoError(t, err)
		require.Equal(t, n.Status, got.Status)
		require.Zero(t, got.Lines[0].QtyShipped)
		shipments, err := s.store.ListShipments(ctx, n.ID)
		require.NoError(t, err)
		require.Empty(t, shipments)
	}
}
