package orderdesk_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }

// The README's command blocks (```sh) run here in order, as a reader would
// run them in a second terminal next to `make dev`:
//
//   - against a fresh stack of `orderdesk dev` itself (the code `make dev`
//     runs: the Temporal dev server of .bin/temporal, the demo orders, the
//     sandbox payment provider, worker and agent UI), on free ports and a
//     fresh database, with its data directory as .data in the directory the
//     blocks run in, so `. .data/dev.env` points at it;
//   - `go run ./cmd/orderdesk ...` runs the binary built once for the test
//     (what go run builds); any other `go` command fails the block;
//   - `make dev` (re)starts that stack with the block's ORDERDESK_* variables
//     (make dev keeps the terminal; the stack keeps its data, as the README
//     says); any other `make` target fails the block;
//   - the README's addresses http://localhost:8080 (agent UI and API) and
//     http://127.0.0.1:8299 (sandbox provider) become the test stack's;
//   - a block's shell state (what it exports) carries over to the next.
//
// A line `# → TEXT` shows what the commands above it print: their output
// must contain TEXT, where "..." stands for any text in between. Amounts are
// compared with ordinary spaces (orderdesk prints "8,00 €" with a no-break
// space).
//
// readmeNotRun are the blocks that do not run, each with why.
var readmeNotRun = []struct{ contains, why string }{
	{"make chaos", "the money model test at length: minutes of random sequences (make test runs it on its fixed seed)"},
	{"go tool pprof", "a 10-second CPU profile of a make dev started with the profiler: nothing printed to check"},
}

// readmeAddresses are the README's addresses of make dev's default ports.
const (
	readmeWebURL     = "http://localhost:8080"
	readmeSandboxURL = "http://127.0.0.1:8299"
)

func TestReadmeCommands(t *testing.T) {
	root, err := devstack.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := devstack.TemporalCLI(root); err != nil {
		t.Fatalf("%v\nrun `make temporal` (or `make test`, which builds it) from %s", err, root)
	}
	blocks := readmeBlocks(t, filepath.Join(root, "README.md"))
	var run []readmeBlock
	for _, skip := range readmeNotRun {
		n := 0
		for _, b := range blocks {
			if strings.Contains(b.text(), skip.contains) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("readmeNotRun: %q matches %d README blocks, want 1: update the list", skip.contains, n)
		}
	}
	expects := 0
	for _, b := range blocks {
		if why := b.notRun(); why != "" {
			t.Logf("README.md:%d not run: %s", b.line, why)
			continue
		}
		run = append(run, b)
		for _, s := range b.segments {
			expects += len(s.expect)
		}
	}
	if len(run) < 8 || expects < 20 {
		t.Fatalf("found %d README blocks to run and %d shown outputs (# →): has the README's format changed?", len(run), expects)
	}

	work := t.TempDir()
	bin := filepath.Join(work, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "orderdesk"), "./cmd/orderdesk")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/orderdesk: %v\n%s", err, out)
	}
	stack := newReadmeStack(t, root, work, filepath.Join(bin, "orderdesk"))
	stack.start(t, nil)

	sh := &readmeShell{
		work:   work,
		state:  filepath.Join(work, "readme-shell-state.sh"),
		devReq: filepath.Join(work, "readme-make-dev.env"),
		env:    append(cleanEnv(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH")),
		urls: strings.NewReplacer(
			readmeWebURL, "http://"+stack.webAddr,
			readmeSandboxURL, "http://"+stack.sandboxAddr),
	}
	for _, b := range run {
		ok := t.Run(fmt.Sprintf("line_%d", b.line), func(t *testing.T) {
			sh.run(t, b, stack)
			if env, ok := sh.makeDevRequest(t); ok {
				stack.stop(t)
				stack.start(t, env)
			}
		})
		if !ok {
			return // the later blocks build on this one
		}
	}
}

// readmeBlock is one ```sh block of the README.
type readmeBlock struct {
	line     int // of its first command line
	segments []readmeSegment
}

// readmeSegment is a run of command lines and the outputs shown after them.
type readmeSegment struct {
	line   int      // of its first line
	lines  []string // as written
	expect []readmeExpect
}

type readmeExpect struct {
	line int
	text string // after "# → "
}

func (b readmeBlock) text() string {
	var sb strings.Builder
	for _, s := range b.segments {
		for _, l := range s.lines {
			sb.WriteString(l + "\n")
		}
		for _, e := range s.expect {
			sb.WriteString("# → " + e.text + "\n")
		}
	}
	return sb.String()
}

func (b readmeBlock) notRun() string {
	for _, skip := range readmeNotRun {
		if strings.Contains(b.text(), skip.contains) {
			return skip.why
		}
	}
	return ""
}

const expectMark = "# →"

// readmeBlocks reads the ```sh (or bash, shell) blocks of the README.
func readmeBlocks(t *testing.T, path string) []readmeBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks []readmeBlock
		cur    *readmeBlock
		n      int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		fence := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(fence, "```"):
			switch strings.TrimSpace(strings.TrimPrefix(fence, "```")) {
			case "sh", "bash", "shell":
				cur = &readmeBlock{line: n + 1}
			}
		case cur != nil && fence == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil && strings.HasPrefix(fence, expectMark):
			if len(cur.segments) == 0 {
				t.Fatalf("README.md:%d: a shown output (%s) before any command", n, expectMark)
			}
			s := &cur.segments[len(cur.segments)-1]
			s.expect = append(s.expect, readmeExpect{line: n, text: strings.TrimSpace(strings.TrimPrefix(fence, expectMark))})
		case cur != nil:
			if len(cur.segments) == 0 || len(cur.segments[len(cur.segments)-1].expect) > 0 {
				cur.segments = append(cur.segments, readmeSegment{line: n})
			}
			s := &cur.segments[len(cur.segments)-1]
			s.lines = append(s.lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("README.md:%d: the block never ends", cur.line-1)
	}
	return blocks
}

