//go:build prodtest

package prodtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/workflows"
)

// The Temporal server's version: the one the pinned CLI (make temporal)
// embeds, built by make prod-test into .bin/temporal-server-<version>/.
const serverVersion = "v1.29.1"

const (
	namespace  = "default"
	agentEmail = "agent@prodtest.test"
	sandboxKey = "sk_sandbox" // the sandbox provider's key orderdesk sends (cmd/orderdesk/money.go)
)

var start = time.Now()

// say prints a progress line at once (go test -v).
func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "prod-test %6.1fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
}

// stack is what the test started.
type stack struct {
	t        *testing.T
	root     string // the module
	dir      string // the run's files: PostgreSQL, the server's config, the logs
	bin      string // orderdesk built from the tree
	server   string // the Temporal server binary
	pg       *devstack.Postgres
	tport    int // the Temporal frontend's port
	tports   []int
	temporal *proc
	env      []string // orderdesk's environment
	token    string
	webURL   string
	sandbox  *sandbox.Server
	client   client.Client
}

// proc is a child process and its log.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

func TestProductionLikeStack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	s := &stack{t: t}
	var err error
	if s.root, err = devstack.ModuleRoot("."); err != nil {
		t.Fatal(err)
	}
	binDir := filepath.Join(s.root, ".bin", "temporal-server-"+serverVersion)
	s.server = filepath.Join(binDir, "server")
	sqlTool := filepath.Join(binDir, "sql")
	for _, b := range []string{s.server, sqlTool} {
		if _, err := os.Stat(b); err != nil {
			t.Fatalf("%s is missing: `make prod-test` builds the Temporal server %s and its schema tool into %s (~10 min the first time)", b, serverVersion, binDir)
		}
	}
	// Under /var/tmp, readable by the postgres user PostgreSQL runs as.
	if s.dir, err = os.MkdirTemp("/var/tmp", "orderdesk-prodtest-"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	say("run directory %s (logs of every process there)", s.dir)
	t.Cleanup(func() {
		if t.Failed() {
			say("failed: the logs stay in %s", s.dir)
			return
		}
		os.RemoveAll(s.dir)
	})

	// orderdesk, built from the tree, in the background of PostgreSQL's start.
	s.bin = filepath.Join(s.dir, "orderdesk")
	built := make(chan error, 1)
	go func() {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", s.bin, "./cmd/orderdesk")
		cmd.Dir = s.root
		out, err := cmd.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("go build ./cmd/orderdesk: %w\n%s", err, out)
		}
		built <- err
	}()

	s.startPostgres(ctx)
	for _, db := range []string{"temporal", "temporal_visibility", "orderdesk"} {
		if err := s.pg.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	for db, schema := range map[string]string{"temporal": "postgresql/v12/temporal", "temporal_visibility": "postgresql/v12/visibility"} {
		base := []string{"--plugin", "postgres12", "--endpoint", "127.0.0.1", "--port", strconv.Itoa(s.pg.Port), "--user", "postgres", "--db", db}
		s.run(ctx, sqlTool, append(base, "setup-schema", "--version", "0.0")...)
		s.run(ctx, sqlTool, append(base, "update-schema", "--schema-name", schema)...)
	}
	say("Temporal's schemas set up in PostgreSQL (databases temporal, temporal_visibility)")

	s.writeServerConfig()
	s.startTemporal(ctx)
	s.client = s.dial(ctx)
	defer s.client.Close()
	s.registerNamespace(ctx)
	s.registerSearchAttributes(ctx)

	if err := <-built; err != nil {
		t.Fatal(err)
	}
	say("orderdesk built from the tree")

	// The sandbox payment provider, in this process: it keeps every refund
	// it made, by key. Its latency keeps refunds in flight when the worker
	// is killed and the server restarted.
	s.sandbox = sandbox.NewServer(sandbox.Options{APIKey: sandboxKey})
	sbURL, err := s.sandbox.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.sandbox.Close()
	s.sandbox.SetFaults(sandbox.Faults{Latency: 4 * time.Second})

	s.token = randomHex(24)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	webPort := freePort(t)
	s.webURL = fmt.Sprintf("http://127.0.0.1:%d", webPort)
	s.env = append(os.Environ(),
		"DATABASE_URL="+s.pg.URL("orderdesk"),
		fmt.Sprintf("TEMPORAL_ADDRESS=127.0.0.1:%d", s.tport),
		"TEMPORAL_NAMESPACE="+namespace,
		"ORDERDESK_CODEC_KEYS=p1:"+base64.StdEncoding.EncodeToString(key),
		"ORDERDESK_API_TOKEN="+s.token,
		"ORDERDESK_SANDBOX_URL="+sbURL,
		"ORDERDESK_PAYMENT_AUTO_CONFIRM=true",
		"ORDERDESK_LOG_FORMAT=text",
		"SENDGRID_API_KEY=", // the outbox keeps the emails
	)
	s.run(ctx, s.bin, "migrate")
	s.runStdin(ctx, "prodtest-password\n", s.bin, "agent", "add", "--email", agentEmail, "--name", "Agent Prod", "--role", "agent")
	say("orderdesk migrated, agent %s added", agentEmail)

	workers := []*proc{s.startWorker(ctx, "worker-1"), s.startWorker(ctx, "worker-2")}
	web := s.startProc(ctx, "web", []string{"ORDERDESK_WEB_ADDR=" + fmt.Sprintf("127.0.0.1:%d", webPort)}, s.bin, "web")
	defer stopProc(web)
	defer func() {
		for _, w := range workers {
			stopProc(w)
		}
	}()
	s.waitHTTP(ctx, s.webURL+"/healthz", web)
	say("two workers and the agent UI running on %s", s.webURL)

	// The orders, through the JSON API: card orders already paid (refunds
	// go through the sandbox provider) and cheque orders to collect.
	run := strconv.FormatInt(time.Now().Unix()%1_000_000, 10)
	var modify, cancelRefund, collect []string
	for i := range 4 {
		modify = append(modify, s.postOrder(ctx, fmt.Sprintf("P-%s-M%d", run, i), "card", true))
	}
	for i := range 3 {
		cancelRefund = append(cancelRefund, s.postOrder(ctx, fmt.Sprintf("P-%s-C%d", run, i), "card", true))
	}
	for i := range 3 {
		collect = append(collect, s.postOrder(ctx, fmt.Sprintf("P-%s-P%d", run, i), "cheque", false))
	}
	say("%d orders created through the API", len(modify)+len(cancelRefund)+len(collect))

	// The procedures, through the CLI as an agent starts them (not
	// waiting: the stack is about to break under them).
	var wg sync.WaitGroup
	for _, n := range modify {
		wg.Go(func() {
			s.run(ctx, s.bin, "start", "modify-content", "--order", n, "--set", "MUG-01=1", "--channel", "phone", "--agent", agentEmail, "--wait", "0")
		})
	}
	// cancel-refund's command follows its procedure to the end: the agent's
	// terminal stays on it while the stack breaks (it may lose the server
	// then; the procedure goes on without it).
	var following sync.WaitGroup
	for _, n := range cancelRefund {
		following.Go(func() {
			cmd := exec.CommandContext(ctx, s.bin, "start", "cancel-refund", "--order", n, "--agent", agentEmail)
			cmd.Dir, cmd.Env = s.dir, s.env
			if out, err := cmd.CombinedOutput(); err != nil {
				say("the terminal following %s's cancel-refund lost it (%v): %s", n, err, strings.TrimSpace(string(out)))
			}
		})
	}
	for _, n := range collect {
		wg.Go(func() {
			s.run(ctx, s.bin, "payment", "start", "--order", n, "--mode", "manual", "--agent", agentEmail)
		})
	}
	wg.Wait()
	say("started: %d modify-content (card refunds), %d cancel-refund, %d collect-payment", len(modify), len(cancelRefund), len(collect))

	// Mid-run, refunds in flight at the provider: a worker dies without a
	// word, then the Temporal server restarts under everything.
	say("SIGKILL %s (pid %d) with %d of %d card refunds made at the provider so far", workers[0].name, workers[0].cmd.Process.Pid, len(s.sandbox.Refunds()), len(modify)+len(cancelRefund))
	_ = workers[0].cmd.Process.Signal(syscall.SIGKILL)
	<-workers[0].done
	say("restarting the Temporal server with %d of %d card refunds made", len(s.sandbox.Refunds()), len(modify)+len(cancelRefund))
	s.stopTemporal()
	s.startTemporal(ctx)
	say("Temporal server back on 127.0.0.1:%d", s.tport)

	// The cheques arrive while the worker is down. A collection whose first
	// step was the dead worker's does not await a payment until another
	// worker takes it over (its workflow task times out first): the agent
	// is refused, and tries again, as the refusal says.
	for i, n := range collect {
		args := []string{"payment", "record", "--order", n, "--amount", "50,80", "--means", "cheque", "--reference", fmt.Sprintf("10000%d", i), "--agent", agentEmail}
		for try := 1; ; try++ {
			cmd := exec.CommandContext(ctx, s.bin, args...)
			cmd.Dir, cmd.Env = s.dir, s.env
			out, err := cmd.CombinedOutput()
			if err == nil {
				break
			}
			if try == 30 {
				t.Fatalf("orderdesk %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			if try == 1 {
				say("cheque of %s refused for now: %s", n, strings.TrimSpace(string(out)))
			}
			time.Sleep(2 * time.Second)
		}
	}
	say("cheques recorded for the %d collect-payment orders", len(collect))

	// The dead worker comes back, as its supervisor would bring it.
	workers[0] = s.startWorker(ctx, "worker-1b")
	say("worker-1 restarted")

	// Every procedure ends, completed.
	expect := map[string]string{}
	for _, n := range modify {
		expect[n] = workflows.ProcModifyContent
	}
	for _, n := range cancelRefund {
		expect[n] = "cancel-refund"
	}
	for _, n := range collect {
		expect[n] = "collect-payment"
	}
	s.waitCompleted(ctx, expect)
	following.Wait()

	// Each money movement once: the provider made one refund per key, of
	// the amount the ledger confirms, and each cheque is one payment.
	s.checkMoney(ctx, modify, 1250)
	s.checkMoney(ctx, cancelRefund, 4390)
	s.checkPayments(ctx, collect)
	perPayment := map[string]int{}
	for _, r := range s.sandbox.Refunds() {
		perPayment[r.PaymentRef]++
		if c := s.sandbox.KeyCount(r.IdempotencyKey); c != 1 {
			t.Errorf("the provider holds %d refunds for key %s", c, r.IdempotencyKey)
		}
	}
	for ref, n := range perPayment {
		if n != 1 {
			t.Errorf("the provider made %d refunds of payment %s, want one", n, ref)
		}
	}
	say("done: %d procedures, each completed once, each refund and payment once", len(expect))
}

func (s *stack) startPostgres(ctx context.Context) {
	var err error
	for range 5 {
		port := freePort(s.t)
		s.pg, err = devstack.StartPostgres(ctx, devstack.PostgresOptions{Dir: filepath.Join(s.dir, "postgres"), Port: port, Durable: true})
		if !errors.Is(err, devstack.ErrPortTaken) {
			break
		}
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { _ = s.pg.Stop() })
	say("PostgreSQL running on 127.0.0.1:%d (durable, its own cluster)", s.pg.Port)
}

// writeServerConfig writes the server's configuration: PostgreSQL for
// persistence and visibility, every port one of its own.
func (s *stack) writeServerConfig() {
	ports := make([]int, 9)
	for i := range ports {
		ports[i] = freeLowPort(s.t, ports[:i])
	}
	s.tports = ports
	s.tport = ports[0]
	datastore := func(db string, conns int) string {
		return fmt.Sprintf(`      sql:
        pluginName: "postgres12"
        databaseName: %q
        connectAddr: "127.0.0.1:%d"
        connectProtocol: "tcp"
        user: "postgres"
        password: ""
        maxConns: %d
        maxIdleConns: %d
        maxConnLifetime: "1h"
`, db, s.pg.Port, conns, conns)
	}
	cfg := fmt.Sprintf(`log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
%s    postgres-visibility:
%sglobal:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:
    rpc: {grpcPort: %d, httpPort: %d, membershipPort: %d, bindOnLocalHost: true}
  history:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}
  matching:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}
  worker:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:%d"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: %q
  pollInterval: "10s"
`, datastore("temporal", 20), datastore("temporal_visibility", 4),
		ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7], ports[8], ports[0],
		filepath.Join(s.dir, "config", "dynamicconfig.yaml"))
	// What a production server of orderdesk's sets: eager activities, and
	// search attributes readable as soon as they are added.
	dyn := `system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
system.enableActivityEagerExecution:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
`
	if err := os.MkdirAll(filepath.Join(s.dir, "config"), 0o755); err != nil {
		s.t.Fatal(err)
	}
	for name, body := range map[string]string{"prodtest.yaml": cfg, "dynamicconfig.yaml": dyn} {
		if err := os.WriteFile(filepath.Join(s.dir, "config", name), []byte(body), 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}

// startTemporal starts the server and waits until its frontend answers.
func (s *stack) startTemporal(ctx context.Context) {
	t0 := time.Now()
	s.temporal = s.startProc(ctx, "temporal-server", nil, s.server, "--root", s.dir, "--config", "config", "--env", "prodtest", "--allow-no-auth", "start")
	s.t.Cleanup(s.stopTemporal)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		c, err := client.DialContext(ctx, client.Options{HostPort: fmt.Sprintf("127.0.0.1:%d", s.tport), Namespace: namespace, Logger: quiet{}})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				say("Temporal server %s on PostgreSQL answering on 127.0.0.1:%d (%s)", serverVersion, s.tport, time.Since(t0).Round(100*time.Millisecond))
				return
			}
		}
		select {
		case <-s.temporal.done:
			s.t.Fatalf("the Temporal server exited: %v\n%s", s.temporal.cmd.ProcessState, devstack.Tail(s.temporal.log, 30))
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the Temporal server does not answer: %v\n%s", err, devstack.Tail(s.temporal.log, 30))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func (s *stack) stopTemporal() {
	if s.temporal == nil {
		return
	}
	stopProc(s.temporal)
	s.temporal = nil
}

func (s *stack) dial(ctx context.Context) client.Client {
	c, err := client.DialContext(ctx, client.Options{HostPort: fmt.Sprintf("127.0.0.1:%d", s.tport), Namespace: namespace, Logger: quiet{}})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

func (s *stack) registerNamespace(ctx context.Context) {
	_, err := s.client.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: namespace, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour),
	})
	if err != nil && !strings.Contains(strings.ToLower(fmt.Sprintf("%T", err)), "alreadyexists") {
		s.t.Fatalf("registering the namespace: %v", err)
	}
	// The frontend's namespace cache refreshes on its own time.
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, PageSize: 1})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("namespace %s does not answer: %v", namespace, err)
		}
		time.Sleep(time.Second)
	}
	say("namespace %q registered", namespace)
}

