// Package web is the agents' back office in the browser: server-rendered
// pages over the store (the order list, the order page with its history and
// procedures, the emails, the task inbox, the outbox). The JSON API and
// the payment webhook, for machines, are package web/api; the command
// that runs the server mounts both, and neither imports the other.
//
// Every page is an html/template from the embedded templates/ folder,
// parsed once by New, so a broken template stops start-up rather than a
// request. Handlers return an error; one adapter (handler.go) turns it into
// a status and a French page, and logs internal errors with a reference the
// agent can quote.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
	_ "time/tzdata" // the agents read Paris time, whatever the server's zone database

	"golang.org/x/crypto/bcrypt"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web/internal/request"
	"github.com/orderdesk/orderdesk/workflows"
)

// OrderStore is what the pages read from the store, and the sign-in's
// sessions. *store.Store implements it; it is an interface so the UI's
// needs are visible in one place.
type OrderStore interface {
	GetOrder(ctx context.Context, number string) (order.Order, error)
	ListOrders(ctx context.Context, f store.OrderFilter) ([]store.OrderSummary, int, error)
	ListEvents(ctx context.Context, orderID int64) ([]store.Event, error)
	ListPayments(ctx context.Context, orderID int64) ([]store.Payment, error)
	ListRefunds(ctx context.Context, orderID int64) ([]store.Refund, error)
	PaidNet(ctx context.Context, orderID int64) (int64, error)
	MoneyPosition(ctx context.Context, orderID int64) (order.Position, error)
	ListEmails(ctx context.Context, orderID int64) ([]store.Email, error)
	GetEmail(ctx context.Context, id int64) (store.Email, error)
	ListOutbox(ctx context.Context, limit int) ([]store.Email, error)
	// The customer view and the outbox's filters (store/customers.go).
	CustomerOrders(ctx context.Context, email string, limit int) ([]store.OrderSummary, error)
	FilterOutbox(ctx context.Context, f store.OutboxFilter) ([]store.Email, error)
	ListOpenTasks(ctx context.Context) ([]store.Task, error)
	ListTasks(ctx context.Context, orderID int64) ([]store.Task, error)
	GetTask(ctx context.Context, id int64) (store.Task, error)
	Ping(ctx context.Context) error
	shipmentLister // the ship form (order_fulfil.go)
	invoiceStore   // the payment page and the documents (payment_page.go)
	taskInbox      // the task inbox and the top bar's count (task_list.go)
	signInStore    // sign-in, sessions and the audit log (auth.go)
	flashStore     // the pages refused forms showed (prg.go)
	returnLister   // the order page's returns (order_return.go)
}

// Starter is what the UI asks of the procedures: start them, answer their
// tasks, follow them; each page's part is declared beside it.
// *starter.Collector implements it.
type Starter interface {
	ModifyContent(ctx context.Context, req starter.ModifyContentRequest) (starter.Run, error)
	CancelRefund(ctx context.Context, req starter.CancelRefundRequest) (starter.Run, error)
	AnswerTask(ctx context.Context, ans workflows.TaskAnswer) error
	Progress(ctx context.Context, workflowID string) (starter.Progress, error)
	archiver         // archive, notes, resending an email (order_archive.go)
	detailsEditor    // edit-details (order_edit.go)
	fulfiller        // the ship form (order_fulfil.go)
	paymentCollector // the payment page (payment_page.go)
	returnStarter    // returns: the form and the parcel's receipt (order_return.go)
}

// ProcedureLister lists the procedures that ran or run on an order, as
// Temporal knows them (the starter implements it).
type ProcedureLister interface {
	OrderProcedures(ctx context.Context, orderNumber string) ([]starter.Procedure, error)
}

var (
	_ OrderStore      = (*store.Store)(nil)
	_ Starter         = (*starter.Collector)(nil)
	_ ProcedureLister = (*starter.Starter)(nil)
)

