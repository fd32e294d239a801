package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/payments/sandbox"
)

// runDev is `orderdesk dev` (`make dev`): the whole product on this machine.
// It starts the Temporal dev server and a private PostgreSQL with their
// state under ORDERDESK_DATA_DIR, migrates, loads the demo orders once,
// then runs the worker and the agent UI in this process until Ctrl-C, and
// stops everything it started, in order: web and worker, then Temporal,
// then PostgreSQL.
func runDev(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("dev", "dev\n\nRuns the Temporal dev server, a private PostgreSQL, the worker and the agent UI; Ctrl-C stops them.\nPorts and the data directory come from the environment (orderdesk --help).")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	began := time.Now()
	out := os.Stdout
	root, err := devstack.ModuleRoot(".")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "orderdesk dev: starting the local stack")
	// The customers' data is encrypted in Temporal as in production: a key
	// made once into the data directory (unless ORDERDESK_CODEC_KEYS is
	// set), and the codec endpoint the dev server's Web UI decodes through.
	dataDir := cfg.DataDir
	if !filepath.IsAbs(dataDir) {
		dataDir = filepath.Join(root, dataDir)
	}
	dc, err := startDevCodec(&cfg, dataDir)
	if err != nil {
		return err
	}
	defer dc.Close()
	stack, err := devstack.StartStack(ctx, devstack.StackOptions{
		ModuleRoot:     root,
		DataDir:        cfg.DataDir,
		DatabaseURL:    cfg.DatabaseURL,
		PostgresPort:   cfg.PostgresPort,
		TemporalPort:   cfg.TemporalPort,
		TemporalUIPort: cfg.TemporalUIPort,
		Namespace:      cfg.TemporalNamespace,
		Progress:       out,

		UICodecEndpoint: dc.endpoint,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil // Ctrl-C during start-up: StartStack stopped what it had started
		}
		return err
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			log.Error("orderdesk dev: stopping the stack", "err", err)
		}
		fmt.Fprintln(out, "orderdesk dev: stopped; data kept in", stack.DataDir)
	}()

	cfg.DatabaseURL = stack.DatabaseURL
	cfg.TemporalAddress = stack.TemporalAddress
	cfg.TemporalCluster = temporalCluster{} // make dev's own server: plain TCP, no key
	cfg.TemporalUIURL = stack.TemporalUIURL
	if err := dc.serve(ctx, cfg, stack.TemporalUIURL, log); err != nil {
		return err
	}
	// Card, pay-by-bank and IBAN refunds go to the sandbox provider, over
	// HTTP like a real one, unless a real provider is configured.
	if cfg.Money.SandboxURL == "" && cfg.Money.StripeKey == "" {
		sb := sandbox.NewServer(sandbox.Options{APIKey: sandboxKey})
		url, err := sb.Listen(fmt.Sprintf("127.0.0.1:%d", cfg.Money.SandboxPort))
		if err != nil {
			return fmt.Errorf("sandbox payment provider: %w (set ORDERDESK_SANDBOX_PORT to a free port)", err)
		}
		defer sb.Close()
		cfg.Money.SandboxURL = url
		fmt.Fprintf(out, "  sandbox payment provider  %s  (faults: curl -X PUT -d '{\"error_rate\":0.5,\"outage_seconds\":30}' %s/admin/faults)\n", url, url)
	}
	// Returns get a prepaid label from the sandbox carrier, over HTTP like
	// a real one, unless a carrier is configured.
	stopCarrier, err := startDevCarrier(&cfg, dataDir, out)
	if err != nil {
		return err
	}
	defer stopCarrier()
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	logins, err := ensureDemoAgents(ctx, s.store)
	if err != nil {
		return err
	}
	_, stopAdmin, err := startAdmin(cfg.AdminAddr, log, s.metricsRoute(), s.healthRoute())
	if err != nil {
		return err
	}
	defer stopAdmin()

	// The worker and the web server stop together: when one fails, or
	// Ctrl-C, or the Temporal server dies under them.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	go func() { errc <- named("worker", runWorker(runCtx, s)) }()
	go func() { errc <- named("agent UI", runWeb(runCtx, s)) }()

	ready := make(chan error, 1)
	go func() { ready <- waitHTTP(runCtx, healthURL(cfg.WebAddr)) }()
	var firstErr error
	running := 2
	select {
	case err := <-ready:
		if err == nil {
			printBanner(out, cfg, stack, writeDevEnv(cfg, stack), time.Since(began))
			printLogins(out, logins)
		}
	case err := <-errc:
		running--
		firstErr = err
	}

	if firstErr == nil {
		select {
		case <-ctx.Done():
			fmt.Fprintln(out, "\norderdesk dev: stopping (Ctrl-C)...")
		case err := <-errc:
			running--
			firstErr = err
		case <-stack.Temporal.Done():
			firstErr = fmt.Errorf("the Temporal dev server exited; its log is %s", stack.TemporalLog)
		}
	}
	cancel()
	for ; running > 0; running-- {
		if err := <-errc; err != nil && firstErr == nil && ctx.Err() == nil {
			firstErr = err
		}
	}
	return firstErr
}

