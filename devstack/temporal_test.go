package devstack

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

func TestSearchAttributeFlags(t *testing.T) {
	got := SearchAttributeFlags()
	want := []string{"AwaitingAgent=Bool", "OrderNumber=Keyword", "OrderProcedure=Keyword"}
	if !slices.Equal(got, want) {
		t.Fatalf("SearchAttributeFlags() = %v, want %v", got, want)
	}
}

func TestTemporalCLIMissing(t *testing.T) {
	t.Setenv("TEMPORAL_CLI", "")
	_, err := TemporalCLI(t.TempDir())
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("make temporal")) {
		t.Fatalf("TemporalCLI on an empty dir: err = %v, want one that says to run make temporal", err)
	}
}

// syncBuffer collects the server's output, written from the process's
// output goroutine while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStartTemporalKeepsState runs the dev server on a SQLite file, starts a
// workflow, stops the server and starts it again on the same file: the
// workflow is still there and the search attributes still registered, as
// a second `make dev` needs.
func TestStartTemporalKeepsState(t *testing.T) {
	t.Parallel()
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := TemporalCLI(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	db := filepath.Join(t.TempDir(), "state", "temporal.db")
	var log syncBuffer
	opts := TemporalOptions{Bin: bin, DBFile: db, Log: &log}

	t1, err := StartTemporal(ctx, opts)
	if err != nil {
		t.Fatalf("first start: %v\n%s", err, log.String())
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: t1.HostPort})
	if err != nil {
		t.Fatal(err)
	}
	// The data of an earlier version: its procedures carried the attributes
	// Procedure and CustomerEmail, since retired.
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: "default",
		SearchAttributes: map[string]enumspb.IndexedValueType{
			"Procedure": enumspb.INDEXED_VALUE_TYPE_KEYWORD, "CustomerEmail": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		},
	}); err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "devstack-test", TaskQueue: "nobody-polls",
		TypedSearchAttributes: temporal.NewSearchAttributes(temporal.NewSearchAttributeKeyKeyword("Procedure").ValueSet("modify-content")),
	}, "modify-content")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := t1.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("no SQLite file after the first run: %v", err)
	}

	t2, err := StartTemporal(ctx, opts)
	if err != nil {
		t.Fatalf("second start on the same file: %v\n%s", err, log.String())
	}
	defer t2.Stop()
	c, err = client.DialContext(ctx, client.Options{HostPort: t2.HostPort})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	desc, err := c.DescribeWorkflowExecution(ctx, "devstack-test", run.GetRunID())
	if err != nil {
		t.Fatalf("the workflow started before the restart is gone: %v", err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus().String(); st != "Running" {
		t.Errorf("workflow status after restart = %s, want Running", st)
	}
	sas, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	// Today's attributes are registered on the earlier data, and its own
	// are kept, so its procedures are still found.
	for _, name := range []string{"OrderNumber", "OrderProcedure", "AwaitingAgent", "Procedure", "CustomerEmail"} {
		if _, ok := sas.GetCustomAttributes()[name]; !ok {
			t.Errorf("search attribute %s not registered after restart", name)
		}
	}
	// An operator's plain query on the procedure's attribute is accepted
	// (the retired name is a reserved word of the list filter), and the
	// earlier procedure is found by its type.
	ids := func(query string) []string {
		t.Helper()
		res, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: query})
		if err != nil {
			t.Fatalf("query %s: %v", query, err)
		}
		var out []string
		for _, e := range res.GetExecutions() {
			out = append(out, e.GetExecution().GetWorkflowId())
		}
		return out
	}
	ids(`OrderProcedure = "modify-content"`)
	if got := ids(`WorkflowType = "modify-content"`); !slices.Equal(got, []string{"devstack-test"}) {
		t.Errorf("WorkflowType = \"modify-content\" found %v, want the earlier procedure", got)
	}
	if _, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: `Procedure = "modify-content"`}); err == nil {
		t.Log("the server now accepts Procedure unquoted")
	}
}

// TestStartTemporalPortInUse: a port already taken (a first make dev still
// running) is a clear error, not a server that dies later.
func TestStartTemporalPortInUse(t *testing.T) {
	t.Parallel()
	root, _ := ModuleRoot(".")
	bin, err := TemporalCLI(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t1, err := StartTemporal(ctx, TemporalOptions{Bin: bin})
	if err != nil {
		t.Fatal(err)
	}
	defer t1.Stop()
	_, port, _ := strings.Cut(t1.HostPort, ":")
	p, _ := strconv.Atoi(port)
	_, err = StartTemporal(ctx, TemporalOptions{Bin: bin, Port: p})
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("second server on port %d: err = %v, want 'already in use'", p, err)
	}
}

// TestStartTemporalDiesAtStartUp: a server that dies during start-up (a
// port taken between the dev server's choice and its bind) is started
// again; when it keeps dying, the error shows the end of its output rather
// than pointing at a log the caller may have deleted. Not parallel: a
// script written while another test forks can fail to run with "text file
// busy" (golang.org/issue/22315).
func TestStartTemporalDiesAtStartUp(t *testing.T) {
	dir := t.TempDir()
	count := filepath.Join(dir, "starts")
	bin := filepath.Join(dir, "temporal")
	script := "#!/bin/sh\necho x >> " + count + "\necho 'panic: listen tcp 127.0.0.1:41234: bind: address already in use' >&2\nexit 2\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := StartTemporal(ctx, TemporalOptions{Bin: bin, Headless: true, Log: &log})
	if err == nil {
		t.Fatal("a server that always dies was reported started")
	}
	for _, want := range []string{"exited during start-up", "exit status 2", "address already in use", "after 3 attempts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	b, _ := os.ReadFile(count)
	if n := strings.Count(string(b), "x"); n != startAttempts {
		t.Errorf("the server was started %d times, want %d", n, startAttempts)
	}
	if !strings.Contains(log.String(), "starting it again") {
		t.Errorf("the log does not say the server is started again:\n%s", log.String())
	}
}
