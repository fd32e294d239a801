package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	Total     int // orders matching the filter, all pages together
	Page      int // 1-based
	Pages     int
	First     int // 1-based rank of the first order shown
	Last      int
	Statuses  []option
	Logistics []option
	Payments  []option
	Sorts     []option
}

// orderList is GET /orders: search, filters, sort and pagination, all in
// the query string so a list can be bookmarked and shared.
func (s *server) orderList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, page, err := parseOrderFilter(q)
	if err != nil {
		return err
	}
	orders, total, err := s.store.ListOrders(r.Context(), f)
	if err != nil {
		return err
	}
	d := orderListPage{
		Layout: Layout{Title: "Commandes", Nav: "orders"},
		Query:  q,
		Filter: f,
		Orders: orders,
		Total:  total,
		Page:   page,
		Pages:  max(1, (total+pageSize-1)/pageSize),
		Sorts: []option{
			{"date", "Date"}, {"number", "Numéro"}, {"total", "Montant"},
		},
	}
	if len(orders) > 0 {
		d.First = f.Offset + 1
		d.Last = f.Offset + len(orders)
	}
	for _, st := range order.Statuses {
		d.Statuses = append(d.Statuses, option{string(st), st.Label("fr")})
	}
	for _, st := range order.LogisticsStatuses {
		d.Logistics = append(d.Logistics, option{string(st), st.Label("fr")})
	}
	for _, p := range order.PaymentMethods {
		d.Payments = append(d.Payments, option{string(p), p.Label("fr")})
	}
	return s.render(w, http.StatusOK, "order_list", d)
}

// parseOrderFilter reads the list's query string. Values the form never
// sends (an unknown status, a sort that does not exist) are refused rather
// than silently ignored, so a wrong bookmark does not show a wrong list.
func parseOrderFilter(q url.Values) (store.OrderFilter, int, error) {
	f := store.OrderFilter{
		Query:         strings.TrimSpace(q.Get("q")),
		Status:        q.Get("status"),
		Logistics:     q.Get("logistics"),
		PaymentMethod: q.Get("payment"),
		Archived:      q.Get("archived") == "1",
		Sort:          q.Get("sort"),
		Limit:         pageSize,
	}
	if f.Status != "" && !order.Status(f.Status).Valid() {
		return f, 0, badRequest("Statut inconnu : « "+f.Status+" ».").english("Bad request", "Unknown status: “"+f.Status+"”.")
	}
	if f.Logistics != "" && !order.LogisticsStatus(f.Logistics).Valid() {
		return f, 0, badRequest("Statut logistique inconnu : « "+f.Logistics+" ».").english("Bad request", "Unknown logistics status: “"+f.Logistics+"”.")
	}
	if f.PaymentMethod != "" && !order.PaymentMethod(f.PaymentMethod).Valid() {
		return f, 0, badRequest("Moyen de paiement inconnu : « "+f.PaymentMethod+" ».").english("Bad request", "Unknown payment method: “"+f.PaymentMethod+"”.")
	}
	switch f.Sort {
	case "":
		f.Sort = "date"
	case "date", "number", "total":
	default:
		return f, 0, badRequest("Tri inconnu : « "+f.Sort+" ».").english("Bad request", "Unknown sort: “"+f.Sort+"”.")
	}
	// Newest, highest, latest first unless asked otherwise: what an agent
	// looks for is usually today's order.
	f.Desc = q.Get("dir") != "asc"
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	f.Offset = (page - 1) * pageSize
	return f, page, nil
}

// URL is the list's address with some parameters changed (pairs of name
// and value; an empty value removes the parameter). Changing anything but
// the page goes back to the first page.
func (d orderListPage) URL(pairs ...string) string {
	q := url.Values{}
	for k, v := range d.Query {
		q[k] = v
	}
	pageKept := false
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "page" {
			pageKept = true
		}
		if pairs[i+1] == "" {
			q.Del(pairs[i])
		} else {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	if !pageKept {
		q.Del("page")
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

// PrevURL and NextURL are the pagination links, empty at either end.
func (d orderListPage) PrevURL() string {
	if d.Page <= 1 {
		return ""
	}
	return d.URL("page", strconv.Itoa(d.Page-1))
}

// NextURL is the next page's link, empty on the last page.
func (d orderListPage) NextURL() string {
	if d.Page >= d.Pages {
		return ""
	}
	return d.URL("page", strconv.Itoa(d.Page+1))
}

// Filtered reports whether anything narrows the list, to offer a reset link.
func (d orderListPage) Filtered() bool {
	f := d.Filter
	return f.Query != "" || f.Status != "" || f.Logistics != "" || f.PaymentMethod != "" || f.Archived
}
