package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }

// Products of the test shop. Prices are tax-inclusive cents.
var (
	mug   = order.Line{SKU: "MUG-01", Name: "Mug émaillé", UnitPrice: 1290, Quantity: 2, VATRate: 2000, Physical: true}
	tee   = order.Line{SKU: "TEE-02", Name: "T-shirt coton bio", UnitPrice: 1990, Quantity: 2, VATRate: 2000, Physical: true}
	ebook = order.Line{SKU: "EBOOK-7", Name: "Livre de recettes (PDF)", UnitPrice: 990, Quantity: 1, VATRate: 550, Physical: false}
)

// colissimo: 6.90 €, free from 50 €.
var colissimo = order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000}

// newOrder is an order paid by card, awaiting printing, priced as the shop
// would price it.
func newOrder(number string, lines ...order.Line) order.Order {
	addr := order.Address{Name: "Élodie Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number:        number,
		Status:        order.StatusPaid,
		Logistics:     order.LogisticsAwaitingPrinting,
		PaymentMethod: order.PayCard,
		Customer:      order.Customer{Name: "Élodie Martin", Email: "elodie.martin@example.fr", Phone: "+33 6 12 34 56 78"},
		Billing:       addr,
		Delivery:      addr,
		ShippingRules: colissimo,
		Lines:         lines,
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(lines))
	o.Totals = order.Reprice(o)
	return o
}

func insert(t *testing.T, s *store.Store, o order.Order) order.Order {
	t.Helper()
	got, err := s.InsertOrder(ctx(t), o)
	if err != nil {
		t.Fatalf("InsertOrder(%s): %v", o.Number, err)
	}
	return got
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// migrateBefore empties conn's database and applies the migrations before
// version before, recorded as Migrate records them: a database as an
// earlier orderdesk left it. It returns the migrations left to apply.
func migrateBefore(t *testing.T, conn *pgx.Conn, before string) (later []string) {
	t.Helper()
	if _, err := conn.Exec(ctx(t), `DROP SCHEMA public CASCADE; CREATE SCHEMA public;
		CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, v := range store.Migrations() {
		if v >= before {
			later = append(later, v)
			continue
		}
		sql, err := os.ReadFile("migrations/" + v + ".sql")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx(t), string(sql)); err != nil {
			t.Fatalf("migration %s: %v", v, err)
		}
		if _, err := conn.Exec(ctx(t), `INSERT INTO schema_migrations (version) VALUES ($1)`, v); err != nil {
			t.Fatal(err)
		}
	}
	return later
}
