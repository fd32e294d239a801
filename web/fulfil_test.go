package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// shipForm is the ship form as a browser sends it, untouched: every line
// ticked at what is left to ship, Colissimo, the email on.
func shipForm(o order.Order, requestID string) url.Values {
	f := url.Values{"request_id": {requestID}, "carrier": {"Colissimo"}, "tracking": {"6A12345678901"}, "notify": {"1"}}
	for _, l := range o.Lines {
		id := fmt.Sprint(l.ID)
		f.Add("line", id)
		f.Set("qty_"+id, fmt.Sprint(l.Shippable()))
	}
	return f
}

// waitForOrder polls the order until ok says the procedure is done with it.
func waitForOrder(t *testing.T, st *store.Store, number string, ok func(order.Order) bool) order.Order {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		o, err := st.GetOrder(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		if ok(o) {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s never reached the expected state: %+v", number, o)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestShipFromTheOrderPage is the shipping and refund procedure from the UI: the action on the
// order page, the form with every item selected, a quantity above what is
// left refused next to its line, then part shipped, then the shipment on
// the order page.
func TestShipFromTheOrderPage(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000445", order.PayCard)
	mug, tee := fmt.Sprint(o.Lines[0].ID), fmt.Sprint(o.Lines[1].ID)
	path := "/orders/" + o.Number + "/ship"

	page := a.page("/orders/" + o.Number)
	mustContain(t, page, `<a class="action" id="action-ship" href="/orders/C-2026-000445/ship">Marquer comme expédié</a>`)

	form := a.page(path)
	mustContain(t, form,
		`name="line" value="`+mug+`" id="line_`+mug+`" checked`, `name="qty_`+mug+`" id="qty_`+mug+`" value="2"`,
		`name="line" value="`+tee+`" id="line_`+tee+`" checked`, `name="qty_`+tee+`" id="qty_`+tee+`" value="1"`,
		`<option value="Colissimo" selected>Colissimo</option>`, `name="notify" value="1" id="notify" checked`)

	t.Run("refused, nothing written", func(t *testing.T) {
		f := shipForm(o, "too-many")
		f.Set("qty_"+mug, "3")
		rec := a.post(path, f)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", rec.Code)
		}
		if got := nextTo(rec.Body.String(), "qty_"+mug); !strings.Contains(got, "MUG-01") {
			t.Errorf("next to the mugs: %q, want a message naming MUG-01", got)
		}
		f = shipForm(o, "no-carrier")
		f.Set("carrier", "other")
		rec = a.post(path, f)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Choisissez le transporteur") {
			t.Errorf("no carrier: status %d\n%s", rec.Code, rec.Body.String())
		}
		f = shipForm(o, "nothing")
		f.Del("line")
		rec = a.post(path, f)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Rien de sélectionné") {
			t.Errorf("nothing selected: status %d", rec.Code)
		}
		got, _ := a.store.GetOrder(context.Background(), o.Number)
		shipments, _ := a.store.ListShipments(context.Background(), o.ID)
		if got.Status != order.StatusPaid || got.Lines[0].QtyShipped != 0 || len(shipments) != 0 {
			t.Errorf("a refused form changed the order: %s, %d shipped, %d shipments", got.Status, got.Lines[0].QtyShipped, len(shipments))
		}
	})

	// The mugs leave with a carrier typed by the agent; the T-shirt waits.
	f := shipForm(o, "part")
	f.Del("line")
	f.Add("line", mug)
	f.Set("carrier", "other")
	f.Set("carrier_other", "Transports Dupont")
	rec := a.post(path, f)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/procedures/fulfil/C-2026-000445/part" {
		t.Fatalf("POST: status %d, location %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	after := waitForOrder(t, a.store, o.Number, func(o order.Order) bool { return o.Status == order.StatusPartiallyShipped })
	// Sent again once the mugs have left (a double click that lagged, the
	// back button): the agent lands on the same procedure, not on a
	// refusal that only two mugs were left.
	if again := a.post(path, f); again.Code != http.StatusSeeOther || again.Header().Get("Location") != rec.Header().Get("Location") {
		t.Errorf("a double click: status %d, went to %q", again.Code, again.Header().Get("Location"))
	}
	if after.Lines[0].QtyShipped != 2 || after.Lines[1].QtyShipped != 0 {
		t.Errorf("shipped %d mugs and %d T-shirts, want 2 and 0", after.Lines[0].QtyShipped, after.Lines[1].QtyShipped)
	}
	page = a.page("/orders/" + o.Number)
	mustContain(t, page, `id="shipments"`, "Transports Dupont", "<code>6A12345678901</code>", "2 × Mug Tour Eiffel <code>MUG-01</code>",
		`id="action-ship" href="/orders/C-2026-000445/ship"`)

	// The form now offers only the T-shirt.
	form = a.page(path)
	mustContain(t, form, `name="qty_`+tee+`" id="qty_`+tee+`" value="1"`, `name="line" value="`+mug+`" id="line_`+mug+`" disabled`)
}

func TestShipActionDisabledWithTheReason(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000446", order.PayCheque)
	if _, err := a.store.TakeHold(context.Background(), o.Number, "modify-content/C-2026-000446/r1"); err != nil {
		t.Fatal(err)
	}
	page := a.page("/orders/" + o.Number)
	mustContain(t, page, `<span class="action disabled" id="action-ship" aria-disabled="true"`,
		esc("Expédition impossible : la procédure « Modification du contenu » modifie la commande"))
	code, _ := a.get("/orders/" + o.Number + "/ship")
	if code != http.StatusConflict {
		t.Errorf("GET the form of a held order: %d, want 409", code)
	}
	rec := a.post("/orders/"+o.Number+"/ship", shipForm(o, "held"))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("POST on a held order: %d, want 422", rec.Code)
	}
}
