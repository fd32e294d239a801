package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/orderdesk/orderdesk/workflows"
)

// TemporalCLIVersion is the pinned Temporal CLI that `make temporal` builds
// into .bin/ (v1.9.1 does not build from the module proxy).
const TemporalCLIVersion = "v1.5.1"

// TemporalCLI returns the path of the Temporal CLI: $TEMPORAL_CLI when set,
// else .bin/temporal under the module root.
func TemporalCLI(moduleRoot string) (string, error) {
	if p := os.Getenv("TEMPORAL_CLI"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("TEMPORAL_CLI=%s: %w", p, err)
		}
		return p, nil
	}
	p := filepath.Join(moduleRoot, ".bin", "temporal")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("the Temporal CLI is not built (%s is missing): run `make temporal` (go install github.com/temporalio/cli/cmd/temporal@%s, ~4 min the first time), or set TEMPORAL_CLI", p, TemporalCLIVersion)
	}
	return p, nil
}

// TemporalOptions says how to run the Temporal dev server.
type TemporalOptions struct {
	Bin       string    // the Temporal CLI (TemporalCLI)
	DBFile    string    // SQLite file that keeps the server's state across runs; empty: in memory
	Port      int       // frontend gRPC port; 0 picks a free one
	UIPort    int       // Web UI port; 0 picks a free one
	Namespace string    // registered at start-up; "default" when empty
	Headless  bool      // no Web UI (tests)
	LogLevel  string    // the server's log level; "warn" when empty
	Log       io.Writer // the server's own output; nil discards it
	Progress  io.Writer // where a restart during start-up is told; nil: Log only
	// UICodecEndpoint points the Web UI at a codec endpoint, which decodes
	// the encrypted payloads it shows; empty: it shows them as they are.
	UICodecEndpoint string
}

// Temporal is a running Temporal dev server started by StartTemporal.
type Temporal struct {
	HostPort  string // frontend, for TEMPORAL_ADDRESS
	UIURL     string // Web UI
	Namespace string

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid once done is closed
	tail *tailWriter   // the end of its output, for start-up errors
}

// TemporalArgs are the arguments of `temporal server start-dev` for the
// options: the search attributes of workflows.SearchAttributes, and the
// settings measured to make the dev server fast on small machines
// (measured: no 50 ms wait on each task hop, SQLite in WAL mode).
func TemporalArgs(o TemporalOptions) []string {
	level := o.LogLevel
	if level == "" {
		level = "warn"
	}
	args := []string{"server", "start-dev",
		"--ip", "127.0.0.1",
		"--port", strconv.Itoa(o.Port),
		"--namespace", o.Namespace,
		"--log-level", level,
	}
	if o.Headless {
		args = append(args, "--headless")
	} else {
		args = append(args, "--ui-port", strconv.Itoa(o.UIPort))
		if o.UICodecEndpoint != "" {
			args = append(args, "--ui-codec-endpoint", o.UICodecEndpoint)
		}
	}
	if o.DBFile != "" {
		args = append(args, "--db-filename", o.DBFile,
			"--sqlite-pragma", "journal_mode=wal",
			"--sqlite-pragma", "synchronous=normal")
	}
	for _, sa := range SearchAttributeFlags() {
		args = append(args, "--search-attribute", sa)
	}
	return append(args, FastDynamicConfig()...)
}

// SearchAttributeFlags are workflows.SearchAttributes as NAME=Type values of
// the dev server's --search-attribute flag, sorted by name.
func SearchAttributeFlags() []string {
	var out []string
	for k := range workflows.SearchAttributes().GetUntypedValues() {
		out = append(out, k.GetName()+"="+k.GetValueType().String())
	}
	slices.Sort(out)
	return out
}

// FastDynamicConfig are dev-server arguments that remove the dev server's
// default ~50 ms wait on every task hop (measured), and its
// check for a newer version over the internet; and that hand an activity
// scheduled by a workflow task to the worker in the same answer (eager
// activities: no trip through the task queue). A production server takes
// the last one in its dynamic config.
func FastDynamicConfig() []string {
	return []string{
		"--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000",
		"--dynamic-config-value", "frontend.enableServerVersionCheck=false",
		"--dynamic-config-value", "system.enableActivityEagerExecution=true",
	}
}

// StartTemporal runs the Temporal dev server and returns once its frontend
// answers and the search attributes are registered. The server runs in its
// own process group, so a Ctrl-C in the terminal reaches orderdesk, which
// stops its worker before it stops the server; it is also killed if
// orderdesk dies.
//
// A server that exits during start-up is started again, up to
// startAttempts times: the dev server picks its internal ports (history,
// matching, metrics, HTTP) itself at start-up, and on a busy machine another
// process can take one between its choice and its bind. So can it take a
// port StartTemporal picked (o.Port or o.UIPort left 0): those are picked
// again for each attempt. The error of the last attempt carries the tail
// of the server's own output.
func StartTemporal(ctx context.Context, o TemporalOptions) (*Temporal, error) {
	if o.Bin == "" {
		return nil, errors.New("devstack.StartTemporal: no Temporal CLI given (see TemporalCLI)")
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	// Ports left to us are picked again for each attempt: between a pick
	// and the server's bind, another process can take a free port.
	pickPort, pickUI := o.Port == 0, o.UIPort == 0 && !o.Headless
	if o.DBFile != "" {
		if err := os.MkdirAll(filepath.Dir(o.DBFile), 0o755); err != nil {
			return nil, fmt.Errorf("Temporal dev server: %w", err)
		}
	}
	var errs []error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		var err error
		if pickPort {
			if o.Port, err = FreePort(); err != nil {
				return nil, err
			}
		}
		if pickUI {
			if o.UIPort, err = FreePort(); err != nil {
				return nil, err
			}
		}
		t, err := startTemporalOnce(ctx, o)
		if err == nil {
			return t, nil
		}
		errs = append(errs, err)
		var exited *exitedError
		var inUse *portInUseError
		picked := (pickPort || pickUI) && errors.As(err, &inUse)
		if !errors.As(err, &exited) && !picked || ctx.Err() != nil {
			break
		}
		if attempt < startAttempts {
			why := "a port it was given was taken meanwhile"
			if exited != nil {
				why = fmt.Sprintf("it exited during start-up: %v", exited.status)
			}
			msg := fmt.Sprintf("the Temporal dev server did not start (attempt %d of %d: %s); starting it again\n", attempt, startAttempts, why)
			fmt.Fprint(logWriter(o), "orderdesk: "+msg)
			if o.Progress != nil {
				fmt.Fprint(o.Progress, "  "+msg)
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
			}
		}
	}
	if len(errs) > 1 {
		return nil, fmt.Errorf("%w (after %d attempts)", errs[len(errs)-1], len(errs))
	}
	return nil, errs[0]
}

