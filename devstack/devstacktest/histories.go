package devstacktest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// PlainClient is a client of the test Temporal server without the codec:
// it reads what the Web UI shows a reader without the codec endpoint, and
// what it sends is in clear. Closed when the test ends.
func PlainClient(tb testing.TB) client.Client {
	tb.Helper()
	Temporal(tb) // the server is up
	c, err := client.NewClientFromExistingWithContext(context.Background(), temporalBase, client.Options{
		Namespace: temporalSrv.Namespace,
		Logger:    quietTemporalLogger(),
	})
	if err != nil {
		tb.Fatalf("devstacktest: a Temporal client without the codec: %v", err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Leak is a place of a history where one of the strings looked for is
// in clear.
type Leak struct {
	WorkflowID string
	RunID      string
	EventID    int64
	EventType  string
	Where      string // "payload", "memo", "search attribute", "failure message", "failure stack trace" or "event" (elsewhere in it)
	Found      string
}

func (l Leak) String() string {
	return fmt.Sprintf("%s (run %s) event %d %s: %q in a %s", l.WorkflowID, l.RunID, l.EventID, l.EventType, l.Found, l.Where)
}

// HistoryLeaks reads every history of the test Temporal server's namespace
// as a client without the codec would (the Web UI, the API, `temporal
// workflow show`: the raw events), and returns every place one of the
// strings appears in clear: a payload (inputs, results, update arguments,
// activity inputs and results, signals, markers), a memo, a search
// attribute, a failure's message or stack trace, or else anywhere in the
// event's bytes. query narrows the workflows (a visibility query; ""
// for all of them).
func HistoryLeaks(tb testing.TB, query string, strs ...string) []Leak {
	tb.Helper()
	raw := PlainClient(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var leaks []Leak
	var token []byte
	for {
		resp, err := raw.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token, PageSize: 200})
		if err != nil {
			tb.Fatalf("devstacktest: listing the workflows (%q): %v", query, err)
		}
		for _, e := range resp.GetExecutions() {
			id, run := e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId()
			it := raw.GetWorkflowHistory(ctx, id, run, false, 0)
			for it.HasNext() {
				ev, err := it.Next()
				if err != nil {
					tb.Fatalf("devstacktest: history of %s: %v", id, err)
				}
				for _, l := range eventLeaks(ctx, tb, ev, strs) {
					l.WorkflowID, l.RunID = id, run
					leaks = append(leaks, l)
				}
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return leaks
		}
	}
}

// eventLeaks finds the strings in one event, saying where.
func eventLeaks(ctx context.Context, tb testing.TB, ev *historypb.HistoryEvent, strs []string) []Leak {
	var out []Leak
	found := map[string]bool{}
	add := func(where string, b []byte) {
		for _, s := range strs {
			if s != "" && bytes.Contains(b, []byte(s)) {
				found[s] = true
				out = append(out, Leak{EventID: ev.GetEventId(), EventType: ev.GetEventType().String(), Where: where, Found: s})
			}
		}
	}
	err := proxy.VisitPayloads(ctx, ev, proxy.VisitPayloadsOptions{
		Visitor: func(vc *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			where := "payload"
			switch vc.Parent.(type) {
			case *commonpb.SearchAttributes:
				where = "search attribute"
			case *commonpb.Memo:
				where = "memo"
			}
			for _, p := range ps {
				b, err := p.Marshal()
				if err != nil {
					return nil, err
				}
				add(where, b)
			}
			return ps, nil
		},
	})
	if err != nil {
		tb.Fatalf("devstacktest: reading the payloads of event %d: %v", ev.GetEventId(), err)
	}
	err = proxy.VisitFailures(ctx, ev, proxy.VisitFailuresOptions{
		Visitor: func(_ *proxy.VisitFailuresContext, f *failurepb.Failure) error {
			add("failure message", []byte(f.GetMessage()))
			add("failure stack trace", []byte(f.GetStackTrace()))
			return nil
		},
	})
	if err != nil {
		tb.Fatalf("devstacktest: reading the failures of event %d: %v", ev.GetEventId(), err)
	}
	// Anything else of the event (an id, a name) that holds a string.
	all, err := ev.Marshal()
	if err != nil {
		tb.Fatalf("devstacktest: event %d: %v", ev.GetEventId(), err)
	}
	for _, s := range strs {
		if s != "" && !found[s] && bytes.Contains(all, []byte(s)) {
			out = append(out, Leak{EventID: ev.GetEventId(), EventType: ev.GetEventType().String(), Where: "event", Found: s})
		}
	}
	return out
}
