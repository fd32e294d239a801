package devstack_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestStackRestart is `make dev` twice on the same data directory, the
// second time after a change: the first start creates the cluster and
// loads the demo, the second finds the data as it was left and loads
// nothing; Stop leaves no server running.
func TestStackRestart(t *testing.T) {
	t.Parallel()
	root, err := devstack.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL runs as the postgres user when we are root: it must be
	// able to enter the data directory (t.TempDir is 0700).
	dataDir, err := os.MkdirTemp("", "orderdesk-stacktest-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dataDir)
	if err := os.Chmod(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := devstack.StackOptions{ModuleRoot: root, DataDir: dataDir, Progress: testWriter{t}}
	for _, p := range []*int{&opts.PostgresPort, &opts.TemporalPort, &opts.TemporalUIPort} {
		if *p, err = devstack.FreePort(); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	start := time.Now()
	s1, err := devstack.StartStack(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cold start: %s", time.Since(start))
	if s1.DemoOrders < 24 || len(s1.Migrations) == 0 {
		t.Errorf("first start: %d demo orders, migrations %v", s1.DemoOrders, s1.Migrations)
	}
	if !strings.HasPrefix(s1.DatabaseURL, "postgres://") || s1.TemporalUIURL == "" {
		t.Errorf("first start: database %q, Temporal UI %q", s1.DatabaseURL, s1.TemporalUIURL)
	}
	st, err := store.Open(ctx, s1.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.GetOrder(ctx, devstack.DemoOrderNumber)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddEvent(ctx, store.Event{OrderID: o.ID, ActorKind: store.ActorAgent, Actor: "test@shop.fr", Kind: "note", Message: "survit au redémarrage"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := s1.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "postgres", "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("PostgreSQL still running after Stop (postmaster.pid: %v)", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "orderdesk-dev.pid")); !os.IsNotExist(err) {
		t.Errorf("pid file left after Stop: %v", err)
	}

	start = time.Now()
	s2, err := devstack.StartStack(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Stop()
	t.Logf("warm start: %s", time.Since(start))
	if s2.DemoOrders != 0 || len(s2.Migrations) != 0 {
		t.Errorf("second start: %d demo orders, migrations %v; want none", s2.DemoOrders, s2.Migrations)
	}
	st, err = store.Open(ctx, s2.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	events, err := st.ListEvents(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Message != "survit au redémarrage" {
		t.Errorf("the note written before the restart is gone: last event %+v", last)
	}
}

// testWriter sends the stack's progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestTestServer: the tests' Temporal server answers, with orderdesk's
// search attributes, and each call gets a client of its own.
func TestTestServer(t *testing.T) {
	c, hostPort := devstacktest.Temporal(t)
	c2, hostPort2 := devstacktest.Temporal(t)
	if hostPort != hostPort2 {
		t.Errorf("two servers in one test process: %s and %s", hostPort, hostPort2)
	}
	c2.Close() // closing one client leaves the other working
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for k := range workflows.SearchAttributes().GetUntypedValues() {
		if _, ok := resp.GetCustomAttributes()[k.GetName()]; !ok {
			t.Errorf("search attribute %s not registered on the test server", k.GetName())
		}
	}
}
