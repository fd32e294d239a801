package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/codec"
	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// dirPrefix names the benchmark's data directories.
const dirPrefix = "orderdesk-bench-"

// settings are orderdesk's defaults (cmd/orderdesk's configuration): a
// refund above 200 € waits for a supervisor, an open task is reminded
// after 4 h and escalated after 24 h. The procedures run as in production.
var settings = workflows.Settings{ApproveAbove: 20000, Reminder: 4 * time.Hour, Escalation: 24 * time.Hour, RefundStuckAfter: time.Hour}

// shop is the seller on the invoices of the collect-payment runs.
var shop = activities.Shop{Seller: store.Seller{
	Name:      "Boutique du banc d'essai SARL",
	Address:   order.Address{Line1: "1 quai de la Mesure", PostalCode: "69002", City: "Lyon", Country: "FR"},
	SIRET:     "12345678900012",
	VATNumber: "FR32123456789",
}}

// stack is what the benchmark runs on: the devstack stack (PostgreSQL and
// the Temporal dev server) in a data directory of its own, the sandbox
// card provider, and the child running the worker and the agent UI.
type stack struct {
	dir       string
	dev       *devstack.Stack
	store     *store.Store
	pool      *pgxpool.Pool // for COPY and the bench's own queries
	temporal  client.Client
	sandbox   *sandbox.Server
	starter   *starter.Starter
	collector *starter.Collector
	agents    []string // emails of the agents the load is sent as

	child    *exec.Cmd
	childIn  io.WriteCloser
	childLog string
	webURL   string
	exited   chan struct{}
	cpu      []cpuGroup
}

// startStack starts the stack in a new directory under dataParent.
func startStack(ctx context.Context, root string, say func(string, ...any)) (_ *stack, err error) {
	parent := dataParent()
	reapStale(parent)
	dir, err := os.MkdirTemp(parent, dirPrefix)
	if err != nil {
		return nil, err
	}
	// As root, PostgreSQL runs as the postgres user, who must enter it.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	s := &stack{dir: dir, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			s.stop(false)
		}
	}()
	ports := make([]int, 3)
	for i := range ports {
		if ports[i], err = devstack.FreePort(); err != nil {
			return nil, err
		}
	}
	say("starting PostgreSQL and the Temporal dev server in %s", dir)
	s.dev, err = devstack.StartStack(ctx, devstack.StackOptions{
		ModuleRoot: root, DataDir: dir,
		PostgresPort: ports[0], TemporalPort: ports[1], TemporalUIPort: ports[2],
		Progress: prefixWriter{say},
	})
	if err != nil {
		return nil, err
	}
	if s.store, err = store.Open(ctx, s.dev.DatabaseURL); err != nil {
		return nil, err
	}
	if s.pool, err = pgxpool.New(ctx, s.dev.DatabaseURL); err != nil {
		return nil, err
	}
	if s.agents, err = addAgents(ctx, s.store, 50); err != nil {
		return nil, err
	}
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	// Payloads are encrypted as in production (the codec's cost is part
	// of what is measured), with a key made for this run.
	key := codec.NewKey("bench")
	cd, err := codec.New("the benchmark's codec key", key)
	if err != nil {
		return nil, err
	}
	topts := client.Options{HostPort: s.dev.TemporalAddress, Namespace: s.dev.Temporal.Namespace, Logger: quiet, ConnectionOptions: connection()}
	cd.Apply(&topts)
	if s.temporal, err = client.DialContext(ctx, topts); err != nil {
		return nil, err
	}
	const sandboxKey = "sk_bench"
	s.sandbox = sandbox.NewServer(sandbox.Options{APIKey: sandboxKey})
	sandboxURL, err := s.sandbox.Start()
	if err != nil {
		return nil, err
	}
	s.starter = starter.New(s.temporal, s.store, starter.Options{Settings: settings})
	s.collector = starter.NewCollector(s.starter, s.store, starter.CollectOptions{Seller: shop.Seller})

	say("starting the worker and the agent UI (a child process; its log: %s)", filepath.Join(dir, "worker-web.log"))
	if err := s.startChild(ctx, stackConfig{
		DatabaseURL: s.dev.DatabaseURL, TemporalAddress: s.dev.TemporalAddress, Namespace: s.dev.Temporal.Namespace,
		SandboxURL: sandboxURL, SandboxKey: sandboxKey, Settings: settings, Shop: shop, CodecKeys: key.String(),
	}); err != nil {
		return nil, err
	}
	postgres := 0
	s.cpu = []cpuGroup{
		{name: "temporal", pid: func() int { return childOf(os.Getpid(), "temporal") }},
		{name: "postgres", tree: true, pid: func() int {
			if postgres == 0 && s.dev.Postgres != nil {
				postgres = postmaster(s.dev.Postgres.Dir)
			}
			return postgres
		}},
		{name: "worker+web", pid: func() int { return s.child.Process.Pid }},
		{name: "bench", pid: os.Getpid},
	}
	return s, nil
}

