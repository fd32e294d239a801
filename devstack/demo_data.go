package devstack

import (
	"fmt"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

// The demo shop: a French online shop of tableware, tea, coffee and books.
// Everything here is fixed, so every `make dev` shows the same orders.

// DemoOrderNumber is the order the README and the `make dev` banner use to
// try the modify-content slice: paid by card, awaiting printing, 63,60 € of
// merchandise with free shipping from 60 €; taking one mug out loses free
// shipping (refund 8,00 €, not 14,90 €).
const DemoOrderNumber = "C-2026-000101"

type demoProduct struct {
	sku      string
	name     string
	price    int64 // TTC cents
	vat      int64 // basis points
	physical bool
}

var demoProducts = map[string]demoProduct{}

func init() {
	for _, p := range []demoProduct{
		{"MUG-BRE-01", "Mug en grès breton", 1490, 2000, true},
		{"THE-EARL-100", "Thé Earl Grey bio, 100 g", 850, 550, true},
		{"CAF-MOKA-250", "Café moka d'Éthiopie, 250 g", 990, 550, true},
		{"CHOC-NOIR-70", "Tablette de chocolat noir 70 %", 420, 550, true},
		{"MIEL-LAV-250", "Miel de lavande de Provence, 250 g", 1150, 550, true},
		{"CONF-ABRI-370", "Confiture d'abricots du Roussillon, 370 g", 640, 550, true},
		{"LIV-CUIS-BRE", "Livre « La cuisine bretonne »", 2400, 550, true},
		{"LIV-POTAGER", "Livre « Un potager en permaculture »", 1990, 550, true},
		{"EBOOK-RECET", "E-book « Recettes de saison »", 999, 550, false},
		{"TAB-LIN-NAT", "Tablier en lin lavé, naturel", 2900, 2000, true},
		{"TORCH-X3", "Lot de 3 torchons en coton bio", 1650, 2000, true},
		{"BOUG-FIGUE", "Bougie parfumée figue, 180 g", 2200, 2000, true},
		{"THEI-FONTE", "Théière en fonte 0,8 L", 3990, 2000, true},
		{"PLAT-GRATIN", "Plat à gratin en céramique", 2750, 2000, true},
		{"SAVON-MARS", "Savon de Marseille, 300 g", 590, 2000, true},
		{"CARAF-VERRE", "Carafe en verre soufflé, 1 L", 3400, 2000, true},
		{"BOL-CAFE-X2", "Lot de 2 bols à café au lait", 1800, 2000, true},
	} {
		demoProducts[p.sku] = p
	}
}

// The shipping rules of the shop, as the orders snapshot them.
var (
	colissimo    = order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 6000, VATRate: 2000}
	mondialRelay = order.ShippingRules{Method: "Mondial Relay point relais", Fee: 450, FreeFrom: 4500, VATRate: 2000}
	chronopost   = order.ShippingRules{Method: "Chronopost 24 h", Fee: 1290, FreeFrom: 0, VATRate: 2000}
)

type demoCustomer struct {
	name, phone, locale      string
	street, postalCode, city string
}

// email is first.last@example.fr, without accents.
func (c demoCustomer) email() string {
	r := strings.NewReplacer("é", "e", "è", "e", "ë", "e", "ï", "i", "ô", "o", "ç", "c", " ", ".", "'", "")
	return r.Replace(strings.ToLower(c.name)) + "@example.fr"
}

type demoLine struct {
	sku string
	qty int64
}

// demoOrder is one order of the demo, before pricing.
type demoOrder struct {
	cust      demoCustomer
	status    order.Status
	logistics order.LogisticsStatus
	pay       order.PaymentMethod
	rules     order.ShippingRules
	discount  order.Discount
	lines     []demoLine
	day, hour int // placed on November <day>, 2026 at <hour>:<minute>
	minute    int
	shipped   bool // lines shipped (status shipped/completed)
	partial   bool // only the first line shipped
}

