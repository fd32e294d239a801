package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// shipAll ships every physical line of the order and returns it as stored.
func shipAll(t *testing.T, s *store.Store, o order.Order) order.Order {
	t.Helper()
	var ship []order.LineQuantity
	for _, l := range o.Lines {
		if l.Physical {
			ship = append(ship, order.LineQuantity{LineID: l.ID, Quantity: l.Quantity})
		}
	}
	if _, err := s.SaveFulfil(ctx(t), o.Number, order.FulfilRequest{Ship: ship, Carrier: "Colissimo"}, fulfilEvent("fulfil/"+o.Number+"/all")); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetOrder(ctx(t), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAReturnIsRecordedOnceAndNumberedPerYear(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := shipAll(t, s, insert(t, s, newOrder("C-2026-000901", mug, tee)))
	req := order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}
	in := store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/r1", RequestID: "r1", CreatedBy: "marie@boutique.fr", Request: req}
	first, err := s.CreateReturn(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.CreateReturn(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.Number != first.Number {
		t.Errorf("run twice: %s then %s, want one return", first.Number, again.Number)
	}
	if !strings.HasPrefix(first.Number, "R-") || !strings.HasSuffix(first.Number, "-000001") || first.Status != store.ReturnRequested {
		t.Errorf("first return %s (%s), want R-<year>-000001, requested", first.Number, first.Status)
	}
	if len(first.Lines) != 1 || first.Lines[0].Quantity != 1 || first.Lines[0].Accepted != nil {
		t.Errorf("lines %+v, want 1 mug not inspected", first.Lines)
	}
	second, err := s.CreateReturn(ctx(t), store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/r2", RequestID: "r2",
		CreatedBy: "marie@boutique.fr", Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[1].ID, Quantity: 2}},
			Reason: order.ReturnDamaged, Resolution: order.ReturnRefund}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(second.Number, "-000002") {
		t.Errorf("second return %s, want the next number", second.Number)
	}
	list, err := s.ListReturns(ctx(t), o.ID)
	if err != nil || len(list) != 2 || list[0].Number != first.Number {
		t.Errorf("ListReturns = %v, %v; want both, oldest first", list, err)
	}
	if got, err := s.GetReturn(ctx(t), second.Number); err != nil || got.OrderNumber != o.Number || got.Reason != order.ReturnDamaged {
		t.Errorf("GetReturn(%s) = %+v, %v", second.Number, got, err)
	}
	if _, err := s.GetReturn(ctx(t), "R-1999-000001"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown return: %v, want ErrNotFound", err)
	}

	// One mug of two is on its way back: a second return of two mugs is
	// refused naming the quantity, and nothing is written.
	_, err = s.CreateReturn(ctx(t), store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/r3", RequestID: "r3",
		CreatedBy: "marie@boutique.fr", Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 2}},
			Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "lines[0].quantity" {
		t.Errorf("two mugs more: %v, want a refusal of lines[0].quantity", err)
	}
	if list, _ := s.ListReturns(ctx(t), o.ID); len(list) != 2 {
		t.Errorf("%d returns after a refusal, want 2", len(list))
	}
}

