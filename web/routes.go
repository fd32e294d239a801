package web

import (
	"context"
	"net/http"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/web/internal/request"
)

// routes is every URL of the UI, in one place. Agents' pages need a
// session, and every POST among them a CSRF token (requireAgent); the
// public routes need neither: add a route to the section it belongs to.
func (s *server) routes() http.Handler {
	// Public: signing in, health checks, static files. (The JSON API and
	// the providers' webhook are package web/api, mounted beside the UI
	// by the command that runs the server.)
	public := http.NewServeMux()
	public.Handle("GET /signin", s.handle(s.signInPage))
	public.Handle("POST /signin", s.handle(s.signIn))
	public.HandleFunc("GET /healthz", s.healthz)
	public.Handle("GET /static/", staticHandler())

	// The agents' pages.
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", http.RedirectHandler("/orders", http.StatusSeeOther))
	mux.Handle("POST /signout", s.handle(s.signOut))
	mux.Handle("POST /signout/everywhere", s.handle(s.signOutEverywhere))
	mux.Handle("GET /admin/audit", s.handle(s.auditPage))
	mux.Handle("POST /locale", s.handle(s.setLocale))
	mux.Handle("GET /orders", s.handle(s.orderList))
	mux.Handle("GET /orders/{number}", s.handle(s.orderPage))
	mux.Handle("GET /orders/{number}/modify", s.handle(s.modifyForm))
	mux.Handle("POST /orders/{number}/modify", s.handle(s.modifySubmit))
	mux.Handle("GET /orders/{number}/cancel", s.handle(s.cancelForm))
	mux.Handle("POST /orders/{number}/cancel", s.handle(s.cancelSubmit))
	mux.Handle("GET /orders/{number}/ship", s.handle(s.fulfilForm))
	mux.Handle("POST /orders/{number}/ship", s.handle(s.fulfilSubmit))
	mux.Handle("GET /orders/{number}/return", s.handle(s.returnForm))
	mux.Handle("POST /orders/{number}/return", s.handle(s.returnSubmit))
	mux.Handle("POST /orders/{number}/receipt", s.handle(s.receiptSubmit))
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
	mux.Handle("GET /tasks/{id}", s.handle(s.taskPage))
	mux.Handle("POST /tasks/{id}/claim", s.handle(s.claimTask))
	mux.Handle("POST /tasks/{id}/release", s.handle(s.releaseTask))
	mux.Handle("GET /outbox", s.handle(s.outbox))
	mux.Handle("GET /customers/{email}", s.handle(s.customerPage))

	// Anything else is a French "page introuvable", not the mux's plain text.
	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notFound(locale.Msg("error.page_not_found"), locale.Msg("error.no_such_page"))
	}))

	// A form's POST never leaves the browser at its address (prg.go).
	agents := s.requireAgent(s.prg(mux))
	// Every request waits on PostgreSQL and Temporal within its deadline,
	// the session's lookup included: a service that does not answer in
	// time is said in a 503 page (handler.go), never a page that hangs.
	// A NUL or another control character in the address or a form is
	// refused before anything reads it (request.CleanInput, refuseInput).
	return request.SecureHeaders(request.CleanInput(s.refuseInput, request.WithDeadline(s.requestTimeout, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := public.Handler(r); pattern != "" {
			public.ServeHTTP(w, r)
			return
		}
		agents.ServeHTTP(w, r)
	}))))
}

// updateContext is the context of giving a procedure an answer or a
// payment and waiting for it to take it (request.UpdateContext).
func updateContext(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return request.UpdateContext(r, d)
}
