package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// pageSize is how many orders the list shows per page.
const pageSize = 50

// option is one choice of a <select>.
type option struct {
	Value, Label string
}

// orderListPage is the data of the order list.
type orderListPage struct {
	Layout
	Query     url.Values // the request's parameters, kept in every link
	Filter    store.OrderFilter
	Orders    []store.OrderSummary
	Total     int  // orders matching the filter, counted up to store.ListCountCap + 1
	Capped    bool // more than store.ListCountCap orders match: Total is not their number
	Summary   string
	Notice    string // why there is no list: a search too short
	Paged     bool   // a page other than the first was asked for
	Page      int    // 1-based
	Pages     int    // 0 when the count is capped
	First     int    // 1-based rank of the first order shown
	Last      int
	prevURL   string
	nextURL   string
	Statuses  []option
	Logistics []option
	Payments  []option
	Sorts     []option
}

// orderList is GET /orders: search, filters, sort and pages, all in the
// query string so a list can be bookmarked and shared. Pages follow each
// other by keyset: "after" (or "before") holds the place of the last (or
// first) order of the page the link was on, so a page deep in the list
// costs what the first one does.
func (s *server) orderList(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	q := r.URL.Query()
	f, cur, err := parseOrderFilter(q)
	if err != nil {
		return err
	}
	if n := utf8.RuneCountInString(f.Query); n > 0 && n < store.MinSearchLength {
		// Too short to look up: say so rather than list everything.
		d := orderListPage{Layout: Layout{Title: tr(lang, "orders.title"), Nav: "orders"}, Query: q, Filter: f}
		d.Notice = tr(lang, "orders.search_too_short", locale.Count(store.MinSearchLength))
		d.fillOptions(lang)
		return s.render(w, http.StatusOK, "order_list", d)
	}
	f.Limit = pageSize + 1 // one more than shown: is there a page after it?
	orders, total, err := s.store.ListOrders(r.Context(), f)
	if err != nil {
		return err
	}
	var (
		first            = 1 // rank of orders[0]
		hasPrev, hasNext bool
	)
	switch {
	case f.Before != nil && len(orders) <= pageSize:
		// Nothing before these: the first page, full.
		f.Before, cur = nil, pageCursor{}
		if orders, total, err = s.store.ListOrders(r.Context(), f); err != nil {
			return err
		}
		hasNext = len(orders) > pageSize
	case f.Before != nil:
		orders = orders[1:] // the extra one, read backwards, is the first
		hasPrev, hasNext = true, true
		first = max(1, cur.Rank-len(orders))
	default:
		hasNext = len(orders) > pageSize
		hasPrev = f.After != nil
		if f.After != nil {
			first = cur.Rank + 1
		}
	}
	if len(orders) > pageSize {
		orders = orders[:pageSize]
	}

	d := orderListPage{
		Layout: Layout{Title: tr(lang, "orders.title"), Nav: "orders"},
		Query:  q,
		Filter: f,
		Orders: orders,
		Total:  total,
		Capped: total > store.ListCountCap,
		Paged:  f.After != nil || f.Before != nil,
	}
	if len(orders) > 0 {
		d.First, d.Last = first, first+len(orders)-1
		d.Page = (first-1)/pageSize + 1
	}
	if !d.Capped {
		d.Pages = max(1, (total+pageSize-1)/pageSize)
	}
	if hasPrev {
		if first-pageSize <= 1 {
			d.prevURL = d.URL() // the first page, by its own address
		} else {
			d.prevURL = d.URL("before", cursorToken(f, orders[0], first))
		}
	}
	if hasNext && len(orders) > 0 {
		d.nextURL = d.URL("after", cursorToken(f, orders[len(orders)-1], d.Last))
	}
	d.Summary = listSummary(lang, d)
	d.fillOptions(lang)
	return s.render(w, http.StatusOK, "order_list", d)
}

// fillOptions fills the choices of the filters' and sort's menus, in the
// agent's language.
func (d *orderListPage) fillOptions(lang string) {
	p := locale.For(locale.Parse(lang))
	d.Sorts = []option{{"date", p.T("orders.sort_date")}, {"number", p.T("orders.sort_number")}, {"total", p.T("orders.sort_total")}}
	for _, st := range order.Statuses {
		d.Statuses = append(d.Statuses, option{string(st), label(p, statusKeys, string(st))})
	}
	for _, st := range order.LogisticsStatuses {
		d.Logistics = append(d.Logistics, option{string(st), label(p, logisticsKeys, string(st))})
	}
	for _, m := range order.PaymentMethods {
		d.Payments = append(d.Payments, option{string(m), label(p, paymentKeys, string(m))})
	}
}

// listSummary is the line above the list: which orders the page shows,
// out of how many ("more than 1,000" when the count stopped there).
func listSummary(lang string, d orderListPage) string {
	archived := d.Filter.Archived
	first, last := locale.Count(d.First), locale.Count(d.Last)
	switch {
	case len(d.Orders) == 0 && archived:
		return tr(lang, "orders.none_archived")
	case len(d.Orders) == 0:
		return tr(lang, "orders.none")
	case d.Capped && archived:
		return tr(lang, "orders.summary_capped_archived", first, last, locale.Count(store.ListCountCap))
	case d.Capped:
		return tr(lang, "orders.summary_capped", first, last, locale.Count(store.ListCountCap))
	case archived:
		return tr(lang, "orders.summary_archived", first, last, locale.Count(d.Total))
	}
	return tr(lang, "orders.summary", first, last, locale.Count(d.Total))
}

// pageCursor is what a page link carries: the place of the order the page
// starts after (or ends before) in the sort, and that order's rank in the
// list, for "51–100".
type pageCursor struct {
	store.OrderCursor
	Rank int
}

