package activities

import (
	"reflect"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// An exchange settled adds its new items at the end of the order: the
// return's credit note values the items that came back without them, as
// the settlement did, and leaves the order alone when its last lines are
// not the exchange's.
func TestTheCreditNoteOfAnExchangeLeavesItsNewItemsOut(t *testing.T) {
	mug := order.Line{ID: 11, SKU: "MUG-01", UnitPrice: 1250, Quantity: 1, VATRate: 2000, QtyShipped: 1}
	book := order.Line{ID: 12, SKU: "LIV-07", UnitPrice: 2390, Quantity: 1, VATRate: 550, QtyShipped: 1}
	newMug := order.Line{SKU: "MUG-01", UnitPrice: 1250, Quantity: 1, VATRate: 2000}
	settled := &order.ReturnSettlement{Items: 1250, Refund: 1250}
	ret := store.Return{Resolution: order.ReturnExchange, Exchange: []order.Line{newMug}, Settlement: settled,
		Lines: []store.ReturnLine{{LineID: 11, Quantity: 1}}}

	added := newMug
	added.ID = 40
	o := order.Order{Discount: order.Discount{Kind: order.DiscountFixed, Amount: 1000}, Lines: []order.Line{mug, book, added}}
	if got := withoutExchange(o, ret); len(got.Lines) != 2 || got.Lines[1].ID != 12 {
		t.Errorf("the exchange's mug added as line 40: %+v, want the two lines the return was priced with", got.Lines)
	}
	// Priced on the order as settled, as the settlement priced it; with
	// the new mug, the fixed discount would spread over three lines and
	// the credit's VAT would differ.
	back := []order.ReturnLine{{LineID: 11, Quantity: 1}}
	before := o
	before.Lines = o.Lines[:2]
	c := order.ReturnCredit(withoutExchange(o, ret), back, nil, 0, 0)
	if want := order.ReturnCredit(before, back, nil, 0, 0); c.Total != 1250 || !reflect.DeepEqual(c.VAT, want.VAT) {
		t.Errorf("credit %+v, want the mug's 12,50 € priced as settled %+v", c, want)
	}
	if with := order.ReturnCredit(o, back, nil, 0, 0); reflect.DeepEqual(with.VAT, c.VAT) {
		t.Errorf("with the new mug the credit is the same (%+v): this test proves nothing", with.VAT)
	}

	for name, r := range map[string]store.Return{
		"not settled yet": {Resolution: order.ReturnExchange, Exchange: ret.Exchange, Lines: ret.Lines},
		"a refund":        {Resolution: order.ReturnRefund, Settlement: settled, Lines: ret.Lines},
	} {
		if got := withoutExchange(o, r); len(got.Lines) != 3 {
			t.Errorf("%s: %d lines, want the order as it is", name, len(got.Lines))
		}
	}
	// The same mug again, not yet added: the order's own mug (a line the
	// return names) is not mistaken for the exchange's.
	same := order.Order{Lines: []order.Line{book, mug}}
	sameRet := ret
	if got := withoutExchange(same, sameRet); len(got.Lines) != 2 {
		t.Errorf("exchange not added yet: %+v, want both lines kept", got.Lines)
	}
}
