package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/store"
)

// emailPageData is the data of the email page.
type emailPageData struct {
	Layout
	Email store.Email
}

// emailPage is GET /emails/{id}: an email as the customer sees it. The
// HTML body is shown in a sandboxed iframe (no script, no same origin), so
// whatever it holds cannot act on the back office.
func (s *server) emailPage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound(locale.Msg("error.email_not_found"), locale.Msg("error.no_email_here"))
	}
	e, err := s.store.GetEmail(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(locale.Msg("error.email_not_found"), locale.Msg("error.no_email_numbered", locale.Text(strconv.FormatInt(id, 10))))
	}
	if err != nil {
		return err
	}
	nav := "outbox"
	if e.OrderID != 0 {
		nav = "orders"
	}
	return s.render(w, http.StatusOK, "email", emailPageData{
		Layout: Layout{Title: e.Subject, Nav: nav},
		Email:  e,
	})
}
