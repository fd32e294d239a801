package store_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// numbersOf lists the orders' numbers, in the list's order.
func numbersOf(list []store.OrderSummary) []string {
	out := []string{}
	for _, o := range list {
		out = append(out, o.Number)
	}
	return out
}

// A text under three characters has no trigram to look up: refused, with
// the field named.
func TestSearchNeedsThreeCharacters(t *testing.T) {
	s := devstacktest.NewStore(t)
	for _, q := range []string{"j", "C-", "é1", "%"} {
		_, _, err := s.ListOrders(ctx(t), store.OrderFilter{Query: q})
		var fe *order.FieldError
		if !errors.As(err, &fe) || fe.Field != "q" || !strings.Contains(fe.Message, "3") {
			t.Errorf("search %q: %v, want a field error on q asking for 3 characters", q, err)
		}
	}
	if _, _, err := s.ListOrders(ctx(t), store.OrderFilter{Query: "  éa  "}); err == nil {
		t.Errorf("search \"  éa  \" accepted: the spaces around it do not count")
	}
}

// Each field the search box promises finds its order, and only it: the
// order number (part, whole, any case), the customer's email, name and
// phone (typed any way), the SKU and the product name.
func TestSearchFindsEachField(t *testing.T) {
	s := devstacktest.NewStore(t)
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	add := func(number, name, email, phone string, created time.Time, archived bool, lines ...order.Line) {
		o := newOrder(number, lines...)
		o.Customer = order.Customer{Name: name, Email: email, Phone: phone}
		o.CreatedAt = created
		if archived {
			at := created.Add(time.Hour)
			o.ArchivedAt = &at
		}
		insert(t, s, o)
	}
	twoMugs := mug
	twoMugs.SKU, twoMugs.Name = "MUG-02", "Mug émaillé grand modèle"
	add("C-2026-000201", "Élodie Martin", "elodie.martin@example.fr", "+33 6 12 34 56 78", day, false, mug, twoMugs)
	add("C-2026-000202", "Jean Dupont", "jdupont@example.com", "06 98 76 54 32", day.Add(time.Hour), false, tee)
	add("C-2026-000203", "Chloé Bernard", "chloe@example.org", "01 23 45 67 89", day.Add(2*time.Hour), false, ebook)
	add("C-2026-000204", "Jean Dupont", "jdupont@example.com", "06 98 76 54 32", day.Add(3*time.Hour), true, tee)

	for _, tc := range []struct {
		query    string
		archived bool
		want     []string // numbers without "C-2026-000", newest first
	}{
		{"000202", false, []string{"202"}},                     // part of a number
		{"c-2026-000203", false, []string{"203"}},              // a whole number, in lower case
		{"C-2026-00020", false, []string{"203", "202", "201"}}, // the start of numbers
		{"2026-000202", false, []string{"202"}},                // the end of a number
		{"JDUPONT@EXAMPLE", false, []string{"202"}},            // email, any case
		{"example.org", false, []string{"203"}},                // the email's domain
		{"elodie.martin@example.fr", false, []string{"201"}},   // a whole email
		{"martin@EXAMPLE.fr", false, []string{"201"}},          // the end of an email, any case
		{"@example.com", false, []string{"202"}},               // a domain with its @
		{"jdupont@example.org", false, []string{}},             // the name before the @ is not enough
		{"dupont", false, []string{"202"}},                     // name and email: found once
		{"chloé bernard", false, []string{"203"}},              // a whole name
		{"Élodie", false, []string{"201"}},                     // accented name
		{"06 12 34 56 78", false, []string{"201"}},             // a phone stored as +33 6 12 34 56 78
		{"0612345678", false, []string{"201"}},                 // the same, without spaces
		{"+33 6 98 76 54 32", false, []string{"202"}},          // a phone stored as 06 98 76 54 32
		{"98.76.54", false, []string{"202"}},                   // part of a phone
		{"tee-0", false, []string{"202"}},                      // SKU, any case
		{"MUG", false, []string{"201"}},                        // two lines and a product name: found once
		{"émaillé grand", false, []string{"201"}},              // product name
		{"recettes (PDF)", false, []string{"203"}},             // product name with parentheses
		{"000204", false, []string{}},                          // archived: not among the current orders
		{"000204", true, []string{"204"}},                      // but among the archived ones
		{"T-SHIRT", true, []string{"204"}},                     // a product among the archived orders
		{"50%", false, []string{}},                             // LIKE wildcards are literal
		{"a_b", false, []string{}},
		{"trombone", false, []string{}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			list, total, err := s.ListOrders(ctx(t), store.OrderFilter{Query: tc.query, Archived: tc.archived})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, n := range numbersOf(list) {
				got = append(got, strings.TrimPrefix(n, "C-2026-000"))
			}
			if !reflect.DeepEqual(got, tc.want) || total != len(tc.want) {
				t.Errorf("search %q (archived %v) = %v (total %d), want %v", tc.query, tc.archived, got, total, tc.want)
			}
		})
	}
}

