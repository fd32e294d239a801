package web

import (
	"net/http"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// refuseInput shows the page of a request request.CleanInput refused: an
// address holding a NUL (or another control character, or invalid UTF-8)
// is a page not found; a form field or parameter holding one is a 400
// saying what is wrong and naming the field, in the agent's language. The
// text is refused, not stripped: the agent sees it and types it again.
func (s *server) refuseInput(w http.ResponseWriter, r *http.Request, status int, fe *order.FieldError) {
	if status == http.StatusNotFound {
		s.renderError(w, r, notFound(locale.Msg("error.page_not_found"), locale.Msg("error.no_such_page")), "")
		return
	}
	pe := badRequest(locale.Literal(sayRefusal(fe, langOf(r))))
	pe.more = []locale.Message{locale.Msg("input.field_refused", locale.Text(fe.Field))}
	s.renderError(w, r, pe, "")
}
