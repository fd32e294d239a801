// Package request is what the agent UI (web) and the JSON API with the
// payment webhook (web/api) do alike with a request: bound its waits on
// PostgreSQL and Temporal, name the service that did not answer in time,
// tie a failed answer to its log line by a reference, and set the headers
// every response carries. Both packages serve one HTTP server and import
// this one, never each other.
package request

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/observe"
	"github.com/orderdesk/orderdesk/starter"
)

// DefaultTimeout is how long a page or an API call waits on PostgreSQL
// and Temporal when the configuration does not say.
const DefaultTimeout = 2 * time.Second

// WithDeadline gives every request a deadline of d (DefaultTimeout when d
// is not positive) for what it asks of PostgreSQL and Temporal: a service
// that does not answer in time is said in a 503, never an answer that
// hangs. Waiting for a procedure to take an answer has its own, longer
// deadline (UpdateContext).
func WithDeadline(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		d = DefaultTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		r = r.WithContext(ctx)
		next.ServeHTTP(w, r)
		observe.NoteRoute(r) // the pattern a mux behind set on r, for the metrics and the span
	})
}

// UpdateContext is the context of giving a procedure an answer or a
// payment and waiting for it to take it (or of waiting a moment for a
// short procedure to end): the request's values, without its deadline,
// with a deadline of d. Such a wait is for the procedure's own work; the
// starter still says within its call deadline when Temporal does not answer.
func UpdateContext(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), d)
}

// Unavailable finds the service that did not answer a request: one the
// starter or the store names (starter.Unavailable), or, for a deadline
// that passed on an error of no known type, none in particular ("").
func Unavailable(err error) (starter.Service, bool) {
	if ue, ok := starter.Unavailable(err); ok {
		return ue.Service, true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "", true
	}
	return "", false
}

// NotAnswering says which service does not answer, in the reader's language.
func NotAnswering(service starter.Service) locale.Message {
	switch service {
	case starter.Database:
		return locale.Msg("unavailable.database")
	case starter.Temporal:
		return locale.Msg("unavailable.temporal")
	}
	return locale.Msg("unavailable.unknown")
}

// NewReference is a short random id that ties an error answer to its log
// line: the agent or the calling system quotes it, the operator finds it.
func NewReference() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// SecureHeaders sets the headers every response carries. Scripts come only
// from this server; emails shown in their sandboxed iframe keep their
// inline styles and remote images.
func SecureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
