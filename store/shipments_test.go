package store_test

import (
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

func fulfilEvent(wf string) store.Event {
	return store.Event{ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", WorkflowID: wf, Kind: "items_shipped",
		Message: "Articles expédiés", Key: wf + "/fulfil"}
}

func TestSaveFulfilRecordsOneShipmentPerStep(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000470", mug, tee, ebook))
	mugID, teeID, ebookID := o.Lines[0].ID, o.Lines[1].ID, o.Lines[2].ID

	// The first parcel: both mugs and one T-shirt; the step runs twice.
	const wf1 = "fulfil/C-2026-000470/r1"
	first := order.FulfilRequest{Ship: []order.LineQuantity{{LineID: mugID, Quantity: 2}, {LineID: teeID, Quantity: 1}},
		Carrier: "Colissimo", Tracking: "6A123", Notify: true}
	for range 2 {
		res, err := s.SaveFulfil(ctx(t), o.Number, first, fulfilEvent(wf1))
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != order.StatusPartiallyShipped || len(res.Shipped) != 2 || len(res.LeftToShip) != 1 {
			t.Fatalf("first parcel: status %s, shipped %v, left %v", res.Status, res.Shipped, res.LeftToShip)
		}
	}
	got, err := s.GetOrder(ctx(t), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lines[0].QtyShipped != 2 || got.Lines[1].QtyShipped != 1 || got.Status != order.StatusPartiallyShipped {
		t.Errorf("after the first parcel (twice): shipped %d mugs, %d T-shirts, status %s; want 2, 1, partially_shipped",
			got.Lines[0].QtyShipped, got.Lines[1].QtyShipped, got.Status)
	}
	list, err := s.ListShipments(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Carrier != "Colissimo" || list[0].Tracking != "6A123" || len(list[0].Lines) != 2 ||
		list[0].ShippedBy != "marie@boutique.fr" {
		t.Fatalf("shipments after one step run twice: %+v; want one Colissimo parcel of 2 lines", list)
	}

	// Asking for more than is left is refused and writes nothing.
	_, err = s.SaveFulfil(ctx(t), o.Number, order.FulfilRequest{Ship: []order.LineQuantity{{LineID: teeID, Quantity: 2}}, Carrier: "DPD"},
		fulfilEvent("fulfil/C-2026-000470/too-many"))
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "ship[0]" {
		t.Fatalf("2 T-shirts with 1 left: %v, want a field error on ship[0]", err)
	}
	if _, err := s.EventByKey(ctx(t), "fulfil/C-2026-000470/too-many/fulfil"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused fulfilment wrote its event: %v", err)
	}

	// The rest, and the ebook: shipped, logistics shipped, two parcels.
	rest := order.FulfilRequest{Ship: []order.LineQuantity{{LineID: teeID, Quantity: 1}}, Complete: []int64{ebookID}, Carrier: "DPD"}
	res, err := s.SaveFulfil(ctx(t), o.Number, rest, fulfilEvent("fulfil/C-2026-000470/r2"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != order.StatusShipped || res.Logistics != order.LogisticsShipped || len(res.LeftToShip) != 0 {
		t.Errorf("the rest: %s / %s, left %v; want shipped / shipped, nothing left", res.Status, res.Logistics, res.LeftToShip)
	}
	got, _ = s.GetOrder(ctx(t), o.Number)
	if got.Status != order.StatusShipped || got.Logistics != order.LogisticsShipped || got.Lines[2].QtyCompleted != 1 {
		t.Errorf("order: %s / %s, ebook completed %d", got.Status, got.Logistics, got.Lines[2].QtyCompleted)
	}
	list, _ = s.ListShipments(ctx(t), o.ID)
	if len(list) != 2 || list[1].Carrier != "DPD" || len(list[1].Lines) != 1 || list[1].Lines[0].SKU != "TEE-02" {
		t.Errorf("shipments: %+v; want a second DPD parcel with the T-shirt", list)
	}
}

func TestSaveFulfilRefusesAHeldOrder(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000471", mug))
	if _, err := s.TakeHold(ctx(t), o.Number, "modify-content/C-2026-000471/r1"); err != nil {
		t.Fatal(err)
	}
	_, err := s.SaveFulfil(ctx(t), o.Number, order.FulfilRequest{Ship: order.DefaultShip(o), Carrier: "GLS"}, fulfilEvent("fulfil/C-2026-000471/r1"))
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "order" {
		t.Fatalf("held order: %v, want a field error on order", err)
	}
	got, _ := s.GetOrder(ctx(t), o.Number)
	list, _ := s.ListShipments(ctx(t), o.ID)
	if got.Lines[0].QtyShipped != 0 || got.Status != order.StatusPaid || len(list) != 0 {
		t.Errorf("a refused fulfilment changed the order: shipped %d, status %s, %d shipments", got.Lines[0].QtyShipped, got.Status, len(list))
	}
}