// named says which part of the stack an error comes from.
func named(part string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	return fmt.Errorf("%s: %w", part, err)
}

// healthURL is the agent UI's health check on this machine, from the
// address it listens on (":8080" -> http://127.0.0.1:8080/healthz).
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/healthz"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}

// waitHTTP polls url until it answers 200.
func waitHTTP(ctx context.Context, url string) error {
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// printBanner says what runs where, and how to try the modify-content
// procedure from another terminal.
func printBanner(w io.Writer, cfg config, st *devstack.Stack, envHint string, took time.Duration) {
	web := "http://localhost" + cfg.WebAddr
	if h, p, err := net.SplitHostPort(cfg.WebAddr); err == nil && h != "" && h != "0.0.0.0" {
		web = "http://" + net.JoinHostPort(h, p)
	}
	pg := "your DATABASE_URL"
	if st.Postgres != nil {
		pg = fmt.Sprintf("%s (cluster in %s)", st.DatabaseURL, relDir(st.Postgres.Dir))
	}
	demo := "demo orders already loaded"
	if st.DemoOrders > 0 {
		demo = fmt.Sprintf("%d demo orders loaded", st.DemoOrders)
	}
	line := strings.Repeat("─", 72)
	fmt.Fprintf(w, `
%s
 orderdesk is ready (%s)

   Agent UI          %s
   Temporal Web UI   %s   (namespace %s)
   Temporal server   %s
   Codec endpoint    %s   (the Web UI decrypts the procedures' data through it)
   PostgreSQL        %s
   Worker            running here, task queue "orderdesk"; %s

 Try the modify-content procedure from another terminal:
   %s
   go run ./cmd/orderdesk start modify-content --order %s --set MUG-BRE-01=1 --channel phone --agent agent@orderdesk.test
     (paid by card: refunded at once through the sandbox provider; add --preview to only see the figures)
   go run ./cmd/orderdesk start modify-content --order C-2026-000102 --set SAVON-MARS=0 --channel email --agent agent@orderdesk.test
   go run ./cmd/orderdesk answer --task ID --agent agent@orderdesk.test --done
     (paid by PayPal, which has no refund API: an agent refunds by hand and answers the task)
 then open %s/orders/%s, and find the procedure in the
 Temporal Web UI with the query  OrderNumber = "%s"

 Ctrl-C stops everything started here; the data stays in %s.
%s
`, line, took.Round(100*time.Millisecond), web, st.TemporalUIURL, cfg.TemporalNamespace, st.TemporalAddress, "http://"+cfg.Codec.Addr, pg,
		demo, envHint, devstack.DemoOrderNumber, web, devstack.DemoOrderNumber, devstack.DemoOrderNumber, relDir(st.DataDir), line)
}

// relDir shows a directory relative to the working directory when inside it.
func relDir(dir string) string {
	wd, err := os.Getwd()
	if err == nil && strings.HasPrefix(dir, wd+"/") {
		return strings.TrimPrefix(dir, wd+"/")
	}
	return dir
}

// writeDevEnv writes DataDir/dev.env, the variables that point the CLI of
// another terminal at this stack, and returns how to use it.
func writeDevEnv(cfg config, st *devstack.Stack) string {
	env := fmt.Sprintf("export DATABASE_URL='%s' TEMPORAL_ADDRESS=%s TEMPORAL_NAMESPACE=%s TEMPORAL_UI_URL=%s",
		st.DatabaseURL, st.TemporalAddress, cfg.TemporalNamespace, st.TemporalUIURL) + codecEnv(cfg)
	hint := ". " + filepath.Join(relDir(st.DataDir), "dev.env") + "     # points the CLI at this stack (DATABASE_URL, TEMPORAL_ADDRESS)"
	// It holds the codec's key and token: for this user only.
	if err := writePrivate(filepath.Join(st.DataDir, "dev.env"), []byte(env+"\n")); err != nil {
		return env
	}
	return hint
}
