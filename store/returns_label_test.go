package store_test

import (
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

func TestAReturnKeepsItsFirstLabel(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := shipAll(t, s, insert(t, s, newOrder("C-2026-000921", mug, tee)))
	r, err := s.CreateReturn(ctx(t), store.NewReturn{OrderNumber: o.Number, WorkflowID: "return/" + o.Number + "/r1", RequestID: "r1",
		CreatedBy: "marie@boutique.fr", Request: order.ReturnRequest{Lines: []order.ReturnLine{{LineID: o.Lines[0].ID, Quantity: 1}},
			Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.GetReturnLabel(ctx(t), r.Number); ok || err != nil {
		t.Fatalf("a new return has a label (%v, %v)", ok, err)
	}
	if m, err := s.ReturnLabels(ctx(t), o.ID); err != nil || len(m) != 0 {
		t.Fatalf("ReturnLabels = %v, %v; want none", m, err)
	}
	first := store.ReturnLabel{URL: "http://127.0.0.1:8298/labels/LR123456785FR.pdf", Tracking: "LR123456785FR", Carrier: "Sandbox Post"}
	kept, err := s.SetReturnLabel(ctx(t), r.Number, first)
	if err != nil || kept != first {
		t.Fatalf("SetReturnLabel = %+v, %v; want %+v", kept, err, first)
	}
	other := store.ReturnLabel{URL: "http://127.0.0.1:8298/labels/LR000000005FR.pdf", Tracking: "LR000000005FR", Carrier: "Autre"}
	if kept, err := s.SetReturnLabel(ctx(t), r.Number, other); err != nil || kept != first {
		t.Errorf("a second label gave %+v, %v; want the first kept", kept, err)
	}
	if got, ok, err := s.GetReturnLabel(ctx(t), r.Number); !ok || err != nil || got != first {
		t.Errorf("GetReturnLabel = %+v, %v, %v; want %+v", got, ok, err, first)
	}
	if m, err := s.ReturnLabels(ctx(t), o.ID); err != nil || m[r.Number] != first || len(m) != 1 {
		t.Errorf("ReturnLabels = %v, %v; want %s's", m, err, r.Number)
	}
	// The return as the other readers see it is the same.
	if got, err := s.GetReturn(ctx(t), r.Number); err != nil || got.ID != r.ID {
		t.Errorf("GetReturn after the label: %+v, %v", got, err)
	}
	if _, err := s.SetReturnLabel(ctx(t), "R-1999-000001", first); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown return: %v, want ErrNotFound", err)
	}
	if _, _, err := s.GetReturnLabel(ctx(t), "R-1999-000001"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown return: %v, want ErrNotFound", err)
	}
}
