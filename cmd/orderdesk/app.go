package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/web/api"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// services are the long-lived clients the commands share, built once from
// the configuration and handed down.
type services struct {
	cfg      config
	log      *slog.Logger
	store    *store.Store
	temporal client.Client
	starter  *starter.Starter
}

// connect opens PostgreSQL and the Temporal client.
func connect(ctx context.Context, cfg config, log *slog.Logger) (*services, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set: point it at PostgreSQL (postgres://user@host:port/db), or run `make dev`, which starts its own")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &services{
		cfg: cfg, log: log, store: st, temporal: tc,
		starter: starter.New(tc, st, starter.Options{Settings: cfg.settings()}),
	}, nil
}

// openStore opens PostgreSQL at DATABASE_URL, with the configured limits
// on waiting for it (statement and lock timeouts, connecting).
func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	return store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
}

// dialTemporal connects to the Temporal frontend, waiting a little for a
// server that is still starting.
func dialTemporal(ctx context.Context, cfg config) (client.Client, error) {
	opts := client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace, Logger: quietLogger(), ConnectionOptions: cfg.TemporalConn}
	cfg.TemporalCluster.apply(&opts) // TLS, mTLS, API key: Temporal Cloud or any secured cluster
	var last error
	for range 20 {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			return c, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return nil, fmt.Errorf("cannot reach Temporal at %s (namespace %q, %s): %w; check TEMPORAL_ADDRESS (and TEMPORAL_API_KEY, TEMPORAL_TLS_*), or run `make dev`", cfg.TemporalAddress, cfg.TemporalNamespace, cfg.TemporalCluster.describe(), last)
}

func (s *services) Close() {
	s.temporal.Close()
	s.store.Close()
}

// The agent UI's HTTP server limits. Each page bounds its own waits on
// PostgreSQL and Temporal (ORDERDESK_REQUEST_TIMEOUT); these bound the
// connection: a client that sends slowly (ReadTimeout: the largest form or
// API body is 1 MiB), a response that takes longer than the longest wait
// any page has (WriteTimeout: giving a procedure an answer, up to 20 s,
// then waiting a few seconds for a short procedure to end), a kept-alive
// connection left idle. No page streams: the live progress of a procedure
// is polled, one short request at a time.
const (
	httpReadHeaderTimeout = 10 * time.Second
	httpReadTimeout       = 30 * time.Second
	httpWriteTimeout      = 60 * time.Second
	httpIdleTimeout       = 2 * time.Minute
)

// newHTTPServer is the agent UI's server over its handler.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: httpReadHeaderTimeout, ReadTimeout: httpReadTimeout,
		WriteTimeout: httpWriteTimeout, IdleTimeout: httpIdleTimeout}
}

// mailSender is SendGrid when a key is configured, else the dev outbox.
func (s *services) mailSender() mail.Sender {
	if s.cfg.SendGridAPIKey == "" {
		return mail.DevSender{}
	}
	return mail.SendGrid{APIKey: s.cfg.SendGridAPIKey, BaseURL: s.cfg.SendGridURL, FromEmail: s.cfg.MailFrom, FromName: s.cfg.MailFromName}
}

// runWorker runs the orderdesk worker until ctx is done.
func runWorker(ctx context.Context, s *services) error {
	w := worker.New(s.temporal, worker.Deps{Store: s.store, Sender: s.mailSender(), Shop: s.cfg.Payment.shop(), Payments: s.cfg.Money.registry()},
		worker.Options{Pollers: s.cfg.WorkerPollers, Activities: s.cfg.WorkerActivities})
	if err := ensureNightlyReconcile(ctx, s.temporal, workflows.TaskQueue, s.log); err != nil {
		return err
	}
	return worker.Run(ctx, w)
}

// webHandler is the handler of orderdesk's one HTTP server: the agent UI
// (package web), and beside it the JSON API under /api/ and the payment
// provider's webhook (package web/api). This is where the two meet: they
// import nothing of each other, and share the store and the collector.
func webHandler(s *services) (http.Handler, error) {
	col := s.cfg.Payment.collector(s.starter, s.store) // a Starter that also collects payments
	ui, err := web.New(web.Options{
		Store:         s.store,
		Procedures:    s.starter,
		Starter:       col,
		Refunds:       s.cfg.Money.registry(),
		TemporalUIURL: s.cfg.TemporalUIURL,
		Namespace:     s.cfg.TemporalNamespace,
		Logger:        s.log,
		// The procedures enforce the limit; the UI says in advance that a
		// supervisor will have to approve.
		ApprovalThreshold: s.cfg.Money.ApproveAbove,
		RequestTimeout:    s.cfg.RequestTimeout,
	})
	if err != nil {
		return nil, err
	}
	machines, err := api.New(api.Options{
		Store:          s.store,
		Starter:        col,
		Token:          s.cfg.APIToken,
		Logger:         s.log,
		RequestTimeout: s.cfg.RequestTimeout,
	})
	if err != nil {
		return nil, err
	}
	return mount(ui, machines), nil
}

// mount serves the API's addresses (api.Patterns: /api/ and the payment
// webhook) with the API, every other with the agent UI.
func mount(ui, machines http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", ui)
	for _, p := range api.Patterns() {
		mux.Handle(p, machines)
	}
	return mux
}

// runWeb serves the agent UI, the API and the webhook until ctx is done.
func runWeb(ctx context.Context, s *services) error {
	h, err := webHandler(s)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.WebAddr)
	if err != nil {
		return fmt.Errorf("agent UI cannot listen on %s: %w (set ORDERDESK_WEB_ADDR to a free address)", s.cfg.WebAddr, err)
	}
	srv := newHTTPServer(h)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