// registerSearchAttributes registers what the procedures set (from the
// workflows package), and Procedure, the attribute procedures started
// before OrderProcedure carry.
func (s *stack) registerSearchAttributes(ctx context.Context) {
	want := map[string]enumspb.IndexedValueType{"Procedure": enumspb.INDEXED_VALUE_TYPE_KEYWORD}
	for k := range workflows.SearchAttributes().GetUntypedValues() {
		want[k.GetName()] = k.GetValueType()
	}
	_, err := s.client.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: want})
	if err != nil {
		s.t.Fatalf("registering the search attributes: %v", err)
	}
	resp, err := s.client.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		s.t.Fatal(err)
	}
	var names []string
	for name, typ := range want {
		if resp.CustomAttributes[name] != typ {
			s.t.Fatalf("search attribute %s is %v, want %v", name, resp.CustomAttributes[name], typ)
		}
		names = append(names, name+"="+typ.String())
	}
	say("search attributes registered: %s", strings.Join(names, " "))
}

func (s *stack) startWorker(ctx context.Context, name string) *proc {
	admin := freePort(s.t)
	p := s.startProc(ctx, name, []string{fmt.Sprintf("ORDERDESK_ADMIN_ADDR=127.0.0.1:%d", admin)}, s.bin, "worker")
	s.waitHTTP(ctx, fmt.Sprintf("http://127.0.0.1:%d/healthz", admin), p)
	say("%s healthy (pid %d, /healthz on 127.0.0.1:%d)", name, p.cmd.Process.Pid, admin)
	return p
}

