package web

import (
	"net/http"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/store"
)

// customerLimit is how many orders and emails the customer view shows,
// newest first.
const customerLimit = 200

// customerData is the data of the customer view.
type customerData struct {
	Layout
	Email  string
	Name   string // the name on the newest order
	Orders []store.OrderSummary
	Emails []store.Email
	Total  int64  // the orders' totals, cancelled ones left out
	Count  int    // the orders counted in Total
	Cur    string // the currency of Total
}

// customerPage is GET /customers/{email}: every order of the customer,
// newest first, with its total and statuses, and every email written to
// them in the outbox. Linked from the order page's customer block.
func (s *server) customerPage(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PathValue("email"))
	if email == "" || !strings.Contains(email, "@") {
		return notFound(locale.Msg("error.page_not_found"), locale.Msg("error.no_such_page"))
	}
	orders, err := s.store.CustomerOrders(r.Context(), email, customerLimit)
	if err != nil {
		return err
	}
	emails, err := s.store.FilterOutbox(r.Context(), store.OutboxFilter{To: email, Limit: customerLimit})
	if err != nil {
		return err
	}
	d := customerData{
		Layout: Layout{Title: tr(langOf(r), "customer.title", locale.Text(email)), Nav: "orders"},
		Email:  email, Orders: orders, Emails: emails, Cur: "EUR",
	}
	if len(orders) > 0 {
		d.Name, d.Cur = orders[0].CustomerName, orders[0].Currency
	}
	for _, o := range orders {
		if o.Status != "cancelled" && o.Currency == d.Cur {
			d.Total += o.Total
			d.Count++
		}
	}
	return s.render(w, http.StatusOK, "customer", d)
}
