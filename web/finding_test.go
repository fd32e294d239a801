package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// A content change refused for the order's logistics status says so in a
// sentence that reads right whatever the status, in French and in English.
func TestModifyRefusalNamesTheLogisticsStatus(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	ctx := context.Background()
	want := map[order.LogisticsStatus][2]string{
		order.LogisticsPrinting: {"Modification impossible : statut logistique « En cours d&#39;impression »", "Cannot modify: logistics status “Printing”"},
		order.LogisticsPrepared: {"Modification impossible : statut logistique « Préparé »", "Cannot modify: logistics status “Prepared”"},
		order.LogisticsShipped:  {"Modification impossible : statut logistique « Expédié »", "Cannot modify: logistics status “Shipped”"},
	}
	var orders []order.Order
	for i, ls := range []order.LogisticsStatus{order.LogisticsPrinting, order.LogisticsPrepared, order.LogisticsShipped} {
		o := insertPaidOrder(t, a.store, "C-2026-00097"+string(rune('1'+i)), order.PayCard)
		for _, step := range []order.LogisticsStatus{order.LogisticsPrinting, order.LogisticsPrepared, order.LogisticsShipped} {
			if err := a.store.SetLogisticsStatus(ctx, o.Number, step, "entrepôt"); err != nil {
				t.Fatal(err)
			}
			if step == ls {
				break
			}
		}
		orders = append(orders, o)
	}
	for i, ls := range []order.LogisticsStatus{order.LogisticsPrinting, order.LogisticsPrepared, order.LogisticsShipped} {
		body := a.page("/orders/" + orders[i].Number)
		mustContain(t, body, `id="modify-reason">`+want[ls][0]+`</span>`)
		mustNotContain(t, body, "la commande est Préparé", "la commande est Expédié")
	}
	a.post("/locale", url.Values{"locale": {"en"}})
	for i, ls := range []order.LogisticsStatus{order.LogisticsPrinting, order.LogisticsPrepared, order.LogisticsShipped} {
		mustContain(t, a.page("/orders/"+orders[i].Number), `id="modify-reason">`+want[ls][1]+`</span>`)
	}
}

// The paid status reads as paid and still to ship, never as finished.
func TestPaidStatusIsNotReadAsFinished(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	o := insertPaidOrder(t, a.store, "C-2026-000975", order.PayCard)
	body := a.page("/orders/" + o.Number)
	mustContain(t, body, "Payée — à expédier")
	mustNotContain(t, body, "Complétée")
	a.post("/locale", url.Values{"locale": {"en"}})
	mustContain(t, a.page("/orders?status=paid"), "Paid — to ship")
}

// A French agent reads an English customer's order history in French:
// its total as 63,80 €, not €63.80.
func TestHistoryAmountsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	if _, err := devstack.LoadDemo(context.Background(), a.store); err != nil {
		t.Fatal(err)
	}
	var english order.Order
	for _, d := range devstack.DemoOrders() {
		if d.Order.Customer.Locale == "en" {
			o, err := a.store.GetOrder(context.Background(), d.Order.Number)
			if err != nil {
				t.Fatal(err)
			}
			english = o
			break
		}
	}
	if english.Number == "" {
		t.Fatal("the demo has no English customer")
	}
	fr := order.EUR(english.Totals.Total).French() // e.g. 63,80 €
	en := order.EUR(english.Totals.Total).Format("en")
	body := a.page("/orders/" + english.Number)
	mustContain(t, body, "Commande passée en ligne", fr)
	mustNotContain(t, body, esc(en))
	a.post("/locale", url.Values{"locale": {"en"}})
	mustContain(t, a.page("/orders/"+english.Number), "Order placed online", en)
}

// The ship form of an order sent by Mondial Relay starts on Mondial Relay.
func TestShipFormCarrierFollowsTheShippingMethod(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	o := insertOrderWith(t, a.store, "C-2026-000976", func(o *order.Order) {
		o.ShippingRules = order.ShippingRules{Method: "Mondial Relay point relais", Fee: 450, FreeFrom: 4500, VATRate: 2000}
	})
	body := a.page("/orders/" + o.Number + "/ship")
	mustContain(t, body, `<option value="Mondial Relay" selected>`)
	mustNotContain(t, body, `<option value="Colissimo" selected>`)
}

// An open order's page does not say « Archivage impossible ».
func TestOpenOrderPageHasNoArchiveNote(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	o := insertPaidOrder(t, a.store, "C-2026-000977", order.PayCard)
	body := a.page("/orders/" + o.Number)
	mustNotContain(t, body, `id="archive-reason"`, ">Archivage impossible")
}

