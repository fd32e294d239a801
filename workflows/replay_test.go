package workflows_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/workflows"
)

// TestReplayRecordedHistories replays histories recorded from real runs
// (make record-histories) against today's code: a change that would break
// a procedure in flight fails here, and must go behind workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded histories in testdata (%v): run make record-histories", err)
	}
	r := worker.NewWorkflowReplayer()
	for _, p := range workflows.Procedures() {
		r.RegisterWorkflowWithOptions(p.Func, workflow.RegisterOptions{Name: p.Name})
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			id, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".id")
			if err != nil {
				t.Fatalf("%s has no recorded workflow id: %v", f, err)
			}
			raw, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			h, err := client.HistoryFromJSON(raw, client.HistoryJSONOptions{})
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			opts := worker.ReplayWorkflowHistoryOptions{OriginalExecution: workflow.Execution{ID: strings.TrimSpace(string(id))}}
			if err := r.ReplayWorkflowHistoryWithOptions(quiet, h, opts); err != nil {
				t.Fatalf("%s no longer replays: %v", f, err)
			}
		})
	}
}

var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
