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
	tlog "go.temporal.io/sdk/log"

	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/observe"
	"github.com/orderdesk/orderdesk/payments"
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
	// obs observes the process: metrics, traces (nil in tests that
	// build services by hand: nothing is observed).
	obs *observe.Observer
	// health is the worker's health, served on the admin address
	// (/healthz): up while runWorker's pollers run.
	health *observe.WorkerHealth
}

// connect opens PostgreSQL and the Temporal client, both observed (the
// SDK's metrics, the procedures' counters, and the SQL's and procedures'
// spans when traces are on).
func connect(ctx context.Context, cfg config, log *slog.Logger) (*services, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set: point it at PostgreSQL (postgres://user@host:port/db), or run `make dev`, which starts its own")
	}
	if err := cfg.Codec.required(); err != nil {
		return nil, err
	}
	obs, err := observe.New(ctx, observe.Options{Service: "orderdesk", Traces: cfg.Traces})
	if err != nil {
		return nil, err
	}
	opts := cfg.storeOptions()
	opts.Tracer = obs.SQLTracer()
	st, err := store.Open(ctx, cfg.DatabaseURL, opts)
	if err != nil {
		_ = obs.Shutdown(ctx)
		return nil, err
	}
	topts := client.Options{Logger: tlog.NewStructuredLogger(slog.New(observe.AtLeast(log.Handler(), slog.LevelWarn)))}
	if err := obs.TemporalOptions(&topts); err != nil {
		st.Close()
		_ = obs.Shutdown(ctx)
		return nil, err
	}
	tc, err := dial(ctx, cfg, topts)
	if err != nil {
		st.Close()
		_ = obs.Shutdown(ctx)
		return nil, err
	}
	obs.Database(st)
	return &services{
		cfg: cfg, log: log, store: st, temporal: tc, obs: obs,
		starter: starter.New(tc, st, starter.Options{Settings: cfg.settings(), FailureConverter: cfg.Codec.failureConverter()}),
		health:  observe.NewWorkerHealth(pingPostgres(st), pingTemporal(tc)),
	}, nil
}

// pingPostgres and pingTemporal are the readiness and health checks: a
// ping of the pool, the Temporal frontend's health check.
func pingPostgres(st *store.Store) observe.Check {
	return observe.Check{Name: "PostgreSQL", Ping: st.Ping}
}

func pingTemporal(tc client.Client) observe.Check {
	return observe.Check{Name: "Temporal", Ping: func(ctx context.Context) error {
		_, err := tc.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}}
}

// openStore opens PostgreSQL at DATABASE_URL, with the configured limits
// on waiting for it (statement and lock timeouts, connecting).
func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set: point it at orderdesk's PostgreSQL (make dev writes it to .data/dev.env)")
	}
	return store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
}

// dialTemporal connects to the Temporal frontend, waiting a little for a
// server that is still starting.
func dialTemporal(ctx context.Context, cfg config) (client.Client, error) {
	return dial(ctx, cfg, client.Options{Logger: quietLogger()})
}

// dial is dialTemporal with options of the caller's (its logger, what
// observes the client), the address, namespace and connection the
// configuration's.
func dial(ctx context.Context, cfg config, opts client.Options) (client.Client, error) {
	opts.HostPort, opts.Namespace, opts.ConnectionOptions = cfg.TemporalAddress, cfg.TemporalNamespace, cfg.TemporalConn
	cfg.TemporalCluster.apply(&opts) // TLS, mTLS, API key: Temporal Cloud or any secured cluster
	cfg.Codec.apply(&opts)           // customers' data encrypted (codec.go)
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
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.obs.Shutdown(ctx); err != nil {
		s.log.Warn("the last spans could not be sent", "err", err)
	}
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

// providers are the payment providers' gateways of the worker; with
// traces on, their HTTP calls are spans under the activity's.
func (s *services) providers() *payments.Registry {
	if !s.obs.Tracing() {
		return s.cfg.Money.registry()
	}
	return s.cfg.Money.registry(s.obs.HTTPClient(30 * time.Second))
}

// runWorker runs the orderdesk worker until ctx is done.
func runWorker(ctx context.Context, s *services) error {
	health := s.health
	if health == nil {
		health = observe.NewWorkerHealth()
	}
	w := worker.New(s.temporal, worker.Deps{Store: s.store, Sender: s.mailSender(), Shop: s.cfg.Payment.shop(), Payments: s.providers(), Carrier: s.carrier()},
		worker.Options{Pollers: s.cfg.WorkerPollers, Activities: s.cfg.WorkerActivities, OnFatalError: health.Fatal})
	if err := ensureNightlyReconcile(ctx, s.temporal, workflows.TaskQueue, s.log); err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	health.Running(true)
	<-ctx.Done()
	health.Running(false)
	w.Stop()
	return nil
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
	// /readyz beside them: PostgreSQL and Temporal answer (/healthz, the
	// UI's, stays the liveness check). Every request is measured by route.
	outer := http.NewServeMux()
	outer.Handle("GET /readyz", observe.Ready(pingPostgres(s.store), pingTemporal(s.temporal)))
	outer.Handle("/", mount(ui, machines))
	return s.obs.HTTP(outer), nil
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
	return serveUntilDone(ctx, ln, h)
}

// serveUntilDone serves h on ln, with the HTTP timeouts of newHTTPServer,
// until ctx is done, then shuts down within 5 s.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
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