func TestReturnedQuantitiesCountAcceptedAndPendingItemsOnly(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := shipAll(t, s, insert(t, s, newOrder("C-2026-000902", mug, tee)))
	mugID, teeID := o.Lines[0].ID, o.Lines[1].ID
	create := func(id string, lines ...order.ReturnLine) store.Return {
		r, err := s.CreateReturn(ctx(t), store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/" + id, RequestID: id,
			CreatedBy: "marie@boutique.fr", Request: order.ReturnRequest{Lines: lines, Reason: order.ReturnDamaged, Resolution: order.ReturnRefund}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	inspected := create("a", order.ReturnLine{LineID: mugID, Quantity: 2})
	if err := s.RecordReturnInspection(ctx(t), inspected.ID, []store.Inspected{{LineID: mugID, Accepted: 1, Restocked: true}}); err != nil {
		t.Fatal(err)
	}
	refused := create("b", order.ReturnLine{LineID: teeID, Quantity: 1})
	if err := s.SetReturnStatus(ctx(t), refused.ID, store.ReturnRefused, nil); err != nil {
		t.Fatal(err)
	}
	create("c", order.ReturnLine{LineID: teeID, Quantity: 1})

	got, err := s.ReturnedQuantities(ctx(t), o.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got[mugID] != 1 || got[teeID] != 1 {
		t.Errorf("returned %v, want 1 mug (of 2 inspected) and 1 T-shirt (pending; the refused one does not count)", got)
	}
	except, _ := s.ReturnedQuantities(ctx(t), o.ID, "return/"+o.Number+"/c")
	if except[teeID] != 0 {
		t.Errorf("without its own return: %v, want no T-shirt", except)
	}
	r, _ := s.GetReturnByID(ctx(t), inspected.ID)
	if r.Status != store.ReturnInspected || *r.Lines[0].Accepted != 1 || !r.Lines[0].Restocked {
		t.Errorf("inspected return %+v, want inspected, 1 accepted and restocked", r)
	}
}

func TestAParcelIsReceivedOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := shipAll(t, s, insert(t, s, newOrder("C-2026-000903", mug, tee)))
	create := func(id string, line int64) store.Return {
		r, err := s.CreateReturn(ctx(t), store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/" + id, RequestID: id,
			CreatedBy: "marie@boutique.fr", Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: line, Quantity: 1}},
				Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := create("a", o.Lines[0].ID)
	got, fresh, err := s.RecordReturnReceipt(ctx(t), r.ID, store.Receipt{ParcelID: "6A-RET-1"})
	if err != nil || !fresh || got.Status != store.ReturnReceived || got.ReceivedAt == nil {
		t.Fatalf("first receipt: %+v, fresh %v, %v", got, fresh, err)
	}
	first := *got.ReceivedAt
	again, fresh, err := s.RecordReturnReceipt(ctx(t), r.ID, store.Receipt{ParcelID: "6A-RET-1"})
	if err != nil || fresh || !again.ReceivedAt.Equal(first) {
		t.Errorf("the same parcel again: fresh %v, %v, received %v (first %v); want recorded once", fresh, err, again.ReceivedAt, first)
	}
	if _, _, err := s.RecordReturnReceipt(ctx(t), r.ID, store.Receipt{ParcelID: "6A-OTHER"}); !errors.Is(err, store.ErrReturnReceived) {
		t.Errorf("another parcel for the same return: %v, want ErrReturnReceived", err)
	}
	other := create("b", o.Lines[1].ID)
	if _, _, err := s.RecordReturnReceipt(ctx(t), other.ID, store.Receipt{ParcelID: "6A-RET-1"}); !errors.Is(err, store.ErrParcelTaken) {
		t.Errorf("the first return's parcel for another: %v, want ErrParcelTaken", err)
	}
	if by, err := s.ReturnByParcel(ctx(t), "6A-RET-1"); err != nil || by.ID != r.ID {
		t.Errorf("ReturnByParcel = %v, %v", by.Number, err)
	}
	// A proof of sending first, then the parcel itself.
	if _, fresh, err := s.RecordReturnReceipt(ctx(t), other.ID, store.Receipt{ParcelID: "proof-1", ProofOfSending: true}); err != nil || !fresh {
		t.Fatalf("proof of sending: %v %v", fresh, err)
	}
	if got, fresh, err := s.RecordReturnReceipt(ctx(t), other.ID, store.Receipt{ParcelID: "6A-RET-2"}); err != nil || !fresh || got.ProofOfSending {
		t.Errorf("the parcel after its proof: fresh %v, %v, proof %v; want the parcel recorded", fresh, err, got.ProofOfSending)
	}
	if at, ok, err := s.LastShipmentAt(ctx(t), o.ID); err != nil || !ok || at.IsZero() {
		t.Errorf("LastShipmentAt = %v %v %v", at, ok, err)
	}
}
