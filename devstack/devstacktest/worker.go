package devstacktest

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/worker"
)

// Worker runs an orderdesk worker for the test on the shared test Temporal
// server, on a task queue of the test's own (so tests in one process never
// take each other's tasks), and stops it when the test ends. It returns the
// client and the queue, for the test's starter.
func Worker(tb testing.TB, deps worker.Deps) (client.Client, string) {
	tb.Helper()
	c, _ := Temporal(tb)
	queue := "test-" + strings.ReplaceAll(tb.Name(), "/", "-")
	w := worker.New(c, deps, worker.Options{TaskQueue: queue})
	if err := w.Start(); err != nil {
		tb.Fatalf("devstacktest: starting a worker on %s: %v", queue, err)
	}
	tb.Cleanup(w.Stop)
	return c, queue
}
