package starter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
)

// recordHistory writes a finished procedure's history to workflows/testdata
// when ORDERDESK_RECORD_HISTORY=1 (make record-histories), so the replay
// test there proves a changed workflow still replays what ran before.
func recordHistory(t *testing.T, c client.Client, workflowID, name string) {
	t.Helper()
	if os.Getenv("ORDERDESK_RECORD_HISTORY") != "1" {
		return
	}
	var h historypb.History
	it := c.GetWorkflowHistory(context.Background(), workflowID, "", false, 0)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		h.Events = append(h.Events, ev)
	}
	// The tests' payloads are encrypted with a key of this test process
	// (devstacktest.Codec): the recording keeps them decoded, so the replay
	// test reads them whatever its key, as it reads those recorded before
	// the codec.
	require.NoError(t, proxy.VisitPayloads(context.Background(), &h, proxy.VisitPayloadsOptions{
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return devstacktest.Codec().Decode(ps)
		},
	}))
	data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(&h)
	require.NoError(t, err)
	path := filepath.Join("..", "workflows", "testdata", name+".json")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
	// Child ids derive from the parent's: the replay needs the original id.
	require.NoError(t, os.WriteFile(strings.TrimSuffix(path, ".json")+".id", []byte(workflowID+"\n"), 0o644))
	t.Logf("recorded %s", path)
}
