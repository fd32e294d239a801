package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
)

// newAppWithURL is newApp on a database whose URL the test keeps, to write
// many orders in one statement.
func newAppWithURL(t *testing.T) (*app, string) {
	t.Helper()
	u := devstacktest.NewDatabase(t)
	st, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	c, _ := devstacktest.Temporal(t)
	h := newServer(t, st, starter.NewCollector(starter.New(c, st), st, starter.CollectOptions{}),
		web.Options{Procedures: fakeProcedures{}, Namespace: "default", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	a := &app{t: t, store: st, h: h, logs: &bytes.Buffer{}}
	a.cookie, a.csrf = signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	return a, u
}

// insertOrdersSQL writes n current orders C-2026-000001... in one
// statement, paid by cheque, one a minute: the last is the newest.
func insertOrdersSQL(t *testing.T, databaseURL string, n int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `
		INSERT INTO orders (number, status, logistics_status, payment_method, customer_name, customer_email,
			billing_address, delivery_address, shipping_rules, merchandise_cents, total_cents, created_at)
		SELECT 'C-2026-' || lpad(g::text, 6, '0'), 'paid', 'awaiting_printing', 'cheque', 'Client ' || g, 'client' || g || '@example.fr',
			'{}', '{}', '{}', 1000, 1000, timestamptz '2026-03-01 10:00+01' + g * interval '1 minute'
		FROM generate_series(1, $1::int) g`, n); err != nil {
		t.Fatal(err)
	}
}

var (
	numberInList = regexp.MustCompile(`<strong>(C-2026-\d{6})</strong>`)
	relLink      = func(rel string) *regexp.Regexp { return regexp.MustCompile(`<a href="([^"]*)" rel="` + rel + `">`) }
)

// listed is the order numbers a list page shows, top to bottom.
func listed(body string) []string {
	var out []string
	for _, m := range numberInList.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// link is the href of the page's rel="next" or rel="prev" link, "" if none.
func link(body, rel string) string {
	m := relLink(rel).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestOrderListPaginates(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	ctx := context.Background()
	for i := range 53 {
		o := order.Order{Number: fmt.Sprintf("C-2026-%06d", i+1), PaymentMethod: order.PayCheque,
			Customer:  order.Customer{Name: "Client " + fmt.Sprint(i), Email: fmt.Sprintf("c%d@example.fr", i)},
			Lines:     []order.Line{{SKU: "SKU-1", Name: "Carnet", UnitPrice: 500, Quantity: 1, VATRate: 2000}},
			CreatedAt: placedAt.Add(time.Duration(i) * time.Minute)}
		o.Totals = order.Reprice(o)
		if _, err := a.store.InsertOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	body := a.page("/orders?payment=cheque")
	mustContain(t, body, "1–50 sur 53 commandes", "Page 1 sur 2", "C-2026-000053", `rel="next"`)
	mustNotContain(t, body, ">C-2026-000003<", `rel="prev"`)
	next := link(body, "next")
	// The link keeps the filter and says where the page starts, not its number.
	if !strings.HasPrefix(next, "/orders?after=") || !strings.Contains(next, "payment=cheque") || strings.Contains(next, "page=") {
		t.Fatalf("next page link = %q, want /orders?after=...&payment=cheque", next)
	}
	second := a.page(next)
	mustContain(t, second, "51–53 sur 53 commandes", "Page 2 sur 2", "C-2026-000001", "C-2026-000003", `rel="prev"`)
	mustNotContain(t, second, "C-2026-000004", `rel="next"`)
	// Back to the first page, by its own address.
	if prev := link(second, "prev"); prev != "/orders?payment=cheque" {
		t.Errorf("previous page link = %q, want /orders?payment=cheque", prev)
	}
	// A bookmark of the old numbered pages shows the first page.
	mustContain(t, a.page("/orders?page=2&payment=cheque"), "1–50 sur 53 commandes")
}

// Following the "next" links from the first page shows every order once,
// newest first, and the "previous" links from the last page lead back
// through the same pages; under each sort.
func TestOrderListPagesCoverEveryOrderOnce(t *testing.T) {
	t.Parallel()
	a, u := newAppWithURL(t)
	insertOrdersSQL(t, u, 123)
	for _, tc := range []struct {
		query string
		first string // the first order listed
	}{
		{"", "C-2026-000123"},
		{"sort=number&dir=asc", "C-2026-000001"},
		{"sort=total&dir=desc", "C-2026-000123"}, // equal totals: the newest id first
		{"q=client", "C-2026-000123"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			path := "/orders?" + tc.query
			var pages [][]string
			var seen []string
			for range 10 {
				body := a.page(path)
				got := listed(body)
				pages = append(pages, got)
				seen = append(seen, got...)
				if path = link(body, "next"); path == "" {
					break
				}
			}
			if len(pages) != 3 || len(pages[0]) != 50 || len(pages[2]) != 23 {
				t.Fatalf("pages of %v orders, want 50, 50, 23", lens(pages))
			}
			if seen[0] != tc.first {
				t.Errorf("first order %s, want %s", seen[0], tc.first)
			}
			once := map[string]bool{}
			for _, n := range seen {
				if once[n] {
					t.Errorf("%s shown twice", n)
				}
				once[n] = true
			}
			if len(once) != 123 {
				t.Errorf("%d orders shown, want 123", len(once))
			}
			// Backwards from the last page.
			last := a.page(link(a.page(link(a.page("/orders?"+tc.query), "next")), "next"))
			mustContain(t, last, "101–123 sur 123 commandes", "Page 3 sur 3")
			middle := a.page(link(last, "prev"))
			mustContain(t, middle, "51–100 sur 123 commandes", "Page 2 sur 3")
			if got := listed(middle); strings.Join(got, " ") != strings.Join(pages[1], " ") {
				t.Errorf("page 2 reached backwards = %v, want %v", got, pages[1])
			}
			first := a.page(link(middle, "prev"))
			if got := listed(first); strings.Join(got, " ") != strings.Join(pages[0], " ") {
				t.Errorf("page 1 reached backwards = %v, want %v", got, pages[0])
			}
		})
	}
}

func lens(pages [][]string) []int {
	var out []int
	for _, p := range pages {
		out = append(out, len(p))
	}
	return out
}

// Past 1,000 orders the list does not count them all: it says "more than".
func TestOrderListSaysMoreThanAThousand(t *testing.T) {
	t.Parallel()
	a, u := newAppWithURL(t)
	insertOrdersSQL(t, u, store.ListCountCap+30)
	body := a.page("/orders")
	mustContain(t, body, "1–50 sur plus de 1\u202f000 commandes", "Page 1<", `rel="next"`)
	mustNotContain(t, body, "Page 1 sur")
	second := a.page(link(body, "next"))
	mustContain(t, second, "51–100 sur plus de 1\u202f000 commandes", "Page 2<")
	// Under the cap the count is exact: client10, client100 to 109, client1000 to 1030.
	mustContain(t, a.page("/orders?q=client10"), "1–42 sur 42 commandes")

	// In English.
	ag, err := a.store.AgentByEmail(context.Background(), "marie@boutique.fr")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetAgentLocale(context.Background(), ag.ID, "en"); err != nil {
		t.Fatal(err)
	}
	mustContain(t, a.page("/orders"), "1–50 of more than 1,000 orders", "Page 1<")
	mustContain(t, a.page("/orders?q=client10"), "1–42 of 42 orders")
}

// One or two characters are too few to search: the page says so and lists
// nothing, rather than every order.
func TestOrderListAsksForThreeCharacters(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	for _, q := range []string{"C", "é1", " 12 "} {
		body := a.page("/orders?q=" + strings.ReplaceAll(q, " ", "+"))
		mustContain(t, body, "Saisissez au moins 3 caractères pour chercher", `value="`+esc(strings.TrimSpace(q))+`"`)
		mustNotContain(t, body, "C-2026-000123</strong>")
	}
	mustContain(t, a.page("/orders?q=123"), "C-2026-000123</strong>")
}

// A page link that was altered, or made for another sort, is refused with
// a way back, not answered with a wrong page.
func TestOrderListRefusesABrokenPageLink(t *testing.T) {
	t.Parallel()
	a, u := newAppWithURL(t)
	insertOrdersSQL(t, u, 60)
	next := link(a.page("/orders?sort=number"), "next")
	if next == "" {
		t.Fatal("no next page link")
	}
	for _, path := range []string{
		"/orders?after=not-a-cursor",
		"/orders?before=" + strings.Repeat("A", 12),
		strings.Replace(next, "sort=number", "sort=total", 1), // the cursor of another sort
		next + "&dir=asc",                                     // of another direction
	} {
		code, body := a.get(path)
		if code != http.StatusBadRequest || !strings.Contains(body, "Ce lien de page n&#39;est pas valide") {
			t.Errorf("GET %s: %d, want 400 saying the page link is not valid\n%s", path, code, body)
		}
	}
}

// The search box finds an order by its customer's phone, typed as the
// customer says it.
func TestOrderListSearchesByPhone(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	seedOrder(t, a.store, "C-2026-000123", "Élodie Martin") // phone 06 12 34 56 78
	for _, q := range []string{"0612345678", "+33 6 12 34 56 78", "12.34.56"} {
		if body := a.page("/orders?q=" + url.QueryEscape(q)); !strings.Contains(body, "C-2026-000123</strong>") {
			t.Errorf("search %q does not find the order", q)
		}
	}
}
