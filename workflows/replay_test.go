package workflows_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/codec"
	"github.com/orderdesk/orderdesk/workflows"
)

// registered is every workflow the worker registers: the procedures and
// the jobs.
func registered() []workflows.Procedure {
	return append(workflows.Procedures(), workflows.Jobs()...)
}

// recording is one recorded history of testdata, with the workflow id it
// ran under.
type recording struct {
	name    string
	id      string
	history *historypb.History
}

// recordings reads every history make record-histories wrote.
func recordings(t *testing.T) []recording {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded histories in testdata (%v): run make record-histories", err)
	}
	var out []recording
	for _, f := range files {
		id, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".id")
		if err != nil {
			t.Fatalf("%s has no recorded workflow id: %v", f, err)
		}
		raw, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		h, err := client.HistoryFromJSON(raw, client.HistoryJSONOptions{})
		raw.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(h.GetEvents()) == 0 || h.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes() == nil {
			t.Fatalf("%s does not begin with the start of a workflow", f)
		}
		out = append(out, recording{name: strings.TrimSuffix(filepath.Base(f), ".json"), id: strings.TrimSpace(string(id)), history: h})
	}
	return out
}

func (r recording) workflowType() string {
	return r.history.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()
}

// completed says whether the recorded run went to its end and returned.
func (r recording) completed() bool {
	ev := r.history.GetEvents()
	return ev[len(ev)-1].GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
}

// TestReplayRecordedHistories replays histories recorded from real runs
// (make record-histories) against today's code: a change that would break
// a procedure in flight fails here, and must go behind workflow.GetVersion.
//
// The replayer converts as the worker does, through the payload codec:
// the recorded histories are in clear (recorded before the codec, or
// decoded when recorded), and the codec passes a payload that is not
// encrypted through as it is.
func TestReplayRecordedHistories(t *testing.T) {
	c, err := codec.New("a replay key", codec.NewKey("replay"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: c.DataConverter(), FailureConverter: c.FailureConverter()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range registered() {
		r.RegisterWorkflowWithOptions(p.Func, workflow.RegisterOptions{Name: p.Name})
	}
	for _, rec := range recordings(t) {
		t.Run(rec.name, func(t *testing.T) {
			opts := worker.ReplayWorkflowHistoryOptions{OriginalExecution: workflow.Execution{ID: rec.id}}
			if err := r.ReplayWorkflowHistoryWithOptions(quiet, rec.history, opts); err != nil {
				t.Fatalf("%s no longer replays: %v", rec.name, err)
			}
		})
	}
}

// TestEveryWorkflowTypeHasARecordedHistory: each workflow the worker
// registers has at least one recorded run that went to its end, so the
// replay test guards it; a new procedure (or job) fails here until a
// starter test records one (recordHistory, in the list of make
// record-histories). A recording of a type no longer registered fails too.
func TestEveryWorkflowTypeHasARecordedHistory(t *testing.T) {
	recs := recordings(t)
	var names []string
	for _, p := range registered() {
		names = append(names, p.Name)
	}
	for _, rec := range recs {
		if !slices.Contains(names, rec.workflowType()) {
			t.Errorf("testdata/%s.json is a run of %q, which the worker no longer registers", rec.name, rec.workflowType())
		}
	}
	for _, name := range names {
		var found, done []string
		for _, rec := range recs {
			if rec.workflowType() == name {
				found = append(found, rec.name)
				if rec.completed() {
					done = append(done, rec.name)
				}
			}
		}
		switch {
		case len(found) == 0:
			t.Errorf("workflow %q has no recorded history in testdata: record a run of it in a starter test (recordHistory) run by make record-histories", name)
		case len(done) == 0:
			t.Errorf("workflow %q has recorded histories (%s), none of a run that completed: record one of its main path", name, strings.Join(found, ", "))
		}
	}
}

var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
