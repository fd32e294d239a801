package web

import (
	"net/http"

	"github.com/orderdesk/orderdesk/store"
)

// outboxLimit is how many emails the outbox page shows, newest first.
const outboxLimit = 200

// outboxData is the data of the outbox page.
type outboxData struct {
	Layout
	Emails []store.Email
	Limit  int
}

// outbox is GET /outbox: every email written, newest first, each readable
// as the customer sees it.
func (s *server) outbox(w http.ResponseWriter, r *http.Request) error {
	emails, err := s.store.ListOutbox(r.Context(), outboxLimit)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "outbox", outboxData{
		Layout: Layout{Title: tr(langOf(r), "outbox.title"), Nav: "outbox"},
		Emails: emails,
		Limit:  outboxLimit,
	})
}