// Statuses, logistics statuses and payment means are spread so every filter
// of the order list shows something, and most orders are awaiting printing
// so the modify-content slice can be tried on many of them.
var demoOrderList = []demoOrder{
	// 101: the README's example (card, 63,60 € just above free shipping).
	{cust: demoCustomer{"Camille Martin", "+33 6 12 34 56 01", "fr", "12 rue des Lilas", "69003", "Lyon"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCard, rules: colissimo,
		lines: []demoLine{{"MUG-BRE-01", 2}, {"THE-EARL-100", 2}, {"CHOC-NOIR-70", 4}}, day: 20, hour: 9, minute: 14},
	{cust: demoCustomer{"Julien Bernard", "+33 6 23 45 67 02", "fr", "8 avenue Jean-Jaurès", "31000", "Toulouse"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayPayPal, rules: colissimo,
		lines: []demoLine{{"TAB-LIN-NAT", 1}, {"TORCH-X3", 1}, {"SAVON-MARS", 3}}, day: 20, hour: 10, minute: 2},
	{cust: demoCustomer{"Léa Dubois", "+33 7 34 56 78 03", "fr", "25 boulevard de la Liberté", "59000", "Lille"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCard, rules: colissimo,
		lines: []demoLine{{"THEI-FONTE", 1}, {"THE-EARL-100", 1}, {"MIEL-LAV-250", 1}}, day: 20, hour: 11, minute: 37},
	{cust: demoCustomer{"Thomas Petit", "+33 6 45 67 89 04", "fr", "3 place du Bouffay", "44000", "Nantes"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCheque, rules: colissimo,
		lines: []demoLine{{"LIV-CUIS-BRE", 1}, {"LIV-POTAGER", 1}, {"CONF-ABRI-370", 3}}, day: 19, hour: 16, minute: 48},
	{cust: demoCustomer{"Manon Robert", "+33 6 56 78 90 05", "fr", "17 rue Sainte-Catherine", "33000", "Bordeaux"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayBankTransfer, rules: mondialRelay,
		lines: []demoLine{{"BOUG-FIGUE", 1}, {"SAVON-MARS", 2}, {"CHOC-NOIR-70", 3}}, day: 19, hour: 14, minute: 5},
	{cust: demoCustomer{"Hugo Richard", "+33 6 67 89 01 06", "fr", "41 cours Mirabeau", "13100", "Aix-en-Provence"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayStripe, rules: colissimo,
		lines: []demoLine{{"CAF-MOKA-250", 4}, {"BOL-CAFE-X2", 1}, {"CHOC-NOIR-70", 1}}, day: 19, hour: 9, minute: 21},
	{cust: demoCustomer{"Emily Clarke", "+33 6 78 90 12 07", "en", "21 rue de Paris", "35000", "Rennes"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCard, rules: colissimo,
		lines: []demoLine{{"CARAF-VERRE", 1}, {"MUG-BRE-01", 2}}, day: 18, hour: 20, minute: 55},
	{cust: demoCustomer{"Chloé Durand", "+33 7 89 01 23 08", "fr", "6 rue de la Nuée-Bleue", "67000", "Strasbourg"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayHiPay, rules: mondialRelay,
		lines: []demoLine{{"MIEL-LAV-250", 2}, {"CONF-ABRI-370", 2}, {"THE-EARL-100", 1}}, day: 18, hour: 18, minute: 12},
	{cust: demoCustomer{"Lucas Moreau", "+33 6 90 12 34 09", "fr", "22 rue Nationale", "37000", "Tours"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayPayPal, rules: colissimo,
		discount: order.Discount{Kind: order.DiscountPercent, Code: "BIENVENUE10", Percent: 1000},
		lines:    []demoLine{{"PLAT-GRATIN", 1}, {"TORCH-X3", 2}}, day: 18, hour: 15, minute: 40},
	{cust: demoCustomer{"Inès Laurent", "+33 6 01 23 45 10", "fr", "9 rue de Siam", "29200", "Brest"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCard, rules: chronopost,
		lines: []demoLine{{"THEI-FONTE", 1}, {"CAF-MOKA-250", 2}}, day: 18, hour: 11, minute: 3},
	{cust: demoCustomer{"Louis Simon", "+33 6 11 22 33 11", "fr", "14 rue Saint-Ferréol", "13001", "Marseille"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCard, rules: colissimo,
		lines: []demoLine{{"LIV-POTAGER", 2}, {"EBOOK-RECET", 1}, {"SAVON-MARS", 4}}, day: 17, hour: 22, minute: 17},
	{cust: demoCustomer{"Emma Michel", "+33 6 22 33 44 12", "fr", "30 place Stanislas", "54000", "Nancy"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayStripe, rules: colissimo,
		discount: order.Discount{Kind: order.DiscountFixed, Code: "NOEL5", Amount: 500},
		lines:    []demoLine{{"BOUG-FIGUE", 2}, {"MUG-BRE-01", 1}, {"CHOC-NOIR-70", 2}}, day: 17, hour: 13, minute: 30},
	{cust: demoCustomer{"Nathan Lefebvre", "+33 7 33 44 55 13", "fr", "5 place du Vieux-Marché", "76000", "Rouen"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCheque, rules: mondialRelay,
		lines: []demoLine{{"TAB-LIN-NAT", 1}, {"CONF-ABRI-370", 3}}, day: 17, hour: 10, minute: 44},
	{cust: demoCustomer{"Sarah Leroy", "+33 6 44 55 66 14", "fr", "11 rue d'Antibes", "06400", "Cannes"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayBankTransfer, rules: colissimo,
		lines: []demoLine{{"CARAF-VERRE", 1}, {"BOL-CAFE-X2", 1}, {"THE-EARL-100", 1}}, day: 16, hour: 19, minute: 8},
	// Waiting for the money: no payment yet.
	{cust: demoCustomer{"Gabriel Roux", "+33 6 55 66 77 15", "fr", "19 rue Masséna", "06000", "Nice"},
		status: order.StatusAwaitingPayment, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCheque, rules: colissimo,
		lines: []demoLine{{"LIV-CUIS-BRE", 2}, {"MIEL-LAV-250", 1}}, day: 16, hour: 9, minute: 52},
	{cust: demoCustomer{"Zoé Fournier", "+33 6 66 77 88 16", "fr", "2 rue des Carmes", "45000", "Orléans"},
		status: order.StatusAwaitingPayment, logistics: order.LogisticsAwaitingPrinting, pay: order.PayBankTransfer, rules: colissimo,
		lines: []demoLine{{"THEI-FONTE", 1}, {"THE-EARL-100", 3}}, day: 15, hour: 17, minute: 26},
	{cust: demoCustomer{"Arthur Girard", "+33 7 77 88 99 17", "fr", "27 rue de la Loge", "34000", "Montpellier"},
		status: order.StatusNew, logistics: order.LogisticsAwaitingPrinting, pay: order.PayBankTransfer, rules: mondialRelay,
		lines: []demoLine{{"SAVON-MARS", 5}, {"TORCH-X3", 1}}, day: 21, hour: 8, minute: 31},
	// In the warehouse: no longer modifiable.
	{cust: demoCustomer{"Alice Bonnet", "+33 6 88 99 00 18", "fr", "48 rue de Rivoli", "75004", "Paris"},
		status: order.StatusPaid, logistics: order.LogisticsPrinting, pay: order.PayCard, rules: colissimo,
		lines: []demoLine{{"PLAT-GRATIN", 1}, {"BOUG-FIGUE", 1}, {"CHOC-NOIR-70", 3}}, day: 14, hour: 12, minute: 15},
	{cust: demoCustomer{"Paul Mercier", "+33 6 99 00 11 19", "fr", "7 rue Jean-Jaurès", "87000", "Limoges"},
		status: order.StatusPaid, logistics: order.LogisticsPrepared, pay: order.PayPayPal, rules: colissimo,
		lines: []demoLine{{"CAF-MOKA-250", 3}, {"MUG-BRE-01", 2}}, day: 13, hour: 16, minute: 2},
	{cust: demoCustomer{"Juliette Fontaine", "+33 7 10 20 30 20", "fr", "15 rue Saint-Laud", "49100", "Angers"},
		status: order.StatusPaid, logistics: order.LogisticsPrepared, pay: order.PayHiPay, rules: chronopost,
		lines: []demoLine{{"TAB-LIN-NAT", 2}}, day: 13, hour: 9, minute: 47},
	{cust: demoCustomer{"Raphaël Chevalier", "+33 6 20 30 40 21", "fr", "33 rue de la Liberté", "21000", "Dijon"},
		status: order.StatusShipped, logistics: order.LogisticsShipped, pay: order.PayCard, rules: colissimo, shipped: true,
		lines: []demoLine{{"LIV-CUIS-BRE", 1}, {"CONF-ABRI-370", 2}, {"MIEL-LAV-250", 2}}, day: 10, hour: 14, minute: 33},
	{cust: demoCustomer{"Oliver Bennett", "+33 5 53 30 40 22", "en", "10 route de Sarlat", "24200", "Sarlat-la-Canéda"},
		status: order.StatusPartiallyShipped, logistics: order.LogisticsShipped, pay: order.PayStripe, rules: colissimo, partial: true,
		lines: []demoLine{{"THEI-FONTE", 1}, {"THE-EARL-100", 2}, {"EBOOK-RECET", 1}}, day: 9, hour: 21, minute: 4},
	{cust: demoCustomer{"Clara Lambert", "+33 6 30 40 50 23", "fr", "18 rue Victor-Hugo", "63000", "Clermont-Ferrand"},
		status: order.StatusCompleted, logistics: order.LogisticsShipped, pay: order.PayCheque, rules: mondialRelay, shipped: true,
		lines: []demoLine{{"BOL-CAFE-X2", 2}, {"CAF-MOKA-250", 2}}, day: 4, hour: 10, minute: 19},
	{cust: demoCustomer{"Maxime Faure", "+33 6 40 50 60 24", "fr", "9 rue des Marchands", "68000", "Colmar"},
		status: order.StatusCompleted, logistics: order.LogisticsShipped, pay: order.PayBankTransfer, rules: colissimo, shipped: true,
		lines: []demoLine{{"CARAF-VERRE", 2}}, day: 3, hour: 15, minute: 58},
	{cust: demoCustomer{"Margaux Garnier", "+33 7 50 60 70 25", "fr", "26 rue Saint-Rome", "31000", "Toulouse"},
		status: order.StatusCancelled, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCheque, rules: colissimo,
		lines: []demoLine{{"TORCH-X3", 1}, {"SAVON-MARS", 2}}, day: 6, hour: 11, minute: 40},
	{cust: demoCustomer{"Antoine Rousseau", "+33 6 60 70 80 26", "fr", "4 rue de la Monnaie", "35000", "Rennes"},
		status: order.StatusPaid, logistics: order.LogisticsAwaitingPrinting, pay: order.PayCard, rules: colissimo,
		lines: []demoLine{{"LIV-POTAGER", 1}, {"BOUG-FIGUE", 1}, {"THE-EARL-100", 1}, {"CHOC-NOIR-70", 3}}, day: 21, hour: 7, minute: 55},
}

// DemoOrder is one order of the demo data, priced, with its payment when
// the customer has paid.
type DemoOrder struct {
	Order   order.Order
	Payment *DemoPayment // nil when nothing was paid
}

// DemoPayment is the money received for a demo order.
type DemoPayment struct {
	Method    order.PaymentMethod
	Amount    int64
	Reference string
	At        time.Time
}

// paid reports whether an order in status s has been paid.
func paid(s order.Status) bool {
	switch s {
	case order.StatusPaid, order.StatusPartiallyShipped, order.StatusShipped, order.StatusCompleted:
		return true
	}
	return false
}

// DemoOrders builds the demo orders: numbered from C-2026-000101, priced
// with order.Price and order.ShippingFee on their own shipping rules, with
// a payment of the whole total for every paid order.
func DemoOrders() []DemoOrder {
	paris, _ := time.LoadLocation("Europe/Paris")
	if paris == nil {
		paris = time.UTC
	}
	out := make([]DemoOrder, 0, len(demoOrderList))
	for i, d := range demoOrderList {
		number := fmt.Sprintf("C-2026-%06d", 101+i)
		at := time.Date(2026, time.November, d.day, d.hour, d.minute, 0, 0, paris)
		var lines []order.Line
		for j, dl := range d.lines {
			p, ok := demoProducts[dl.sku]
			if !ok {
				panic("devstack: demo order " + number + " names unknown product " + dl.sku)
			}
			l := order.Line{SKU: p.sku, Name: p.name, UnitPrice: p.price, Quantity: dl.qty, VATRate: p.vat, Physical: p.physical}
			if d.shipped || (d.partial && j == 0) {
				if p.physical {
					l.QtyShipped = dl.qty
				} else {
					l.QtyCompleted = dl.qty
				}
			}
			lines = append(lines, l)
		}
		fee := order.ShippingFee(d.rules, order.MerchandiseTotal(lines))
		addr := order.Address{Name: d.cust.name, Line1: d.cust.street, PostalCode: d.cust.postalCode, City: d.cust.city, Country: "FR"}
		o := order.Order{
			Number:        number,
			Status:        d.status,
			Logistics:     d.logistics,
			PaymentMethod: d.pay,
			Currency:      order.DefaultCurrency,
			Customer:      order.Customer{Name: d.cust.name, Email: d.cust.email(), Phone: d.cust.phone, Locale: d.cust.locale},
			Billing:       addr,
			Delivery:      addr,
			ShippingRules: d.rules,
			ShippingFee:   fee,
			Discount:      d.discount,
			Lines:         lines,
			Totals:        order.Price(lines, d.discount, fee, d.rules.VATRate),
			CreatedAt:     at,
			UpdatedAt:     at,
		}
		do := DemoOrder{Order: o}
		if paid(d.status) {
			do.Payment = &DemoPayment{Method: d.pay, Amount: o.Totals.Total, Reference: paymentReference(d.pay, i), At: at.Add(3 * time.Minute)}
		}
		out = append(out, do)
	}
	return out
}

// paymentReference looks like what each provider or the bank gives.
func paymentReference(m order.PaymentMethod, i int) string {
	switch m {
	case order.PayCard:
		return fmt.Sprintf("CB-TX-8%07d", 4410+i*37)
	case order.PayStripe:
		return fmt.Sprintf("pi_3Demo%06dOrderdesk", 101+i)
	case order.PayPayPal:
		return fmt.Sprintf("PAYID-DEMO%06d", 101+i)
	case order.PayHiPay:
		return fmt.Sprintf("HP-%09d", 800000101+i)
	case order.PayCheque:
		return fmt.Sprintf("Chèque n° %07d", 3141500+i)
	case order.PayBankTransfer:
		return fmt.Sprintf("VIR SEPA C-2026-%06d", 101+i)
	}
	return ""
}
