package worker_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/worker"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }

// A worker stopped as soon as it started (a deploy that changes its mind,
// a test) stops cleanly, its outbox sender with it, however soon the stop
// comes after the start.
func TestAWorkerStoppedAsSoonAsItStartedStopsCleanly(t *testing.T) {
	st := devstacktest.NewStore(t)
	c, _ := devstacktest.Temporal(t)
	for i := range 30 {
		w := worker.New(c, worker.Deps{Store: st, Sender: mail.DevSender{}}, worker.Options{TaskQueue: fmt.Sprintf("stopped-at-once-%d", i)})
		require.NoError(t, w.Start())
		w.Stop()
	}
}