// startAttempts is how many times StartTemporal starts a server that exits
// during start-up before it gives up.
const startAttempts = 3

func logWriter(o TemporalOptions) io.Writer {
	if o.Log == nil {
		return io.Discard
	}
	return o.Log
}

// startTemporalOnce is one attempt of StartTemporal.
func startTemporalOnce(ctx context.Context, o TemporalOptions) (*Temporal, error) {
	ports := []int{o.Port}
	if !o.Headless {
		ports = append(ports, o.UIPort)
	}
	for _, p := range ports {
		if err := checkPortFree(p); err != nil {
			return nil, fmt.Errorf("Temporal dev server: %w", err)
		}
	}
	tail := &tailWriter{max: 4096}
	cmd := exec.Command(o.Bin, TemporalArgs(o)...)
	cmd.Stdout = io.MultiWriter(logWriter(o), tail)
	cmd.Stderr = cmd.Stdout
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the Temporal dev server (%s): %w", o.Bin, err)
	}
	t := &Temporal{
		HostPort:  net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port)),
		UIURL:     uiURL(o),
		Namespace: o.Namespace,
		cmd:       cmd,
		done:      make(chan struct{}),
		tail:      tail,
	}
	go func() { t.err = cmd.Wait(); close(t.done) }()
	if err := t.waitReady(ctx); err != nil {
		_ = t.Stop()
		return nil, err
	}
	return t, nil
}

// exitedError: the server process ended before it was ready.
type exitedError struct {
	status error
	tail   string
}

func (e *exitedError) Error() string {
	msg := fmt.Sprintf("the Temporal dev server exited during start-up (%v)", e.status)
	if e.tail == "" {
		return msg + " and printed nothing"
	}
	return msg + "; the end of its output:\n" + e.tail
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.TrimSpace(string(w.buf))
}

// waitReady dials the frontend until it answers and lists the search
// attributes orderdesk needs.
func (t *Temporal) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var want []string
	for k := range workflows.SearchAttributes().GetUntypedValues() {
		want = append(want, k.GetName())
	}
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	var last error
	for {
		select {
		case <-t.done:
			return &exitedError{status: t.err, tail: t.tail.String()}
		case <-ctx.Done():
			return fmt.Errorf("the Temporal dev server on %s did not become ready: %w (last: %v)", t.HostPort, ctx.Err(), last)
		case <-time.After(100 * time.Millisecond):
		}
		c, err := client.DialContext(ctx, client.Options{HostPort: t.HostPort, Namespace: t.Namespace, Logger: quiet})
		if err != nil {
			last = err
			continue
		}
		resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: t.Namespace})
		c.Close()
		if err != nil {
			last = err
			continue
		}
		missing := false
		for _, name := range want {
			if _, ok := resp.GetCustomAttributes()[name]; !ok {
				missing = true
				last = fmt.Errorf("search attribute %s is not registered yet", name)
			}
		}
		if !missing {
			return nil
		}
	}
}

// Stop asks the server to shut down (SIGINT, as Ctrl-C would) and waits for
// it, killing it after 15 s.
func (t *Temporal) Stop() error {
	select {
	case <-t.done:
		return nil
	default:
	}
	_ = t.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-t.done:
		return nil
	case <-time.After(15 * time.Second):
		_ = t.cmd.Process.Kill()
		<-t.done
		return errors.New("the Temporal dev server did not stop within 15 s and was killed")
	}
}

// Done is closed when the server process has exited.
func (t *Temporal) Done() <-chan struct{} { return t.done }

// FreePort asks the kernel for a free TCP port on the loopback interface.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// portInUseError is checkPortFree's refusal.
type portInUseError struct{ port int }

func (e *portInUseError) Error() string {
	return fmt.Sprintf("port %d is already in use (another `make dev`? stop it, or choose other ports with ORDERDESK_TEMPORAL_PORT / ORDERDESK_TEMPORAL_UI_PORT)", e.port)
}

// checkPortFree fails with a clear message when something already listens
// on port, so a second `make dev` does not fight the first.
func checkPortFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return &portInUseError{port}
	}
	return l.Close()
}

func uiURL(o TemporalOptions) string {
	if o.Headless {
		return ""
	}
	return fmt.Sprintf("http://localhost:%d", o.UIPort)
}
