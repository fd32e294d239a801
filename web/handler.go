package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"

	"github.com/orderdesk/orderdesk/locale"
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
	err     error // the cause, logged but never shown
}

// in is the page's title and message in a language.
func (e *pageError) in(lang string) (title, message string) {
	p := locale.For(locale.Parse(lang))
	return p.Say(e.title), p.Say(e.message)
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
	Reference string // for internal errors: quoted by the agent, found in the logs
}

// handle adapts a handlerFunc to http.Handler: a returned error becomes a
// page with the right status. Internal errors are logged with their detail
// and a reference; the agent sees the reference and a short message.
func (s *server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var pe *pageError
		if !errors.As(err, &pe) {
			ref := newReference()
			level := slog.LevelError
			if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
				level = slog.LevelInfo // the agent left before the page was ready
			}
			s.log.Log(r.Context(), level, "web: request failed",
				"ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
			pe = &pageError{
				status:  http.StatusInternalServerError,
				title:   locale.Msg("error.internal"),
				message: locale.Msg("error.internal_message"),
			}
			s.renderError(w, r, pe, ref)
			return
		}
		s.renderError(w, r, pe, "")
	})
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
	if err := s.render(w, pe.status, "error", data); err != nil {
		if ref == "" {
			ref = newReference()
		}
		s.log.Error("web: error page failed", "ref", ref, "path", r.URL.Path, "err", err)
		http.Error(w, title+" (référence "+ref+")", pe.status)
	}
}

// newReference is a short random id that ties an error page to its log line.
func newReference() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