// searchNumbers is the numbers of the current orders a search finds, newest
// first.
func searchNumbers(t *testing.T, s *store.Store, q string) []string {
	t.Helper()
	list, total, err := s.ListOrders(ctx(t), store.OrderFilter{Query: q})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	if total != len(list) {
		t.Errorf("search %q: total %d for %d orders listed", q, total, len(list))
	}
	return numbersOf(list)
}

// The search finds an order by its lines as they are now: after a
// modify-content that renames a product, removes one and adds another, and
// after lines are added, moved to another order or deleted by statements
// that know nothing of the search.
func TestSearchFollowsTheLinesAsTheyChange(t *testing.T) {
	u := devstacktest.NewDatabase(t)
	s, err := store.Open(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := insert(t, s, newOrder("C-2026-000301", mug, tee))
	b := insert(t, s, newOrder("C-2026-000302", ebook))
	if got := searchNumbers(t, s, "tee-02"); !reflect.DeepEqual(got, []string{a.Number}) {
		t.Fatalf("search tee-02 = %v, want %s", got, a.Number)
	}

	// modify-content: the mug becomes a teapot, the T-shirts go, a plaid comes.
	const wf = "modify-content/C-2026-000301/req-1"
	held, err := s.TakeHold(ctx(t), a.Number, wf)
	if err != nil {
		t.Fatal(err)
	}
	sku, name := "THEIERE-09", "Théière en fonte"
	res, err := order.ApplyContentChange(held, order.ContentChange{
		Quantities: []order.LineQuantity{{LineID: held.Lines[1].ID, Quantity: 0}},
		Edits:      []order.LineEdit{{LineID: held.Lines[0].ID, SKU: &sku, Name: &name}},
		Add:        []order.NewLine{{SKU: "PLAID-01", Name: "Plaid en laine", UnitPrice: 5900, Quantity: 1, VATRate: 2000, Physical: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveContentChange(ctx(t), a.Number, wf, res, store.Event{
		ActorKind: store.ActorProcedure, Actor: wf, WorkflowID: wf, Kind: "content_changed", Message: "Contenu modifié", Key: wf + "/save-content",
	}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"TEE-02":           {},         // removed
		"T-shirt":          {},         // removed
		"MUG-01":           {},         // renamed
		"Mug émaillé":      {},         // renamed
		"theiere-09":       {a.Number}, // its new SKU
		"THÉIÈRE EN FONTE": {a.Number}, // its new name
		"plaid en":         {a.Number}, // added
		"recettes":         {b.Number}, // the other order, untouched
	} {
		if got := searchNumbers(t, s, q); !reflect.DeepEqual(got, want) {
			t.Errorf("after modify-content, search %q = %v, want %v", q, got, want)
		}
	}

	// Statements of their own: lines for two orders in one INSERT, a line
	// moved to another order, a line deleted, a quantity shipped.
	conn, err := pgx.Connect(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx(t), sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO order_lines (order_id, position, sku, name, unit_price_cents, quantity, vat_rate_bp)
		VALUES ($1, 10, 'VASE-03', 'Vase en grès', 2500, 1, 2000), ($2, 10, 'VASE-04', 'Vase en grès bleu', 2900, 1, 2000),
			($2, 11, 'BOL-01', 'Bol à café', 900, 2, 2000)`, a.ID, b.ID)
	if got := searchNumbers(t, s, "vase en grès"); !reflect.DeepEqual(got, []string{b.Number, a.Number}) {
		t.Errorf("after one INSERT of lines for both orders, search \"vase en grès\" = %v, want %s and %s", got, b.Number, a.Number)
	}
	exec(`UPDATE order_lines SET order_id = $1 WHERE sku = 'BOL-01'`, a.ID)
	exec(`DELETE FROM order_lines WHERE sku = 'PLAID-01'`)
	exec(`UPDATE order_lines SET qty_shipped = 1 WHERE order_id = $1`, b.ID)
	for q, want := range map[string][]string{
		"Bol à café": {a.Number}, // moved from b to a
		"PLAID":      {},         // deleted
		"VASE-04":    {b.Number}, // shipped, still there
		"recettes":   {b.Number},
		"fonte":      {a.Number},
	} {
		if got := searchNumbers(t, s, q); !reflect.DeepEqual(got, want) {
			t.Errorf("after the statements, search %q = %v, want %v", q, got, want)
		}
	}
}

// The orders of a database that had them before the search read the
// lines' texts from the orders are found by their lines once it is
// migrated, and their lines' later changes are followed.
func TestSearchFindsTheOrdersThatWereThereBeforeTheMigration(t *testing.T) {
	u := devstacktest.NewDatabase(t)
	conn, err := pgx.Connect(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// The schema as it was before the line texts: every migration up to
	// 0010, recorded as Migrate records them.
	later := migrateBefore(t, conn, "0011")
	s, err := store.Open(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := insert(t, s, newOrder("C-2026-000501", mug, tee))
	b := insert(t, s, newOrder("C-2026-000502", ebook, mug))
	insert(t, s, newOrder("C-2026-000503"))

	applied, err := s.Migrate(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(applied, later) {
		t.Fatalf("Migrate applied %v, want %v", applied, later)
	}
	for q, want := range map[string][]string{
		"MUG-01":      {b.Number, a.Number},
		"coton bio":   {a.Number},
		"ebook-7":     {b.Number},
		"trombone":    {},
		"C-2026-0005": {"C-2026-000503", b.Number, a.Number},
	} {
		if got := searchNumbers(t, s, q); !reflect.DeepEqual(got, want) {
			t.Errorf("after the migration, search %q = %v, want %v", q, got, want)
		}
	}
	if _, err := conn.Exec(ctx(t), `DELETE FROM order_lines WHERE order_id = $1 AND sku = 'MUG-01'`, b.ID); err != nil {
		t.Fatal(err)
	}
	if got := searchNumbers(t, s, "MUG-01"); !reflect.DeepEqual(got, []string{a.Number}) {
		t.Errorf("after a line of %s is deleted, search MUG-01 = %v, want %s", b.Number, got, a.Number)
	}
}

// A text is found within one SKU or one product name, never across two:
// not from a line's SKU into its name, nor from one line into the next,
// whatever the text holds. A line break typed in a name is found.
func TestSearchNeverJoinsTwoLines(t *testing.T) {
	s := devstacktest.NewStore(t)
	gift := ebook
	gift.SKU, gift.Name = "COFFRET-01", "Coffret\nthé vert"
	insert(t, s, newOrder("C-2026-000401", mug, tee))
	insert(t, s, newOrder("C-2026-000402", gift))
	for q, want := range map[string][]string{
		"émaillé\nTEE":   {}, // the end of a name, the next line's SKU
		"MUG-01\nMug":    {}, // a SKU and its name
		"MUG-01 Mug":     {},
		"émailléTEE":     {},
		"Coffret\nthé":   {"C-2026-000402"}, // within the name
		"coffret\nthé v": {"C-2026-000402"},
	} {
		if got := searchNumbers(t, s, q); !reflect.DeepEqual(got, want) {
			t.Errorf("search %q = %v, want %v", q, got, want)
		}
	}
}

// keysetOrders writes n orders whose dates, totals, statuses and payment
// methods repeat, so the sorts have ties that only the id breaks. It
// returns the numbers of those with the e-book.
func keysetOrders(t *testing.T, s *store.Store, n int) map[string]bool {
	t.Helper()
	withEbook := map[string]bool{}
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	products := [][]order.Line{{mug}, {tee}, {mug, ebook}, {ebook}}
	methods := []order.PaymentMethod{order.PayCard, order.PayCheque, order.PayPayPal}
	for i := range n {
		o := newOrder(fmt.Sprintf("C-2026-%06d", 1000-i*7), products[i%len(products)]...) // numbers out of the insertion order
		o.CreatedAt = day.Add(time.Duration(i/3) * time.Hour)                             // three orders an hour
		o.Status = order.Statuses[i%len(order.Statuses)]
		o.PaymentMethod = methods[i%len(methods)]
		o.Customer.Email = fmt.Sprintf("client%d@example.fr", i)
		insert(t, s, o)
		withEbook[o.Number] = i%len(products) >= 2
	}
	return withEbook
}

// Every sort, in both directions, under each filter and a search: walking
// the pages forwards from the first one, then backwards from the last one,
// shows every matching order exactly once, in the sort's order (ties by
// id), and the count says how many there are.
func TestKeysetPagesCoverEveryOrderOnceInOrder(t *testing.T) {
	s := devstacktest.NewStore(t)
	withEbook := keysetOrders(t, s, 37)
	all, _, err := s.ListOrders(ctx(t), store.OrderFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 37 {
		t.Fatalf("%d orders listed, want 37", len(all))
	}
	less := map[string]func(a, b store.OrderSummary) int{
		"date": func(a, b store.OrderSummary) int {
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
		},
		"number": func(a, b store.OrderSummary) int { return strings.Compare(a.Number, b.Number) },
		"total": func(a, b store.OrderSummary) int {
			return cmp.Or(cmp.Compare(a.Total, b.Total), cmp.Compare(a.ID, b.ID))
		},
	}
	filters := []struct {
		name  string
		f     store.OrderFilter
		match func(store.OrderSummary) bool
	}{
		{"all", store.OrderFilter{}, func(store.OrderSummary) bool { return true }},
		{"status", store.OrderFilter{Status: "paid"}, func(o store.OrderSummary) bool { return o.Status == "paid" }},
		{"payment", store.OrderFilter{PaymentMethod: "cheque"}, func(o store.OrderSummary) bool { return o.PaymentMethod == "cheque" }},
		{"logistics and payment", store.OrderFilter{Logistics: "awaiting_printing", PaymentMethod: "card"},
			func(o store.OrderSummary) bool {
				return o.Logistics == "awaiting_printing" && o.PaymentMethod == "card"
			}},
		{"search and status", store.OrderFilter{Query: "EBOOK", Status: "cancelled"},
			func(o store.OrderSummary) bool { return o.Status == "cancelled" && withEbook[o.Number] }},
	}
	for _, fl := range filters {
		for _, sort := range []string{"date", "number", "total"} {
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/desc=%v", fl.name, sort, desc), func(t *testing.T) {
					var want []string
					expected := slices.Clone(all)
					slices.SortFunc(expected, func(a, b store.OrderSummary) int {
						if desc {
							return less[sort](b, a)
						}
						return less[sort](a, b)
					})
					for _, o := range expected {
						if fl.match(o) {
							want = append(want, o.Number)
						}
					}
					if len(want) == 0 {
						t.Fatalf("no order matches: the test data do not test this filter")
					}
					f := fl.f
					f.Sort, f.Desc, f.Limit = sort, desc, 4

					// Forwards, from the first page.
					var got []string
					for pages := 0; ; pages++ {
						list, total, err := s.ListOrders(ctx(t), f)
						if err != nil {
							t.Fatal(err)
						}
						if total != len(want) {
							t.Fatalf("page %d: total %d, want %d", pages+1, total, len(want))
						}
						got = append(got, numbersOf(list)...)
						if len(list) < f.Limit || pages > 20 {
							break
						}
						c := store.CursorOf(list[len(list)-1])
						f.After = &c
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("forwards:\n got %v\nwant %v", got, want)
					}

					// Backwards, from the last order.
					last := expectedLast(expected, fl.match)
					c := store.CursorOf(last)
					f.After, f.Before = nil, &c
					back := []string{last.Number}
					for pages := 0; ; pages++ {
						list, _, err := s.ListOrders(ctx(t), f)
						if err != nil {
							t.Fatal(err)
						}
						back = append(numbersOf(list), back...)
						if len(list) < f.Limit || pages > 20 {
							break
						}
						c := store.CursorOf(list[0])
						f.Before = &c
					}
					if !reflect.DeepEqual(back, want) {
						t.Errorf("backwards:\n got %v\nwant %v", back, want)
					}
				})
			}
		}
	}
}

// expectedLast is the last order of sorted that matches.
func expectedLast(sorted []store.OrderSummary, match func(store.OrderSummary) bool) store.OrderSummary {
	for i := len(sorted) - 1; i >= 0; i-- {
		if match(sorted[i]) {
			return sorted[i]
		}
	}
	return store.OrderSummary{}
}

// insertPlainOrders writes n current orders numbered C-2026-000001 on,
// paid by card, customers client1@example.fr on, in one statement.
func insertPlainOrders(t *testing.T, databaseURL string, n int) {
	t.Helper()
	conn, err := pgx.Connect(ctx(t), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx(t), `
		INSERT INTO orders (number, status, logistics_status, payment_method, customer_name, customer_email,
			billing_address, delivery_address, shipping_rules, merchandise_cents, total_cents, created_at)
		SELECT 'C-2026-' || lpad(g::text, 6, '0'), 'paid', 'awaiting_printing', 'card', 'Client ' || g, 'client' || g || '@example.fr',
			'{}', '{}', '{}', 1000, 1000, timestamptz '2026-03-01 10:00+01' + g * interval '1 minute'
		FROM generate_series(1, $1::int) g`, n)
	if err != nil {
		t.Fatal(err)
	}
}

// The count stops past ListCountCap: above it the list says "more than",
// at it and below it is exact.
func TestListCountIsCapped(t *testing.T) {
	u := devstacktest.NewDatabase(t)
	s, err := store.Open(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	insertPlainOrders(t, u, store.ListCountCap+25)

	count := func(f store.OrderFilter) int {
		t.Helper()
		list, total, err := s.ListOrders(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(total, cmp.Or(f.Limit, 50)); len(list) != want {
			t.Errorf("%+v: %d rows on the page, want %d", f, len(list), want)
		}
		return total
	}
	if n := count(store.OrderFilter{}); n != store.ListCountCap+1 {
		t.Errorf("all %d orders: count %d, want %d (more than %d)", store.ListCountCap+25, n, store.ListCountCap+1, store.ListCountCap)
	}
	if n := count(store.OrderFilter{Status: "paid", Sort: "total"}); n != store.ListCountCap+1 {
		t.Errorf("status filter: count %d, want %d", n, store.ListCountCap+1)
	}
	// client1, client10-19, client100-199, client1000-1025
	if n := count(store.OrderFilter{Query: "client1"}); n != 1+10+100+26 {
		t.Errorf("search client1: count %d, want %d", n, 1+10+100+26)
	}
	// Deep pages count the same.
	after := store.OrderCursor{Number: "C-2026-000900"}
	if n := count(store.OrderFilter{Sort: "number", After: &after}); n != store.ListCountCap+1 {
		t.Errorf("page after 900: count %d, want %d", n, store.ListCountCap+1)
	}
	if n := count(store.OrderFilter{Query: "C-2026-00", Status: "paid", Limit: 10}); n != store.ListCountCap+1 {
		t.Errorf("search C-2026-00: count %d, want %d", n, store.ListCountCap+1)
	}
	conn, err := pgx.Connect(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Exactly ListCountCap: exact.
	if _, err := conn.Exec(ctx(t), `UPDATE orders SET status = 'cancelled' WHERE number > 'C-2026-001000'`); err != nil {
		t.Fatal(err)
	}
	if n := count(store.OrderFilter{Status: "paid"}); n != store.ListCountCap {
		t.Errorf("%d paid orders: count %d, want exactly that", store.ListCountCap, n)
	}
}

// Orders arriving at once with the same new products, listed in different
// orders, are all written: none fails on the other's new product names
// (a deadlock on the texts the search keeps of them).
func TestOrdersWithTheSameNewProductsArriveTogether(t *testing.T) {
	s := devstacktest.NewStore(t)
	const rounds, perRound = 10, 6
	for r := range rounds {
		lines := []order.Line{
			{SKU: fmt.Sprintf("NEW-%d-A", r), Name: fmt.Sprintf("Nouveauté %d A", r), UnitPrice: 1000, Quantity: 1, VATRate: 2000, Physical: true},
			{SKU: fmt.Sprintf("NEW-%d-B", r), Name: fmt.Sprintf("Nouveauté %d B", r), UnitPrice: 1500, Quantity: 1, VATRate: 2000, Physical: true},
			{SKU: fmt.Sprintf("NEW-%d-C", r), Name: fmt.Sprintf("Nouveauté %d C", r), UnitPrice: 500, Quantity: 1, VATRate: 550, Physical: true},
		}
		errs := make(chan error, perRound)
		for k := range perRound {
			ls := slices.Clone(lines)
			if k%2 == 1 {
				slices.Reverse(ls)
			}
			go func() {
				_, err := s.InsertOrder(ctx(t), newOrder(fmt.Sprintf("C-2026-%03d%03d", r, k), ls...))
				errs <- err
			}()
		}
		for range perRound {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", r, err)
			}
		}
	}
	got, _, err := s.ListOrders(ctx(t), store.OrderFilter{Query: "nouveauté 3 b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != perRound {
		t.Errorf("search by a new product's name found %d orders, want %d", len(got), perRound)
	}
}