// readmeShell runs the blocks, one bash process each, carrying the
// exported variables from one to the next.
type readmeShell struct {
	work, state, devReq string
	env                 []string
	urls                *strings.Replacer
}

// segmentMark ends each segment's output in the shell's output.
func segmentMark(i int) string { return fmt.Sprintf("\n\x1e%d\n", i) }

func (sh *readmeShell) script(b readmeBlock) string {
	q := shellQuote
	var sb strings.Builder
	fmt.Fprintf(&sb, `set -e -o pipefail
cd %s
if [ -f %s ]; then . %s; fi
trap 'export -p > %s' EXIT
go() {
	if [ "$1" = run ] && [ "$2" = ./cmd/orderdesk ]; then shift 2; orderdesk "$@"; return; fi
	echo "README test: only 'go run ./cmd/orderdesk' runs here, not 'go $*'" >&2; return 127
}
make() {
	if [ "$*" = dev ]; then env > %s; echo "README test: make dev restarts the stack with this environment"; return; fi
	echo "README test: 'make $*' does not run here (see readmeNotRun)" >&2; return 127
}
`, q(sh.work), q(sh.state), q(sh.state), q(sh.state), q(sh.devReq))
	for i, s := range b.segments {
		for _, l := range s.lines {
			sb.WriteString(sh.urls.Replace(l) + "\n")
		}
		fmt.Fprintf(&sb, "printf '\\n\\036%d\\n'\n", i) // segmentMark(i)
	}
	return sb.String()
}

func (sh *readmeShell) run(t *testing.T, b readmeBlock, stack *readmeStack) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", sh.script(b))
	cmd.Env = sh.env
	cmd.Dir = sh.work
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()

	rest := out.String()
	for i, s := range b.segments {
		end := strings.Index(rest, segmentMark(i))
		if end < 0 {
			t.Fatalf("README.md:%d: %v\n--- commands:\n%s\n--- their output:\n%s\n--- orderdesk dev (%s), its end:\n%s",
				s.line, runErr, strings.Join(s.lines, "\n"), rest, stack.log, devstack.Tail(stack.log, 30))
		}
		got := strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(rest[:end])
		rest = rest[end+len(segmentMark(i)):]
		for _, e := range s.expect {
			if !containsInOrder(got, e.text) {
				t.Errorf("README.md:%d: the output does not show %q\n--- commands:\n%s\n--- their output:\n%s",
					e.line, e.text, strings.Join(s.lines, "\n"), got)
			}
		}
	}
	if runErr != nil {
		t.Fatalf("README.md:%d: %v after its last command\n%s", b.line, runErr, rest)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// makeDevRequest reports whether the block ran `make dev`, and the
// ORDERDESK_* variables it gave it.
func (sh *readmeShell) makeDevRequest(t *testing.T) ([]string, bool) {
	b, err := os.ReadFile(sh.devReq)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(sh.devReq)
	var env []string
	for _, kv := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(kv, "ORDERDESK_") {
			env = append(env, kv)
		}
	}
	return env, true
}

