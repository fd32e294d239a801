package web

import (
	"context"
	"net/http"
	"time"

	"github.com/orderdesk/orderdesk/locale"
)

// routes is every URL of the UI, in one place. Agents' pages need a
// session, and every POST among them a CSRF token (requireAgent); the
// public routes need neither: add a route to the section it belongs to.
func (s *server) routes() http.Handler {
	// Public: signing in, health checks, static files, providers' webhooks.
	public := http.NewServeMux()
	public.Handle("GET /signin", s.handle(s.signInPage))
	public.Handle("POST /signin", s.handle(s.signIn))
	public.HandleFunc("GET /healthz", s.healthz)
	public.Handle("GET /static/", staticHandler())
	public.HandleFunc("POST /webhooks/payments", s.paymentWebhook) // signed by the provider (webhook.go)
	// The JSON API for the shop's other systems, by bearer token (api.go).
	public.Handle("POST /api/orders", s.api(s.apiCreateOrder))
	public.Handle("GET /api/orders/{number}", s.api(s.apiGetOrder))
	public.Handle("POST /api/orders/{number}/logistics", s.api(s.apiSetLogistics))
	public.Handle("POST /api/orders/{number}/shipments", s.api(s.apiShipment))
	public.Handle("/api/", s.api(s.apiNotFound))

	// The agents' pages.
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", http.RedirectHandler("/orders", http.StatusSeeOther))
	mux.Handle("POST /signout", s.handle(s.signOut))
	mux.Handle("POST /locale", s.handle(s.setLocale))
	mux.Handle("GET /orders", s.handle(s.orderList))
	mux.Handle("GET /orders/{number}", s.handle(s.orderPage))
	mux.Handle("GET /orders/{number}/modify", s.handle(s.modifyForm))
	mux.Handle("POST /orders/{number}/modify", s.handle(s.modifySubmit))
	mux.Handle("GET /orders/{number}/cancel", s.handle(s.cancelForm))
	mux.Handle("POST /orders/{number}/cancel", s.handle(s.cancelSubmit))
	mux.Handle("GET /orders/{number}/ship", s.handle(s.fulfilForm))
	mux.Handle("POST /orders/{number}/ship", s.handle(s.fulfilSubmit))
	mux.Handle("GET /orders/{number}/edit", s.handle(s.editForm))
	mux.Handle("POST /orders/{number}/edit", s.handle(s.editSubmit))
	mux.Handle("GET /orders/{number}/payment", s.handle(s.paymentPage))
	mux.Handle("POST /orders/{number}/archive", s.handle(s.archiveSubmit))
	mux.Handle("POST /orders/{number}/unarchive", s.handle(s.archiveSubmit))
	mux.Handle("POST /orders/{number}/notes", s.handle(s.noteSubmit))
	mux.Handle("POST /orders/{number}/emails/{id}/resend", s.handle(s.resendSubmit))
	mux.Handle("POST /orders/{number}/payment/{action}", s.handle(s.paymentAction))
	mux.Handle("GET /invoices/{file}", s.handle(s.documentPDF))
	mux.Handle("GET /credit-notes/{file}", s.handle(s.documentPDF))
	mux.Handle("GET /procedures/{id...}", s.handle(s.procedurePage))
	mux.Handle("GET /progress/{id...}", s.handle(s.progressFragment))
	mux.Handle("GET /emails/{id}", s.handle(s.emailPage))
	mux.Handle("GET /tasks", s.handle(s.taskList))
	mux.Handle("POST /tasks/{id}/answer", s.handle(s.answerTask))
	mux.Handle("GET /outbox", s.handle(s.outbox))

	// Anything else is a French "page introuvable", not the mux's plain text.
	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notFound(locale.Msg("error.page_not_found"), locale.Msg("error.no_such_page"))
	}))

	agents := s.requireAgent(mux)
	return secureHeaders(s.withDeadline(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := public.Handler(r); pattern != "" {
			public.ServeHTTP(w, r)
			return
		}
		agents.ServeHTTP(w, r)
	})))
}

// withDeadline gives every request a deadline (requestTimeout) for what it
// asks of PostgreSQL and Temporal, the session's lookup included: a
// service that does not answer in time is said in a 503 (handler.go),
// never a page that hangs. Waiting for a procedure to take an answer has
// its own, longer deadline (updateContext).
func (s *server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// updateContext is the context of giving a procedure an answer or a
// payment and waiting for it to take it (or of waiting a moment for a
// short procedure to end): the request's values, without its deadline,
// with a deadline of d. Such a wait is for the procedure's own work; the
// starter still says within its call deadline when Temporal does not answer.
func updateContext(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), d)
}

// secureHeaders sets the headers every response carries. Scripts come only
// from this server; emails shown in their sandboxed iframe keep their
// inline styles and remote images.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