// Options are the dependencies and settings of the web UI.
type Options struct {
	Store OrderStore // required; a *store.Store
	// Procedures lists an order's procedures from Temporal (required; the
	// starter). When Temporal does not answer, the order page shows the
	// procedures found in the order's history.
	Procedures ProcedureLister
	// Starter starts procedures and follows them (required; a
	// *starter.Collector, which also collects payments).
	Starter Starter
	// Refunds says which means of payment a provider refunds through its
	// API (required; the *payments.Registry the worker refunds with), so a
	// confirmation says exactly what will happen to the customer's money.
	Refunds RefundRoutes
	// ApprovalThreshold is the refund (cents) above which a supervisor
	// approves; shown on the forms (the procedure enforces it). 0: none shown.
	ApprovalThreshold int64
	// TemporalUIURL is the Temporal Web UI's base URL (e.g.
	// http://localhost:8233); empty means no links to it.
	TemporalUIURL string
	Namespace     string       // the Temporal namespace; "default" when empty
	Logger        *slog.Logger // slog.Default() when nil
	// RequestTimeout bounds how long a request may wait on PostgreSQL and
	// Temporal before it answers a 503 page naming the one that did not
	// answer; zero is DefaultRequestTimeout. Giving a procedure an answer
	// or a payment waits up to UpdateTimeout for it to take it.
	RequestTimeout time.Duration
	UpdateTimeout  time.Duration // zero: starter.DefaultUpdateTimeout
	// PasswordCheck compares a password with its hash on sign-in; nil is
	// bcrypt's. A test counts the checks through it.
	PasswordCheck func(hash, password []byte) error
}

// RefundRoutes says whether a provider refunds a means of payment
// through its API.
type RefundRoutes interface {
	RefundsAutomatically(order.PaymentMethod) bool
}

// DefaultRequestTimeout is how long a page waits on PostgreSQL and
// Temporal by default (the API's calls too: they share it).
const DefaultRequestTimeout = request.DefaultTimeout

// server holds what the handlers share. It is built once by New and never
// changed afterwards.
type server struct {
	store      OrderStore
	procedures ProcedureLister
	starter    Starter
	threshold  int64
	refunds    RefundRoutes
	temporalUI string
	namespace  string
	log        *slog.Logger
	pages      pages // French, the default
	pagesEN    pages // English, for agents who chose it
	// Sign-in attempts' limits, counted in PostgreSQL (signin.go), and
	// the password check: bcrypt's, or a test's.
	limits     store.SigninLimits
	pwCheck    func(hash, password []byte) error
	sessionTTL time.Duration
	paris      *time.Location
	now        func() time.Time
	// procTimeout bounds the call to Temporal, so a slow or absent Temporal
	// never holds the order page.
	procTimeout time.Duration
	// requestTimeout bounds each request's waits on PostgreSQL and
	// Temporal (request.WithDeadline); updateTimeout giving a procedure an
	// answer or a payment (updateContext).
	requestTimeout, updateTimeout time.Duration
}

// New builds the web UI's handler. Every dependency is required: a
// missing one is an error naming it. It parses every template now: a
// broken template is an error here, not on a request.
func New(opt Options) (http.Handler, error) {
	switch {
	case opt.Store == nil:
		return nil, errors.New("web.New: Options.Store is required")
	case opt.Procedures == nil:
		return nil, errors.New("web.New: Options.Procedures is required")
	case opt.Starter == nil:
		return nil, errors.New("web.New: Options.Starter is required")
	case opt.Refunds == nil:
		return nil, errors.New("web.New: Options.Refunds is required")
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	s := &server{
		store:          opt.Store,
		procedures:     opt.Procedures,
		starter:        opt.Starter,
		threshold:      opt.ApprovalThreshold,
		refunds:        opt.Refunds,
		temporalUI:     trimSlash(opt.TemporalUIURL),
		namespace:      opt.Namespace,
		log:            opt.Logger,
		paris:          paris,
		now:            time.Now,
		procTimeout:    3 * time.Second,
		requestTimeout: opt.RequestTimeout,
		updateTimeout:  opt.UpdateTimeout,
		limits:         store.DefaultSigninLimits,
		pwCheck:        opt.PasswordCheck,
		sessionTTL:     12 * time.Hour,
	}
	if s.pwCheck == nil {
		s.pwCheck = bcrypt.CompareHashAndPassword
	}
	if s.namespace == "" {
		s.namespace = "default"
	}
	if s.requestTimeout <= 0 {
		s.requestTimeout = DefaultRequestTimeout
	}
	if s.updateTimeout <= 0 {
		s.updateTimeout = starter.DefaultUpdateTimeout
	}
	s.procTimeout = min(s.procTimeout, s.requestTimeout)
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.pages, err = parsePages(templateFS, s.funcs()); err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	if s.pagesEN, err = parsePages(templateFS, s.funcsFor("en")); err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	return s.routes(), nil
}

func trimSlash(u string) string {
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}
