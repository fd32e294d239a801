package web

import (
	"net/http"
	"strings"

	"github.com/orderdesk/orderdesk/store"
)

// outboxLimit is how many emails the outbox page shows, newest first.
const outboxLimit = 200

// outboxStatuses are the statuses the outbox filters on.
var outboxStatuses = []string{store.EmailPending, store.EmailSent, store.EmailFailed}

// outboxData is the data of the outbox page.
type outboxData struct {
	Layout
	Emails   []store.Email
	Limit    int
	Filter   store.OutboxFilter
	Statuses []string
}

// Filtered reports whether a filter narrows the list.
func (d outboxData) Filtered() bool {
	return d.Filter.Status != "" || d.Filter.OrderNumber != "" || d.Filter.To != ""
}

// outbox is GET /outbox: every email written, newest first, each readable
// as the customer sees it; ?status= (pending, sent, failed), ?order= (an
// order number) and ?to= (the recipient's address) narrow it, so a
// filtered outbox is a link an agent can keep.
func (s *server) outbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.OutboxFilter{
		OrderNumber: strings.TrimSpace(q.Get("order")),
		To:          strings.TrimSpace(q.Get("to")),
		Limit:       outboxLimit,
	}
	for _, st := range outboxStatuses {
		if q.Get("status") == st {
			f.Status = st
		}
	}
	emails, err := s.store.FilterOutbox(r.Context(), f)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "outbox", outboxData{
		Layout:   Layout{Title: tr(langOf(r), "outbox.title"), Nav: "outbox"},
		Emails:   emails,
		Limit:    outboxLimit,
		Filter:   f,
		Statuses: outboxStatuses,
	})
}
