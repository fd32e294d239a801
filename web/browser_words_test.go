package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// What a new agent reads in Chromium, on pages that misled before: the
// reason an order cannot be modified names its logistics status; the paid
// status does not read as finished; an English customer's history line
// reads in French amounts; the ship form starts on the carrier the order
// ships by; an open order says nothing of archiving; the icons are drawn
// (no emoji that shows as an empty box); a phone typed with spaces finds
// its order.
func TestBrowserWordsThatDontMislead(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	ctx := context.Background()
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	if _, err := devstack.LoadDemo(ctx, s.store); err != nil { // on an empty database only
		t.Fatal(err)
	}

	prepared := insertPaidOrder(t, s.store, "C-2026-000991", order.PayCard)
	for _, step := range []order.LogisticsStatus{order.LogisticsPrinting, order.LogisticsPrepared} {
		if err := s.store.SetLogisticsStatus(ctx, prepared.Number, step, "entrepôt"); err != nil {
			t.Fatal(err)
		}
	}
	marie.do("a prepared order", chromedp.Navigate(marie.base+"/orders/"+prepared.Number), chromedp.WaitVisible(chromedp.CSS("#modify-reason")))
	if got := marie.text("#modify-reason"); got != "Modification impossible : statut logistique « Préparé »" {
		t.Errorf("the modify action's reason reads %q", got)
	}
	if got := marie.text(".badges"); !strings.Contains(got, "Payée — à expédier") || strings.Contains(got, "Complétée") {
		t.Errorf("the order's badges read %q, want « Payée — à expédier »", got)
	}
	if page := marie.text("main"); strings.Contains(page, "Archivage impossible") {
		t.Error("an open order's page speaks of archiving")
	}

	// Icons are drawn, not written: no emoji shows as an empty box.
	emoji, err := chromedp.Run(marie.ctx, chromedp.Evaluate[bool](`/[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}\u{23F8}-\u{23FA}]/u.test(document.body.innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	if emoji {
		t.Error("the order page writes an emoji")
	}

	relay := insertOrderWith(t, s.store, "C-2026-000992", func(o *order.Order) {
		o.ShippingRules = order.ShippingRules{Method: "Mondial Relay point relais", Fee: 450, FreeFrom: 4500, VATRate: 2000}
	})
	marie.do("the ship form", chromedp.Navigate(marie.base+"/orders/"+relay.Number+"/ship"), chromedp.WaitVisible(chromedp.CSS("#fulfil-form")))
	carrier, err := chromedp.Run(marie.ctx, chromedp.Evaluate[string](`(() => { const s = document.querySelector('#carrier'); return s ? s.options[s.selectedIndex].text : ''; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if carrier != "Mondial Relay" {
		t.Errorf("the ship form starts on %q for a Mondial Relay order", carrier)
	}

	for _, d := range devstack.DemoOrders() {
		if d.Order.Customer.Locale != "en" {
			continue
		}
		o, err := s.store.GetOrder(ctx, d.Order.Number)
		if err != nil {
			t.Fatal(err)
		}
		marie.do("an English customer's order", chromedp.Navigate(marie.base+"/orders/"+o.Number), chromedp.WaitVisible(chromedp.CSS("main")))
		page := marie.text("main")
		if fr := order.EUR(o.Totals.Total).French(); !strings.Contains(page, fr) {
			t.Errorf("the order of an English customer lacks %q in French", fr)
		}
		if en := order.EUR(o.Totals.Total).Format("en"); strings.Contains(page, en) {
			t.Errorf("the French page shows %q", en)
		}
		break
	}

	phone := seedOrder(t, s.store, "C-2026-000993", "Élodie Martin") // 06 12 34 56 78
	marie.do("search a phone typed with spaces",
		chromedp.Navigate(marie.base+"/orders"),
		chromedp.WaitVisible(chromedp.CSS(`main input[name="q"]`)),
		chromedp.SendKeys(chromedp.CSS(`main input[name="q"]`), "+33 6 12 34 56 78\n"),
		// The results page, not the list the search was typed on, which
		// has a table too and may still be there.
		chromedp.WaitVisible(chromedp.CSS(`main input[name="q"][value="+33 6 12 34 56 78"]`)),
		chromedp.WaitVisible(chromedp.CSS("table")),
	)
	if got := marie.text("table"); !strings.Contains(got, phone.order.Number) {
		t.Errorf("searching the phone finds %q, not %s", got, phone.order.Number)
	}
}
