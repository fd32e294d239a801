package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/codec"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/web/api"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// The worker and the agent UI run in a process of their own, the
// benchmark's child, so their memory is theirs alone and the load the
// benchmark sends is not counted in it. The child is the benchmark's own
// executable started again with stackEnv set to its configuration.
const stackEnv = "ORDERDESK_BENCH_STACK"

// The trivial workflows the procedures are compared with, on a task queue
// of their own in the same worker process.
const (
	trivialQueue   = "bench-trivial"
	emptyWorkflow  = "bench-empty"
	bareWorkflow   = "bench-bare-update"
	bareUpdate     = "answer"
	bareReadyQuery = "ready"
)

// emptyFlow does nothing: what a start and a result cost on the server.
func emptyFlow(ctx workflow.Context) error { return nil }

// bareFlow waits for one Update whose handler returns at once, then ends:
// what an Update's round trip costs on the server.
func bareFlow(ctx workflow.Context) error {
	answered := false
	if err := workflow.SetQueryHandler(ctx, bareReadyQuery, func() (bool, error) { return true, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, bareUpdate, func(ctx workflow.Context) error {
		answered = true
		return nil
	}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return answered })
}

// stackConfig is what the child needs to run the worker and the agent UI.
type stackConfig struct {
	DatabaseURL     string
	TemporalAddress string
	Namespace       string
	SandboxURL      string
	SandboxKey      string
	Settings        workflows.Settings
	Shop            activities.Shop
	CodecKeys       string // the run's payload codec key, as ORDERDESK_CODEC_KEYS says it
}

// ProfileEnv names the variable that has the worker and agent UI process
// serve Go's profiler (/debug/pprof/) on that address during a run.
const ProfileEnv = "ORDERDESK_BENCH_PPROF"

// RunStackIfChild runs the worker and the agent UI when this process is
// the benchmark's child, until the benchmark closes its standard input
// (or dies), then exits; in any other process it returns at once. Call it
// first thing in main, and in TestMain.
func RunStackIfChild() {
	raw := os.Getenv(stackEnv)
	if raw == "" {
		return
	}
	var cfg stackConfig
	err := json.Unmarshal([]byte(raw), &cfg)
	if err == nil {
		err = runStack(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "orderdesk-bench (worker and agent UI):", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// runStack is the child: the orderdesk worker (worker.New, card refunds
// through the sandbox provider), the trivial workflows' worker, and the
// agent UI (web.New) with the API and the webhook beside it (api.New), as
// orderdesk mounts them, on a free port of 127.0.0.1, announced on
// standard output as "ready <url>".
func runStack(cfg stackConfig) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	go func() {
		// The benchmark closes our standard input to stop us, and so does
		// its death.
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if addr := os.Getenv(ProfileEnv); addr != "" {
		// Go's profiler, to see where the worker and the agent UI spend
		// their time while the benchmark runs.
		go func() { log.Warn("profiler", "err", http.ListenAndServe(addr, nil)) }()
	}

	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := codec.ParseKeys("the benchmark's codec key", cfg.CodecKeys)
	if err != nil {
		return err
	}
	cd, err := codec.New("the benchmark's codec key", keys...)
	if err != nil {
		return err
	}
	copts := client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.Namespace, Logger: tlog.NewStructuredLogger(log), ConnectionOptions: connection()}
	cd.Apply(&copts)
	c, err := client.DialContext(ctx, copts)
	if err != nil {
		return err
	}
	defer c.Close()

	gw := &sandbox.Client{BaseURL: cfg.SandboxURL, APIKey: cfg.SandboxKey}
	reg := payments.NewRegistry()
	for _, m := range []order.PaymentMethod{order.PayCard, order.PayStripe, order.PayBankPayment, order.PayTerminal, order.PayBankTransfer} {
		reg.Set(m, gw)
	}
	w := worker.New(c, worker.Deps{Store: st, Sender: mail.DevSender{}, Payments: reg, Shop: cfg.Shop})
	// The same pollers as the orderdesk worker: only the work differs.
	tw := sdkworker.New(c, trivialQueue, worker.SDKOptions(worker.DefaultPollers))
	tw.RegisterWorkflowWithOptions(emptyFlow, workflow.RegisterOptions{Name: emptyWorkflow})
	tw.RegisterWorkflowWithOptions(bareFlow, workflow.RegisterOptions{Name: bareWorkflow})

	s := starter.New(c, st, starter.Options{Settings: cfg.Settings})
	col := starter.NewCollector(s, st, starter.CollectOptions{Seller: cfg.Shop.Seller})
	ui, err := web.New(web.Options{
		Store:             st,
		Procedures:        s,
		Starter:           col,
		Refunds:           reg,
		Namespace:         cfg.Namespace,
		Logger:            log,
		ApprovalThreshold: cfg.Settings.ApproveAbove,
	})
	if err != nil {
		return err
	}
	// The API and the webhook where orderdesk serves them (no token: the
	// API answers 503, as orderdesk's without ORDERDESK_API_TOKEN).
	machines, err := api.New(api.Options{Store: st, Starter: col, Logger: log})
	if err != nil {
		return err
	}
	h := http.NewServeMux()
	h.Handle("/", ui)
	for _, p := range api.Patterns() {
		h.Handle(p, machines)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if err := w.Start(); err != nil {
		return fmt.Errorf("orderdesk worker: %w", err)
	}
	defer w.Stop()
	if err := tw.Start(); err != nil {
		return fmt.Errorf("worker of the trivial workflows: %w", err)
	}
	defer tw.Stop()

	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "ready http://%s\n", ln.Addr())
	out.Flush()

	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// connection is how the benchmark's clients reach the Temporal server:
// as orderdesk's own do by default (starter.ConnectionOptions), or as
// TEMPORAL_GRPC_COMPRESSION says.
func connection() client.ConnectionOptions {
	c, err := starter.ConnectionOptions(os.Getenv("TEMPORAL_GRPC_COMPRESSION"))
	if err != nil {
		panic(err)
	}
	return c
}