// startChild starts the worker and the agent UI and waits for their
// "ready <url>".
func (s *stack) startChild(ctx context.Context, cfg stackConfig) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	s.childLog = filepath.Join(s.dir, "worker-web.log")
	logf, err := os.Create(s.childLog)
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), stackEnv+"="+string(raw))
	cmd.Stderr = logf
	// Its own process group: a Ctrl-C reaches the benchmark, which stops
	// the child in order (it also stops when its standard input closes).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if s.childIn, err = cmd.StdinPipe(); err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.child = cmd
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(s.exited)
	}()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- u
			}
		}
	}()
	select {
	case s.webURL = <-ready:
		return nil
	case <-s.exited:
		return fmt.Errorf("the worker and agent UI process exited at start-up; its log %s says:\n%s", s.childLog, devstack.Tail(s.childLog, 20))
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("the worker and agent UI process did not start within 2 minutes (log: %s)", s.childLog)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// childAlive says whether the worker and agent UI still run, with their log's end if not.
func (s *stack) childAlive() error {
	select {
	case <-s.exited:
		return fmt.Errorf("the worker and agent UI process died; its log %s says:\n%s", s.childLog, devstack.Tail(s.childLog, 20))
	default:
		return nil
	}
}

// stop stops what startStack started, the child first, and removes the
// data directory unless keep.
func (s *stack) stop(keep bool) {
	if s.child != nil {
		s.childIn.Close()
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.child.Process.Kill()
			<-s.exited
		}
	}
	if s.sandbox != nil {
		_ = s.sandbox.Close()
	}
	if s.temporal != nil {
		s.temporal.Close()
	}
	if s.pool != nil {
		s.pool.Close()
	}
	if s.store != nil {
		s.store.Close()
	}
	if s.dev != nil {
		if err := s.dev.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "orderdesk-bench: stopping the stack:", err)
			keep = true // its logs say what happened
		}
	}
	if !keep {
		os.RemoveAll(s.dir)
	}
}

// addAgents creates n agents the load is sent as (agent01@bench.test...);
// they cannot sign in.
func addAgents(ctx context.Context, st *store.Store, n int) ([]string, error) {
	var out []string
	for i := 1; i <= n; i++ {
		email := fmt.Sprintf("agent%02d@bench.test", i)
		_, err := st.CreateAgent(ctx, store.Agent{Email: email, Name: fmt.Sprintf("Agent %02d", i), Role: store.RoleAgent, PasswordHash: "!"})
		if err != nil && !errors.Is(err, store.ErrAgentExists) {
			return nil, err
		}
		out = append(out, email)
	}
	return out, nil
}

// dataParent is where the benchmark's data goes: /dev/shm when it is a
// roomy tmpfs (the figures then measure the stack, not this machine's
// disk, and a million orders take about 2 GB there), else the temp dir.
func dataParent() string {
	const shm = "/dev/shm"
	var st syscall.Statfs_t
	if syscall.Statfs(shm, &st) == nil && st.Bavail*uint64(st.Bsize) >= 8<<30 && syscall.Access(shm, 0o2|0o1) == nil {
		return shm
	}
	return os.TempDir()
}

// reapStale stops and removes the stacks of benchmarks that died without
// cleaning up (kill -9): devstack's pid file says whose a directory is.
func reapStale(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "orderdesk-dev.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue // its benchmark still runs (or we cannot tell)
		}
		if devstack.StopPostgresDir(filepath.Join(dir, "postgres")) == nil {
			os.RemoveAll(dir)
		}
	}
}

// postmaster reads the PostgreSQL server's pid from its cluster directory.
func postmaster(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// prefixWriter turns devstack's progress lines into the benchmark's.
type prefixWriter struct{ say func(string, ...any) }

func (p prefixWriter) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			p.say("%s", line)
		}
	}
	return len(b), nil
}
