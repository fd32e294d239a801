package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/observe"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/web/internal/request"
)

// handlerFunc is a page handler: it writes a response, or returns an error
// for the adapter to turn into a status and a page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// pageError is an error the agent is meant to read: a status, a title and
// a message, said in the agent's language. Anything else a handler
// returns is an internal error.
type pageError struct {
	status  int
	title   locale.Message
	message locale.Message
	more    []locale.Message // paragraphs after the message
	err     error            // the cause, logged but never shown
}

// in is the page's title and message in a language.
func (e *pageError) in(lang string) (title, message string) {
	p := locale.For(locale.Parse(lang))
	return p.Say(e.title), p.Say(e.message)
}

// unavailablePage is the 503 page of a request a service did not answer
// in time: which one, that nothing was started or changed, and what to do.
func unavailablePage(r *http.Request, service starter.Service) *pageError {
	pe := &pageError{status: http.StatusServiceUnavailable, title: locale.Msg("unavailable.title"), message: request.NotAnswering(service),
		more: []locale.Message{locale.Msg("unavailable.nothing_done"), locale.Msg("unavailable.what_to_do")}}
	if r.Method == http.MethodPost {
		pe.more = append(pe.more, locale.Msg("unavailable.form_kept"))
	}
	return pe
}

func (e *pageError) Error() string {
	title, message := e.in("fr")
	if e.err != nil {
		return title + ": " + e.err.Error()
	}
	return title + ": " + message
}

func (e *pageError) Unwrap() error { return e.err }

// notFound is a 404 page.
func notFound(title, message locale.Message) *pageError {
	return &pageError{status: http.StatusNotFound, title: title, message: message}
}

// badRequest is a 400 page for a request the UI itself never makes
// (a hand-edited URL).
func badRequest(message locale.Message) *pageError {
	return &pageError{status: http.StatusBadRequest, title: locale.Msg("error.bad_request"), message: message}
}

// errorPage is what the error template shows.
type errorPage struct {
	Layout
	Status    int
	Message   string
	More      []string // paragraphs after the message
	Reference string   // for internal errors and services that do not answer: quoted by the agent, found in the logs
}

// handle adapts a handlerFunc to http.Handler: a returned error becomes a
// page with the right status (fail).
func (s *server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		observe.NoteRoute(r) // the agent pages' mux set r.Pattern on this request only
		// The top bar's open-task count, within the request's deadline.
		w = withNavContext(w, r)
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail shows the agent what became of a request that failed, by the type
// of its error: a *pageError as it says; a service that did not answer as
// a 503 naming it (unavailablePage); anything else as an internal error.
// The last two are logged with their cause and a reference the agent sees
// and can quote.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	if errors.As(err, &pe) {
		s.renderError(w, r, pe, "")
		return
	}
	ref := request.NewReference()
	if service, ok := request.Unavailable(err); ok {
		s.log.WarnContext(r.Context(), "web: a service did not answer",
			"ref", ref, "service", string(service), "method", r.Method, "path", r.URL.Path, "err", err)
		s.renderError(w, r, unavailablePage(r, service), ref)
		return
	}
	level := slog.LevelError
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		level = slog.LevelInfo // the agent left before the page was ready
	}
	s.log.Log(r.Context(), level, "web: request failed",
		"ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
	s.renderError(w, r, &pageError{
		status:  http.StatusInternalServerError,
		title:   locale.Msg("error.internal"),
		message: locale.Msg("error.internal_message"),
	}, ref)
}

func (s *server) renderError(w http.ResponseWriter, r *http.Request, pe *pageError, ref string) {
	lang := langOf(r)
	title, message := pe.in(lang)
	data := errorPage{
		Layout:    Layout{Title: title, Lang: lang},
		Status:    pe.status,
		Message:   message,
		Reference: ref,
	}
	p := locale.For(locale.Parse(lang))
	for _, m := range pe.more {
		data.More = append(data.More, p.Say(m))
	}
	if err := s.render(w, pe.status, "error", data); err != nil {
		if ref == "" {
			ref = request.NewReference()
		}
		s.log.Error("web: error page failed", "ref", ref, "path", r.URL.Path, "err", err)
		http.Error(w, title+" ("+p.T("error.reference_is")+" "+ref+")", pe.status)
	}
}