// cursorToken is the "after" or "before" parameter of a link: o's place in
// f's sort and its rank, opaque to the agent (base64 of sort, direction,
// id, rank and the sort key).
func cursorToken(f store.OrderFilter, o store.OrderSummary, rank int) string {
	var key string
	switch f.Sort {
	case "number":
		key = o.Number
	case "total":
		key = strconv.FormatInt(o.Total, 10)
	default:
		key = strconv.FormatInt(o.CreatedAt.UnixMicro(), 10)
	}
	raw := strings.Join([]string{f.Sort, dirOf(f.Desc), strconv.FormatInt(o.ID, 10), strconv.Itoa(rank), key}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseCursor reads a cursorToken made for f's sort and direction.
func parseCursor(token string, f store.OrderFilter) (pageCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return pageCursor{}, false
	}
	parts := strings.SplitN(string(raw), "|", 5)
	if len(parts) != 5 || parts[0] != f.Sort || parts[1] != dirOf(f.Desc) {
		return pageCursor{}, false
	}
	var c pageCursor
	if c.ID, err = strconv.ParseInt(parts[2], 10, 64); err != nil {
		return c, false
	}
	if c.Rank, err = strconv.Atoi(parts[3]); err != nil || c.Rank < 1 {
		return c, false
	}
	switch f.Sort {
	case "number":
		c.Number = parts[4]
	case "total":
		c.Total, err = strconv.ParseInt(parts[4], 10, 64)
	default:
		var us int64
		us, err = strconv.ParseInt(parts[4], 10, 64)
		c.CreatedAt = time.UnixMicro(us)
	}
	return c, err == nil
}

func dirOf(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// parseOrderFilter reads the list's query string. Values the form never
// sends (an unknown status, a sort that does not exist, a page link that
// was altered) are refused rather than silently ignored, so a wrong
// bookmark does not show a wrong list.
func parseOrderFilter(q url.Values) (store.OrderFilter, pageCursor, error) {
	f := store.OrderFilter{
		Query:         strings.TrimSpace(q.Get("q")),
		Status:        q.Get("status"),
		Logistics:     q.Get("logistics"),
		PaymentMethod: q.Get("payment"),
		Archived:      q.Get("archived") == "1",
		Sort:          q.Get("sort"),
	}
	var cur pageCursor
	if f.Status != "" && !order.Status(f.Status).Valid() {
		return f, cur, badRequest(locale.Msg("error.unknown_status", locale.Text(f.Status)))
	}
	if f.Logistics != "" && !order.LogisticsStatus(f.Logistics).Valid() {
		return f, cur, badRequest(locale.Msg("error.unknown_logistics", locale.Text(f.Logistics)))
	}
	if f.PaymentMethod != "" && !order.PaymentMethod(f.PaymentMethod).Valid() {
		return f, cur, badRequest(locale.Msg("error.unknown_payment_method", locale.Text(f.PaymentMethod)))
	}
	switch f.Sort {
	case "":
		f.Sort = "date"
	case "date", "number", "total":
	default:
		return f, cur, badRequest(locale.Msg("error.unknown_sort", locale.Text(f.Sort)))
	}
	// Newest, highest, latest first unless asked otherwise: what an agent
	// looks for is usually today's order.
	f.Desc = q.Get("dir") != "asc"
	for _, name := range []string{"after", "before"} {
		token := q.Get(name)
		if token == "" {
			continue
		}
		c, ok := parseCursor(token, f)
		if !ok {
			return f, cur, badRequest(locale.Msg("error.bad_page_link", locale.Text(name)))
		}
		cur = c
		if name == "after" {
			f.After = &cur.OrderCursor
		} else {
			f.Before = &cur.OrderCursor
		}
		break
	}
	return f, cur, nil
}

// URL is the list's address with some parameters changed (pairs of name
// and value; an empty value removes the parameter). Changing anything but
// the page goes back to the first page.
func (d orderListPage) URL(pairs ...string) string {
	q := url.Values{}
	for k, v := range d.Query {
		q[k] = v
	}
	q.Del("after")
	q.Del("before")
	q.Del("page") // the numbered pages of earlier bookmarks
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			q.Del(pairs[i])
		} else {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	if len(q) == 0 {
		return "/orders"
	}
	return "/orders?" + q.Encode()
}

// SortURL is the link of a column header: sort by that column, or flip the
// direction when it is already the sort.
func (d orderListPage) SortURL(column string) string {
	dir := "desc"
	if d.Filter.Sort == column && d.Filter.Desc {
		dir = "asc"
	}
	return d.URL("sort", column, "dir", dir)
}

// SortMark is the arrow shown next to the sorted column.
func (d orderListPage) SortMark(column string) string {
	if d.Filter.Sort != column {
		return ""
	}
	if d.Filter.Desc {
		return "▼"
	}
	return "▲"
}

// PrevURL is the previous page's link, empty on the first page.
func (d orderListPage) PrevURL() string { return d.prevURL }

// NextURL is the next page's link, empty on the last page.
func (d orderListPage) NextURL() string { return d.nextURL }

// PageLabel is the pager's "Page 2 sur 3" ("Page 2" when the count is capped).
func (d orderListPage) PageLabel() string {
	switch {
	case d.Page == 0:
		return ""
	case d.Pages == 0:
		return tr(d.Lang, "orders.page", locale.Count(d.Page))
	}
	return tr(d.Lang, "orders.page_of", locale.Count(d.Page), locale.Count(d.Pages))
}

// Filtered reports whether anything narrows the list, to offer a reset link.
func (d orderListPage) Filtered() bool {
	f := d.Filter
	return f.Query != "" || f.Status != "" || f.Logistics != "" || f.PaymentMethod != "" || f.Archived
}