func (s *stack) startProc(ctx context.Context, name string, env []string, bin string, args ...string) *proc {
	logPath := filepath.Join(s.dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = s.dir
	cmd.Env = append(append([]string{}, s.env...), env...)
	if bin == s.server {
		cmd.Env = os.Environ()
	}
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = devstack.ChildProcAttr()
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); f.Close(); close(p.done) }()
	return p
}

// stopProc stops a process as a supervisor does: SIGTERM, then SIGKILL.
func stopProc(p *proc) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// run runs a command to its end and fails the test if it fails.
func (s *stack) run(ctx context.Context, bin string, args ...string) string {
	return s.runStdin(ctx, "", bin, args...)
}

func (s *stack) runStdin(ctx context.Context, stdin, bin string, args ...string) string {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, bin, args...)
	cmd.Dir = s.dir
	cmd.Env = s.env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *stack) waitHTTP(ctx context.Context, url string, p *proc) {
	deadline := time.Now().Add(time.Minute)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		select {
		case <-p.done:
			s.t.Fatalf("%s exited: %v\n%s", p.name, p.cmd.ProcessState, devstack.Tail(p.log, 30))
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s does not answer %s: %v\n%s", p.name, url, err, devstack.Tail(p.log, 30))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// postOrder creates an order through the JSON API: 2 mugs at 12,50, a book
// at 23,90, 5,00 off, 6,90 shipping (free from 60,00): 50,80 in all.
func (s *stack) postOrder(ctx context.Context, number, method string, paid bool) string {
	body := map[string]any{
		"number":           number,
		"customer":         map[string]any{"name": "Camille Martin", "email": "camille@example.fr", "phone": "+33 6 12 34 56 78", "locale": "fr"},
		"billing_address":  map[string]any{"name": "Camille Martin", "line1": "12 rue des Lilas", "postal_code": "69003", "city": "Lyon", "country": "FR"},
		"delivery_address": map[string]any{"name": "Camille Martin", "line1": "12 rue des Lilas", "postal_code": "69003", "city": "Lyon", "country": "FR"},
		"payment_method":   method,
		"shipping_rules":   map[string]any{"method": "Colissimo domicile", "fee_cents": 690, "free_from_cents": 6000, "vat_rate_bp": 2000},
		"discount":         map[string]any{"kind": "fixed", "code": "BIENVENUE5", "amount_cents": 500},
		"lines": []map[string]any{
			{"sku": "MUG-01", "name": "Mug Tour Eiffel", "unit_price_cents": 1250, "quantity": 2, "vat_rate_bp": 2000, "physical": true},
			{"sku": "BOOK-01", "name": "Livre de cuisine lyonnaise", "unit_price_cents": 2390, "quantity": 1, "vat_rate_bp": 550, "physical": true},
		},
		"total_cents": 5080,
	}
	if paid {
		body["payment"] = map[string]any{"amount_cents": 5080, "reference": "pi_" + strings.ReplaceAll(strings.ToLower(number), "-", "")}
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.webURL+"/api/orders", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("POST /api/orders %s: %d %s", number, resp.StatusCode, out)
	}
	return number
}

// waitCompleted waits until each order's procedure of the expected type has
// completed, and fails on any of their workflows that failed, timed out or
// was terminated.
func (s *stack) waitCompleted(ctx context.Context, expect map[string]string) {
	deadline := time.Now().Add(5 * time.Minute)
	last := ""
	for {
		done, pending := 0, []string{}
		for number, typ := range expect {
			resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
				Namespace: namespace, Query: fmt.Sprintf("OrderNumber = %q", number),
			})
			if err != nil {
				pending = append(pending, number+": "+err.Error())
				continue
			}
			completed := 0
			for _, e := range resp.Executions {
				switch e.Status {
				case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
					s.t.Fatalf("%s's %s (%s) ended %v", number, e.Type.GetName(), e.Execution.GetWorkflowId(), e.Status)
				case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
					if e.Type.GetName() == typ {
						completed++
					}
				}
			}
			switch {
			case completed == 1:
				done++
			case completed > 1:
				s.t.Fatalf("%s has %d completed %s procedures, want one", number, completed, typ)
			default:
				pending = append(pending, number+" ("+typ+")")
			}
		}
		if line := fmt.Sprintf("%d/%d procedures completed", done, len(expect)); line != last {
			say("%s", line)
			last = line
		}
		if len(pending) == 0 {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("not completed after 5 min: %v (logs in %s)", pending, s.dir)
		}
		time.Sleep(time.Second)
	}
}