// No template or static file writes an emoji: where the emoji font is
// missing they show as empty boxes.
func TestNoEmojiInTemplates(t *testing.T) {
	t.Parallel()
	var files []string
	for _, glob := range []string{"templates/*.html", "templates/partials/*.html", "static/*"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found %d templates and static files: run from web/", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, r := range line {
				if isEmoji(r) {
					t.Errorf("%s:%d: %U %q is an emoji: draw it in inline SVG or CSS", f, i+1, r, string(r))
				}
			}
		}
	}
	for _, r := range []rune{'🔒', '⏸', '✔', '✖'} {
		if !isEmoji(r) {
			t.Errorf("isEmoji(%q) = false", r)
		}
	}
	for _, r := range []rune{'←', '→', '—', '✓', '€'} {
		if isEmoji(r) {
			t.Errorf("isEmoji(%q) = true: it is a text character", r)
		}
	}
}

// isEmoji reports whether r is drawn from an emoji font: the pictographs
// (U+1F000 on), the miscellaneous symbols and dingbats (U+2600–U+27BF, but
// the plain check mark U+2713), the media and clock symbols of U+23xx, the
// variation selector that asks for an emoji.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, r == 0xFE0F:
		return true
	case r >= 0x2600 && r <= 0x27BF:
		return r != 0x2713
	case r == 0x231A, r == 0x231B, r == 0x2328, r == 0x23CF, r >= 0x23E9 && r <= 0x23F3, r >= 0x23F8 && r <= 0x23FA:
		return true
	}
	return r == utf8.RuneError
}

// The search box finds an order by its customer's phone typed with spaces
// or with the country code.
func TestOrderListFindsAPhoneTypedAnyWay(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	seedOrder(t, a.store, "C-2026-000123", "Élodie Martin") // phone 06 12 34 56 78
	for _, q := range []string{"06 12 34 56 78", "+33612345678"} {
		if body := a.page("/orders?q=" + url.QueryEscape(q)); !strings.Contains(body, "C-2026-000123</strong>") {
			t.Errorf("search %q does not find the order", q)
		}
	}
}

// The customer view lists the customer's orders, newest first, with their
// statuses and totals, and the emails written to them; the order page
// links to it.
func TestCustomerPage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	s := seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	insertOrderWith(t, a.store, "C-2026-000100", func(o *order.Order) { // the same customer, typed otherwise, a month before
		o.Customer.Email = "Elodie.Martin@example.fr"
		o.CreatedAt = placedAt.AddDate(0, -1, 0)
	})
	other := insertPaidOrder(t, a.store, "C-2026-000101", order.PayCard)
	mustContain(t, a.page("/orders/"+s.order.Number), `href="/customers/elodie.martin@example.fr" id="customer-link"`)
	body := a.page("/customers/elodie.martin@example.fr")
	mustContain(t, body, "elodie.martin@example.fr", "C-2026-000123", "C-2026-000100", "Payée — à expédier",
		order.EUR(s.order.Totals.Total).French(), esc(s.email.Subject), "2 commandes")
	mustNotContain(t, body, other.Number)
	if strings.Index(body, "C-2026-000123") > strings.Index(body, "C-2026-000100") {
		t.Error("the newest order is not first")
	}
	if code, _ := a.get("/customers/nobody@example.fr"); code != 200 {
		t.Errorf("a customer without orders: %d", code)
	}
}

// The outbox filters by status, order number and recipient.
func TestOutboxFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	ctx := context.Background()
	s := seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	o := insertPaidOrder(t, a.store, "C-2026-000130", order.PayCard)
	sent, err := a.store.EnqueueEmail(ctx, store.Email{Key: "t/sent", OrderID: o.ID, ToEmail: "camille.martin@example.fr", Subject: "Votre commande C-2026-000130 a été expédiée", BodyText: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.MarkEmailSent(ctx, sent.ID, "msg-1"); err != nil {
		t.Fatal(err)
	}
	pendingSubject := esc(s.email.Subject)
	sentSubject := esc(sent.Subject)
	for _, tt := range []struct {
		query     string
		want, not string
	}{
		{"status=pending", pendingSubject, sentSubject},
		{"status=sent", sentSubject, pendingSubject},
		{"order=C-2026-000130", sentSubject, pendingSubject},
		{"to=elodie.martin%40example.fr", pendingSubject, sentSubject},
		{"", pendingSubject, ""},
	} {
		body := a.page("/outbox?" + tt.query)
		mustContain(t, body, tt.want)
		if tt.not != "" {
			mustNotContain(t, body, tt.not)
		}
	}
	mustContain(t, a.page("/outbox?status=failed"), "Aucun e-mail ne correspond à ces filtres.")
}

// insertOrderWith is a paid order as change makes it.
func insertOrderWith(t *testing.T, st *store.Store, number string, change func(*order.Order)) order.Order {
	t.Helper()
	addr := order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayCard, Currency: "EUR",
		Customer: order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:  addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}},
		CreatedAt:     placedAt,
	}
	change(&o)
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
