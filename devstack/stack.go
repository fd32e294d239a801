// Package devstack is the one-command local stack of `make dev`: the
// Temporal dev server (the pinned CLI, state in a SQLite file, Web UI), a
// private PostgreSQL cluster, the migrations and the demo orders. The same
// pieces serve the tests through devstacktest.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/orderdesk/orderdesk/store"
)

// DatabaseName is the database `make dev` creates in its PostgreSQL.
const DatabaseName = "orderdesk"

// StackOptions says where the local stack keeps its state and listens.
type StackOptions struct {
	ModuleRoot     string    // the orderdesk checkout: .bin/ is there
	DataDir        string    // state: temporal.db, postgres/; relative to ModuleRoot
	DatabaseURL    string    // use this PostgreSQL instead of a private cluster
	PostgresPort   int       // of the private cluster
	TemporalPort   int       // Temporal frontend
	TemporalUIPort int       // Temporal Web UI
	Namespace      string    // Temporal namespace; "default" when empty
	Progress       io.Writer // one line per step, for the person waiting
	// UICodecEndpoint is the codec endpoint the Temporal Web UI decodes
	// payloads through (TemporalOptions.UICodecEndpoint).
	UICodecEndpoint string
}

// Stack is the running local stack.
type Stack struct {
	DatabaseURL     string
	TemporalAddress string
	TemporalUIURL   string
	DataDir         string
	TemporalLog     string    // the Temporal dev server's output
	Postgres        *Postgres // nil when StackOptions.DatabaseURL was used
	Temporal        *Temporal
	Migrations      []string // applied by this start
	DemoOrders      int      // demo orders added by this start (0: the data was there)

	pidFile  string
	progress io.Writer
	logFile  *os.File
}

// StartStack starts what `make dev` needs and returns when it is ready:
// the Temporal dev server and PostgreSQL (in parallel), then the database,
// its migrations and the demo orders. Whatever started is stopped again if
// a later step fails. State lives under DataDir and survives restarts.
func StartStack(ctx context.Context, o StackOptions) (*Stack, error) {
	p := o.Progress
	if p == nil {
		p = io.Discard
	}
	dataDir := o.DataDir
	if !filepath.IsAbs(dataDir) {
		dataDir = filepath.Join(o.ModuleRoot, dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}
	s := &Stack{DataDir: dataDir, progress: p, pidFile: filepath.Join(dataDir, "orderdesk-dev.pid")}
	if err := s.claim(); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = s.Stop()
		}
	}()

	bin, err := EnsureTemporalCLI(ctx, o.ModuleRoot, p)
	if err != nil {
		return nil, err
	}

	s.TemporalLog = filepath.Join(dataDir, "temporal.log")
	if s.logFile, err = os.OpenFile(s.TemporalLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}

	var wg sync.WaitGroup
	var tErr, pErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		start := time.Now()
		fmt.Fprintf(p, "  starting the Temporal dev server on 127.0.0.1:%d (state: %s, log: %s)...\n",
			o.TemporalPort, rel(o.ModuleRoot, filepath.Join(dataDir, "temporal.db")), rel(o.ModuleRoot, s.TemporalLog))
		s.Temporal, tErr = StartTemporal(ctx, TemporalOptions{
			Bin:       bin,
			DBFile:    filepath.Join(dataDir, "temporal.db"),
			Port:      o.TemporalPort,
			UIPort:    o.TemporalUIPort,
			Namespace: o.Namespace,
			Log:       s.logFile,
			Progress:  p,

			UICodecEndpoint: o.UICodecEndpoint,
		})
		if tErr == nil {
			fmt.Fprintf(p, "  Temporal dev server ready in %s\n", since(start))
		}
	}()
	go func() {
		defer wg.Done()
		pErr = s.startDatabase(ctx, o, dataDir)
	}()
	wg.Wait()
	if err := errors.Join(tErr, pErr); err != nil {
		return nil, err
	}
	s.TemporalAddress = s.Temporal.HostPort
	s.TemporalUIURL = s.Temporal.UIURL
	ok = true
	return s, nil
}