// checkMoney: each order's refund went once to the provider, of want
// cents, and the ledger confirms it once.
func (s *stack) checkMoney(ctx context.Context, numbers []string, want int64) {
	conn, err := pgx.Connect(ctx, s.pg.URL("orderdesk"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, n := range numbers {
		ref := "pi_" + strings.ReplaceAll(strings.ToLower(n), "-", "")
		if got := s.sandbox.Refunded(ref); got != want {
			s.t.Errorf("%s: the provider refunded %d cents, want %d", n, got, want)
		}
		var confirmed, count int64
		if err := conn.QueryRow(ctx, `SELECT coalesce(sum(le.amount_cents), 0), count(*) FROM ledger_entries le JOIN orders o ON o.id = le.order_id
			WHERE o.number = $1 AND le.kind = 'refund_confirmed'`, n).Scan(&confirmed, &count); err != nil {
			s.t.Fatal(err)
		}
		if confirmed != want || count != 1 {
			s.t.Errorf("%s: the ledger confirms %d refunds of %d cents in all, want one of %d", n, count, confirmed, want)
		}
	}
	say("refunds: %d orders, each refunded once at the provider and once in the ledger (%d cents each)", len(numbers), want)
}

// checkPayments: each cheque is one payment in the ledger.
func (s *stack) checkPayments(ctx context.Context, numbers []string) {
	conn, err := pgx.Connect(ctx, s.pg.URL("orderdesk"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, n := range numbers {
		var received, count int64
		if err := conn.QueryRow(ctx, `SELECT coalesce(sum(le.amount_cents), 0), count(*) FROM ledger_entries le JOIN orders o ON o.id = le.order_id
			WHERE o.number = $1 AND le.kind = 'payment_received'`, n).Scan(&received, &count); err != nil {
			s.t.Fatal(err)
		}
		if received != 5080 || count != 1 {
			s.t.Errorf("%s: the ledger has %d payments of %d cents in all, want one of 5080", n, count, received)
		}
	}
	say("payments: %d cheques, each received once in the ledger", len(numbers))
}

func freePort(t *testing.T) int {
	p, err := devstack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// freeLowPort is a free port below Linux's ephemeral range: the server
// stores its membership ports as PostgreSQL smallints (at most 32767), and
// no outgoing connection takes a port there meanwhile.
func freeLowPort(t *testing.T, taken []int) int {
	for range 200 {
		n, _ := rand.Int(rand.Reader, big.NewInt(12000))
		port := 20000 + int(n.Int64())
		if slices.Contains(taken, port) {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	t.Fatal("no free port between 20000 and 32000")
	return 0
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// quiet keeps the SDK's own logging out of the progress lines.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