// containsInOrder reports whether s holds the parts of want between its
// "...", in order.
func containsInOrder(s, want string) bool {
	for _, part := range strings.Split(want, "...") {
		part = strings.TrimSpace(part)
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// cleanEnv is this process's environment without what would point
// orderdesk elsewhere than the test's stack: a terminal before
// `. .data/dev.env`.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "DATABASE_URL", strings.HasPrefix(name, "TEMPORAL_") && name != "TEMPORAL_CLI",
			strings.HasPrefix(name, "ORDERDESK_"), strings.HasPrefix(name, "SENDGRID_"),
			strings.HasPrefix(name, "STRIPE_"), strings.HasPrefix(name, "PLAID_"):
			continue
		}
		env = append(env, kv)
	}
	return env
}

// readmeStack is `orderdesk dev` run by the test, as `make dev` runs it.
type readmeStack struct {
	root, bin, dataDir, databaseURL string
	webAddr, sandboxAddr            string
	temporalPort, temporalUIPort    int
	cmd                             *exec.Cmd
	done                            chan error
	log                             string
	starts                          int
	ready                           bool // started once: its addresses are in the shell's state
}

func newReadmeStack(t *testing.T, root, work, bin string) *readmeStack {
	s := &readmeStack{root: root, bin: bin, dataDir: filepath.Join(work, ".data"), databaseURL: devstacktest.NewDatabase(t)}
	s.pickPorts(t)
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *readmeStack) pickPorts(t *testing.T) {
	ports := make([]int, 4)
	for i := range ports {
		p, err := devstack.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = p
	}
	s.temporalPort, s.temporalUIPort = ports[0], ports[1]
	s.webAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[2]))
	s.sandboxAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[3]))
}

// start runs orderdesk dev with extra (ORDERDESK_*) variables and waits
// until it says it is ready. A free port taken by another process in the
// meantime is tried again: other ports the first time, the same ones (the
// blocks have them) once the stack has run.
func (s *readmeStack) start(t *testing.T, extra []string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		err := s.try(extra)
		if err == nil {
			s.ready = true
			return
		}
		if attempt == 4 || !strings.Contains(devstack.Tail(s.log, 5), "address already in use") {
			t.Fatalf("%v\n%s", err, devstack.Tail(s.log, 40))
		}
		t.Logf("orderdesk dev: a port was taken (%v); starting again", err)
		if s.ready {
			time.Sleep(time.Second)
		} else {
			s.pickPorts(t)
		}
	}
}

func (s *readmeStack) try(extra []string) error {
	s.starts++
	s.log = filepath.Join(filepath.Dir(s.dataDir), fmt.Sprintf("orderdesk-dev-%d.log", s.starts))
	logf, err := os.Create(s.log)
	if err != nil {
		return err
	}
	defer logf.Close()
	env := append(cleanEnv(), extra...)
	env = append(env,
		"DATABASE_URL="+s.databaseURL,
		"ORDERDESK_DATA_DIR="+s.dataDir,
		"ORDERDESK_TEMPORAL_PORT="+strconv.Itoa(s.temporalPort),
		"ORDERDESK_TEMPORAL_UI_PORT="+strconv.Itoa(s.temporalUIPort),
		"ORDERDESK_WEB_ADDR="+s.webAddr,
		"ORDERDESK_SANDBOX_PORT="+s.sandboxAddr[strings.LastIndex(s.sandboxAddr, ":")+1:],
	)
	cmd := exec.Command(s.bin, "dev")
	cmd.Dir = s.root // where .bin/temporal is, as for make dev
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = devstack.ChildProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	s.cmd, s.done = cmd, done

	deadline := time.After(90 * time.Second)
	for {
		if b, _ := os.ReadFile(s.log); bytes.Contains(b, []byte("orderdesk is ready")) {
			return nil
		}
		select {
		case err := <-done:
			s.cmd = nil
			return fmt.Errorf("orderdesk dev exited: %v", err)
		case <-deadline:
			_ = cmd.Process.Signal(os.Interrupt)
			return errors.New("orderdesk dev not ready after 90 s")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stop is Ctrl-C: orderdesk dev stops the worker, the agent UI, Temporal.
func (s *readmeStack) stop(t *testing.T) {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("orderdesk dev did not stop within 30 s of Ctrl-C\n%s", devstack.Tail(s.log, 20))
	}
	s.cmd = nil
}