// startDatabase starts the private cluster (or takes DatabaseURL), creates
// the database, migrates it and loads the demo orders.
func (s *Stack) startDatabase(ctx context.Context, o StackOptions, dataDir string) error {
	p := s.progress
	s.DatabaseURL = o.DatabaseURL
	if s.DatabaseURL == "" {
		start := time.Now()
		dir := filepath.Join(dataDir, "postgres")
		if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
			fmt.Fprintf(p, "  creating a PostgreSQL cluster in %s (first time)...\n", rel(o.ModuleRoot, dir))
		}
		fmt.Fprintf(p, "  starting PostgreSQL on 127.0.0.1:%d...\n", o.PostgresPort)
		pg, err := StartPostgres(ctx, PostgresOptions{Dir: dir, Port: o.PostgresPort, Durable: true})
		if err != nil {
			// Interrupted half-way, a server may be up without us knowing it.
			_ = StopPostgresDir(dir)
			return err
		}
		s.Postgres = pg
		if err := pg.CreateDatabase(ctx, DatabaseName); err != nil {
			return err
		}
		s.DatabaseURL = pg.URL(DatabaseName)
		fmt.Fprintf(p, "  PostgreSQL ready in %s\n", since(start))
	} else {
		fmt.Fprintf(p, "  using the PostgreSQL of DATABASE_URL\n")
	}
	st, err := store.Open(ctx, s.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if s.Migrations, err = st.Migrate(ctx); err != nil {
		return err
	}
	for _, m := range s.Migrations {
		fmt.Fprintf(p, "  applied migration %s\n", m)
	}
	if s.DemoOrders, err = LoadDemo(ctx, st); err != nil {
		return err
	}
	if s.DemoOrders > 0 {
		fmt.Fprintf(p, "  loaded %d demo orders\n", s.DemoOrders)
	}
	return nil
}

// Stop stops what StartStack started, Temporal first (it may be writing to
// nothing else), then PostgreSQL, and gives the data directory back.
func (s *Stack) Stop() error {
	var errs []error
	if s.Temporal != nil {
		fmt.Fprintln(s.progress, "  stopping the Temporal dev server...")
		errs = append(errs, s.Temporal.Stop())
		s.Temporal = nil
	}
	if s.Postgres != nil {
		fmt.Fprintln(s.progress, "  stopping PostgreSQL...")
		errs = append(errs, s.Postgres.Stop())
		s.Postgres = nil
	}
	if s.logFile != nil {
		s.logFile.Close()
		s.logFile = nil
	}
	if s.pidFile != "" {
		os.Remove(s.pidFile)
		s.pidFile = ""
	}
	return errors.Join(errs...)
}

// claim records this process as the one running the stack of DataDir,
// refusing when another live process already does.
func (s *Stack) claim() error {
	if b, err := os.ReadFile(s.pidFile); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid != os.Getpid() && alive(pid) {
			return fmt.Errorf("orderdesk dev already runs on %s (pid %d): use that one, or stop it with Ctrl-C in its terminal", s.DataDir, pid)
		}
	}
	if err := os.WriteFile(s.pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		s.pidFile = ""
		return fmt.Errorf("devstack: %w", err)
	}
	return nil
}

// alive reports whether pid runs and, where /proc tells, is an orderdesk
// (a dead make dev's pid may have been given to another program since).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err != nil || strings.Contains(string(cmdline), "orderdesk")
}

// EnsureTemporalCLI returns the Temporal CLI, building the pinned version
// into .bin/ first when it is missing (about 4 minutes, once).
func EnsureTemporalCLI(ctx context.Context, moduleRoot string, progress io.Writer) (string, error) {
	if bin, err := TemporalCLI(moduleRoot); err == nil {
		return bin, nil
	} else if os.Getenv("TEMPORAL_CLI") != "" {
		return "", err
	}
	fmt.Fprintf(progress, "  building the Temporal CLI %s into .bin/ (first time only, ~4 min)...\n", TemporalCLIVersion)
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/temporalio/cli/cmd/temporal@"+TemporalCLIVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+filepath.Join(moduleRoot, ".bin"))
	cmd.Stdout, cmd.Stderr = progress, progress
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the Temporal CLI (go install github.com/temporalio/cli/cmd/temporal@%s): %w", TemporalCLIVersion, err)
	}
	fmt.Fprintf(progress, "  Temporal CLI built in %s\n", since(start))
	return TemporalCLI(moduleRoot)
}

// rel shows a path relative to the checkout, as a person would type it.
func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

func since(t time.Time) string {
	return time.Since(t).Round(100 * time.Millisecond).String()
}
