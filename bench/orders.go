package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/orderdesk/orderdesk/order"
)

// genOrder is an order to write, with the payment already taken, if any.
type genOrder struct {
	order.Order
	PaymentRef string // the provider's reference of its payment; "": unpaid
}

// querier is a connection the orders are written on (a pooled one, or one
// of the bulk load's own).
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// idRanges hands out ids of the tables the orders are written in: the
// benchmark writes explicit ids, so an order's lines, payment and ledger
// entry are written with COPY in one go, without reading anything back.
type idRanges struct{ mu sync.Mutex }

// reserve takes n consecutive ids of table's id sequence and returns the
// first. Only the benchmark writes these tables while it generates orders;
// the mutex keeps its own writers apart.
func (r *idRanges) reserve(ctx context.Context, q querier, table string, n int) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var last int64
	err := q.QueryRow(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), nextval(pg_get_serial_sequence($1, 'id')) + $2 - 1)`, table, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("reserving %d ids of %s: %w", n, table, err)
	}
	return last - int64(n) + 1, nil
}

// writeOrders writes orders, their lines, their payments and the payments'
// ledger entries with COPY into the real schema, as store.InsertOrder and
// store.AddPayment would have, and sets the ids of orders and lines.
func writeOrders(ctx context.Context, q querier, ids *idRanges, orders []genOrder) error {
	nLines, nPaid := 0, 0
	for _, o := range orders {
		nLines += len(o.Lines)
		if o.PaymentRef != "" {
			nPaid++
		}
	}
	orderID, err := ids.reserve(ctx, q, "orders", len(orders))
	if err != nil {
		return err
	}
	lineID, err := ids.reserve(ctx, q, "order_lines", nLines)
	if err != nil {
		return err
	}
	paymentID, err := ids.reserve(ctx, q, "payments", nPaid)
	if err != nil {
		return err
	}
	entryID, err := ids.reserve(ctx, q, "ledger_entries", nPaid)
	if err != nil {
		return err
	}
	now := time.Now()
	for i := range orders {
		o := &orders[i]
		o.ID = orderID + int64(i)
		if o.CreatedAt.IsZero() {
			o.CreatedAt = now
		}
		if o.Currency == "" {
			o.Currency = order.DefaultCurrency
		}
		if o.Customer.Locale == "" {
			o.Customer.Locale = "fr"
		}
		for j := range o.Lines {
			o.Lines[j].ID = lineID
			lineID++
		}
	}

	_, err = q.CopyFrom(ctx, pgx.Identifier{"orders"}, []string{
		"id", "number", "status", "logistics_status", "payment_method", "currency",
		"customer_name", "customer_email", "customer_phone", "customer_locale",
		"billing_address", "delivery_address", "shipping_rules", "discount",
		"merchandise_cents", "discount_cents", "shipping_cents", "total_cents", "created_at", "updated_at",
	}, pgx.CopyFromSlice(len(orders), func(i int) ([]any, error) {
		o := &orders[i]
		return []any{
			o.ID, o.Number, string(o.Status), string(o.Logistics), string(o.PaymentMethod), o.Currency,
			o.Customer.Name, o.Customer.Email, o.Customer.Phone, o.Customer.Locale,
			o.Billing, o.Delivery, o.ShippingRules, o.Discount,
			o.Totals.Merchandise, o.Totals.Discount, o.Totals.Shipping, o.Totals.Total, o.CreatedAt, o.CreatedAt,
		}, nil
	}))
	if err != nil {
		return fmt.Errorf("COPY orders: %w", err)
	}

	type lineRef struct{ o, l int }
	lines := make([]lineRef, 0, nLines)
	for i, o := range orders {
		for j := range o.Lines {
			lines = append(lines, lineRef{i, j})
		}
	}
	_, err = q.CopyFrom(ctx, pgx.Identifier{"order_lines"}, []string{
		"id", "order_id", "position", "sku", "name", "unit_price_cents", "quantity", "vat_rate_bp", "physical",
	}, pgx.CopyFromSlice(len(lines), func(i int) ([]any, error) {
		r := lines[i]
		o := &orders[r.o]
		l := o.Lines[r.l]
		return []any{l.ID, o.ID, r.l, l.SKU, l.Name, l.UnitPrice, l.Quantity, l.VATRate, l.Physical}, nil
	}))
	if err != nil {
		return fmt.Errorf("COPY order_lines: %w", err)
	}

	paid := make([]int, 0, nPaid)
	for i, o := range orders {
		if o.PaymentRef != "" {
			paid = append(paid, i)
		}
	}
	_, err = q.CopyFrom(ctx, pgx.Identifier{"payments"}, []string{
		"id", "order_id", "method", "amount_cents", "currency", "reference", "received_at", "created_at",
	}, pgx.CopyFromSlice(len(paid), func(i int) ([]any, error) {
		o := &orders[paid[i]]
		return []any{paymentID + int64(i), o.ID, string(o.PaymentMethod), o.Totals.Total, o.Currency, o.PaymentRef, o.CreatedAt, o.CreatedAt}, nil
	}))
	if err != nil {
		return fmt.Errorf("COPY payments: %w", err)
	}
	// The ledger entry store.AddPayment writes with a payment.
	_, err = q.CopyFrom(ctx, pgx.Identifier{"ledger_entries"}, []string{
		"id", "order_id", "kind", "amount_cents", "currency", "key", "ref", "note", "at",
	}, pgx.CopyFromSlice(len(paid), func(i int) ([]any, error) {
		o := &orders[paid[i]]
		key := fmt.Sprintf("payment/%d", paymentID+int64(i))
		return []any{entryID + int64(i), o.ID, string(order.EntryPayment), o.Totals.Total, o.Currency, key, key, o.PaymentRef, o.CreatedAt}, nil
	}))
	if err != nil {
		return fmt.Errorf("COPY ledger_entries: %w", err)
	}
	return nil
}

// The shapes of the orders the procedures run on.

var lyon = order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}

// mug and tShirt are the lines of the procedures' orders.
var (
	mug    = order.Line{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true}
	tShirt = order.Line{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 1, VATRate: 2000, Physical: true}
)

// lyonOrder is an order of Camille Martin's in Lyon, shipped by Colissimo
// (6,90 €, free from 50 €), awaiting printing, paid by ref; unpaid (ref
// "") it is a new order awaiting its payment.
func lyonOrder(number string, method order.PaymentMethod, ref string, lines ...order.Line) genOrder {
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: method, Currency: "EUR",
		Customer: order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Phone: "06 12 34 56 78", Locale: "fr"},
		Billing:  lyon, Delivery: lyon,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         lines,
	}
	if ref == "" {
		o.Status = order.StatusNew
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	return genOrder{Order: o, PaymentRef: ref}
}

// twoMugsAndATShirt is two mugs at 12,50 € and a T-shirt at 25 €: 50 € of
// merchandise, just enough for free shipping (6,90 € below 50 €).
func twoMugsAndATShirt(number string, method order.PaymentMethod, ref string) genOrder {
	return lyonOrder(number, method, ref, mug, tShirt)
}

// twoMugsShipped is two mugs at 12,50 € with 6,90 € shipping: 31,90 €.
func twoMugsShipped(number string, method order.PaymentMethod, ref string) genOrder {
	return lyonOrder(number, method, ref, mug)
}

// orderNumbers hands out the numbers of the procedures' orders:
// B-<year>-000001, B-<year>-000002...
type orderNumbers struct {
	year string
	next atomic.Int64
}

func (n *orderNumbers) take() string {
	if n.year == "" {
		n.year = time.Now().Format("2006")
	}
	return fmt.Sprintf("B-%s-%06d", n.year, n.next.Add(1))
}

// freshOrders writes n new orders of a shape for one run of a procedure.
func freshOrders(ctx context.Context, s *stack, ids *idRanges, numbers *orderNumbers, n int, shape func(number string) genOrder) ([]genOrder, error) {
	orders := make([]genOrder, n)
	for i := range orders {
		orders[i] = shape(numbers.take())
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	const batch = 2000
	for i := 0; i < n; i += batch {
		if err := writeOrders(ctx, conn, ids, orders[i:min(i+batch, n)]); err != nil {
			return nil, err
		}
	}
	if err := settleWrites(ctx, conn); err != nil {
		return nil, err
	}
	return orders, nil
}

// settleWrites does, before a measured run, the database's work that the
// orders just written with COPY leave behind, so that it is not counted
// in the procedures' CPU: up to now autovacuum did it during the run that
// followed, a minute late. It analyses the tables written: until then
// the planner believed them as small as before the COPY (orders grow
// twentyfold before the first run at 10) and the statements the
// procedures prepared planned for a few rows (the hold's UPDATE scanned
// every card order through an index on the means of payment, a ledger
// entry's foreign-key check read all orders). A shop's tables grow by
// far less than autovacuum's 10 % between two analyses. It also merges
// into the trigram indexes the entries the COPY left in their pending
// lists (GIN's fast update), which the next writer or autovacuum merges
// otherwise. The dead rows of earlier runs are left to autovacuum: their
// cleaning is the procedures' own cost.
func settleWrites(ctx context.Context, conn *pgxpool.Conn) error {
	if _, err := conn.Exec(ctx, `ANALYZE orders, order_lines, payments, ledger_entries`); err != nil {
		return fmt.Errorf("analysing the orders just written: %w", err)
	}
	_, err := conn.Exec(ctx, `
		SELECT gin_clean_pending_list(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
		WHERE a.amname = 'gin' AND i.indrelid IN ('orders'::regclass, 'order_lines'::regclass)`)
	if err != nil {
		return fmt.Errorf("merging the pending entries of the orders' trigram indexes: %w", err)
	}
	return nil
}

// The order list's orders: a shop's three years, generated from a fixed
// seed so that every run lists the same orders.

// catalogue is the shop's products: every kind in every theme.
type product struct {
	sku, name string
	price     int64
	vat       int64
	physical  bool
}

var catalogue = func() []product {
	kinds := []struct {
		code, name string
		price, vat int64
		physical   bool
	}{
		{"MUG", "Mug", 1250, 2000, true}, {"TSH", "T-shirt", 2500, 2000, true}, {"TAS", "Tasse en porcelaine", 1490, 2000, true},
		{"THE", "Thé vert", 890, 550, true}, {"SAV", "Savon artisanal", 650, 2000, true}, {"BOU", "Bougie parfumée", 1890, 2000, true},
		{"CAR", "Carnet", 990, 550, true}, {"AFF", "Affiche", 1500, 2000, true}, {"TOT", "Tote bag", 1290, 2000, true},
		{"MIE", "Miel de fleurs", 1150, 550, true}, {"CAF", "Café moulu", 1090, 550, true}, {"CAD", "Carte cadeau", 2500, 0, false},
	}
	themes := []string{"Lyon", "Paris", "Bretagne", "Provence", "Alsace", "Normandie", "Corse", "Savoie",
		"Bordeaux", "Marseille", "Nantes", "Lille", "Toulouse", "Nice", "Strasbourg", "Montpellier"}
	var out []product
	for _, k := range kinds {
		for j, t := range themes {
			out = append(out, product{
				sku:  fmt.Sprintf("%s-%s-%02d", k.code, strings.ToUpper(t[:3]), j+1),
				name: k.name + " " + t, price: k.price + int64(j%5)*100, vat: k.vat, physical: k.physical,
			})
		}
	}
	return out
}()

var (
	firstNames = []string{"Élodie", "Bruno", "Chloé", "Hugo", "Léa", "Lucas", "Manon", "Théo", "Camille", "Louis",
		"Inès", "Gabriel", "Jade", "Arthur", "Zoé", "Jules", "Sarah", "Nathan", "Anaïs", "Raphaël",
		"Clara", "Paul", "Lina", "Tom", "Emma", "Noé", "Julie", "Adam", "Margaux", "Victor",
		"Océane", "Maël", "Pauline", "Sacha", "Alice", "Enzo", "Mathilde", "Hélène", "Rémi", "Agathe"}
	lastNames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
		"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
		"Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
		"Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
		"Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin"}
	cities = []struct{ postal, city string }{
		{"69003", "Lyon"}, {"75011", "Paris"}, {"13001", "Marseille"}, {"31000", "Toulouse"}, {"06000", "Nice"},
		{"44000", "Nantes"}, {"67000", "Strasbourg"}, {"34000", "Montpellier"}, {"33000", "Bordeaux"}, {"59000", "Lille"},
		{"35000", "Rennes"}, {"51100", "Reims"}, {"38000", "Grenoble"}, {"21000", "Dijon"}, {"49000", "Angers"},
	}
	streets = []string{"rue des Lilas", "avenue Jean Jaurès", "boulevard Voltaire", "rue de la République", "place Bellecour",
		"rue Victor Hugo", "chemin des Vignes", "allée des Tilleuls", "rue du Moulin", "quai Saint-Antoine"}
	domains = []string{"example.fr", "exemple.com", "courriel.test", "boite.test"}
)

// customer k of the shop: customers order about three times each.
type customer struct {
	order.Customer
	address order.Address
}

func customerOf(k int) customer {
	first := firstNames[k%len(firstNames)]
	last := lastNames[(k/len(firstNames))%len(lastNames)]
	name := first + " " + last
	email := fmt.Sprintf("%s.%s.%d@%s", ascii(first), ascii(last), k, domains[k%len(domains)])
	// A mobile number per customer: 06 or 07 and eight digits from k.
	digits := (uint64(k)*2654435761 + 12345678) % 100000000
	phone := fmt.Sprintf("0%d %02d %02d %02d %02d", 6+k%2, digits/1000000, digits/10000%100, digits/100%100, digits%100)
	c := cities[k%len(cities)]
	return customer{
		Customer: order.Customer{Name: name, Email: email, Phone: phone, Locale: "fr"},
		address:  order.Address{Name: name, Line1: fmt.Sprintf("%d %s", 1+k%120, streets[k%len(streets)]), PostalCode: c.postal, City: c.city, Country: "FR"},
	}
}

// ascii lowers a name and drops its accents, for an email address.
func ascii(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ç", "c", "î", "i", "ï", "i", "ô", "o", "ù", "u", "û", "u", "É", "e", "ë", "e")
	return strings.ToLower(r.Replace(s))
}

var methodWeights = []struct {
	m order.PaymentMethod
	w int
}{
	{order.PayCard, 55}, {order.PayPayPal, 15}, {order.PayStripe, 8}, {order.PayBankTransfer, 6}, {order.PayCheque, 5},
	{order.PayHiPay, 3}, {order.PayPaybox, 3}, {order.PayBankPayment, 2}, {order.PayTerminal, 2}, {order.PayMoneyOrder, 1},
}

// shopOrders lays n orders over the three years before until: order i is
// placed at a fixed step after order i-1, numbered C-<year>-<rank in the
// year>, from 001000 (the demo orders have the low numbers).
type shopOrders struct {
	n           int
	from, until time.Time
	step        time.Duration
	firstOfYear map[int]int // index of each year's first order
	customers   int
}

func newShopOrders(n int, until time.Time) *shopOrders {
	until, from := until.UTC(), until.UTC().AddDate(-3, 0, 0)
	g := &shopOrders{n: n, from: from, until: until, step: until.Sub(from) / time.Duration(max(n, 1)),
		firstOfYear: map[int]int{}, customers: max(n/3, 1000)}
	for y := from.Year(); y <= until.Year(); y++ {
		i := 0
		if start := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); start.After(from) {
			i = int((start.Sub(from) + g.step - 1) / g.step) // the first order placed in y
		}
		g.firstOfYear[y] = i
	}
	return g
}

func (g *shopOrders) at(i int) time.Time { return g.from.Add(time.Duration(i) * g.step).UTC() }

// order i, from its own seed.
func (g *shopOrders) order(i int) genOrder {
	rng := rand.New(rand.NewPCG(20260101, uint64(i)))
	at := g.at(i)
	year := at.Year()
	c := customerOf(rng.IntN(g.customers))
	age := g.until.Sub(at)

	var status order.Status
	var logistics order.LogisticsStatus
	p := rng.IntN(100)
	switch {
	case age > 30*24*time.Hour: // a month old or more: mostly done
		switch {
		case p < 82:
			status, logistics = order.StatusCompleted, order.LogisticsShipped
		case p < 92:
			status, logistics = order.StatusShipped, order.LogisticsShipped
		default:
			status, logistics = order.StatusCancelled, order.LogisticsAwaitingPrinting
		}
	default:
		switch {
		case p < 30:
			status, logistics = order.StatusPaid, order.LogisticsStatuses[rng.IntN(3)]
		case p < 40:
			status, logistics = order.StatusNew, order.LogisticsAwaitingPrinting
		case p < 48:
			status, logistics = order.StatusAwaitingPayment, order.LogisticsAwaitingPrinting
		case p < 55:
			status, logistics = order.StatusPartiallyShipped, order.LogisticsShipped
		case p < 80:
			status, logistics = order.StatusShipped, order.LogisticsShipped
		case p < 95:
			status, logistics = order.StatusCompleted, order.LogisticsShipped
		default:
			status, logistics = order.StatusCancelled, order.LogisticsAwaitingPrinting
		}
	}
	w := rng.IntN(100)
	method := methodWeights[0].m
	for _, mw := range methodWeights {
		if w < mw.w {
			method = mw.m
			break
		}
		w -= mw.w
	}
	lines := make([]order.Line, 1+rng.IntN(4)) // 2.5 lines an order
	for j := range lines {
		pr := catalogue[rng.IntN(len(catalogue))]
		qty := int64(1)
		if rng.IntN(4) == 0 {
			qty = int64(2 + rng.IntN(2))
		}
		lines[j] = order.Line{SKU: pr.sku, Name: pr.name, UnitPrice: pr.price, Quantity: qty, VATRate: pr.vat, Physical: pr.physical}
	}
	o := order.Order{
		Number:        fmt.Sprintf("C-%d-%06d", year, 1000+i-g.firstOfYear[year]),
		Status:        status,
		Logistics:     logistics,
		PaymentMethod: method,
		Currency:      "EUR",
		Customer:      c.Customer,
		Billing:       c.address,
		Delivery:      c.address,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 6000, VATRate: 2000},
		Lines:         lines,
		CreatedAt:     at,
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	out := genOrder{Order: o}
	if status != order.StatusNew && status != order.StatusAwaitingPayment && status != order.StatusCancelled {
		out.PaymentRef = fmt.Sprintf("pay_%d_%08d", year, i)
	}
	return out
}
