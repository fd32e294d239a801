package starter_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// roundTrips counts the round trips to PostgreSQL: a statement alone is
// one, a batch of statements is one.
type roundTrips struct {
	mu  sync.Mutex
	n   int
	sql []string
}

func (r *roundTrips) count(sql string) {
	// The outbox sender's look for due emails runs on its timer, not
	// for a procedure.
	if strings.Contains(sql, "WITH claimed AS") {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	r.sql = append(r.sql, strings.Join(strings.Fields(sql), " "))
}

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.count(d.SQL)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	r.count("batch")
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

func (r *roundTrips) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n, r.sql = 0, nil
}

// A modify-content with a card refund, from the agent's start to its end,
// asks PostgreSQL little: every step reads and writes in as few round
// trips as it can (an order with its lines at once, a hold with its
// history line in one statement, a refund's reads and writes in one batch
// each). It took 61 round trips; it takes 30. The budget leaves room
// for the email the outbox sender may send before the end is seen.
func TestModifyContentTakesFewRoundTripsToTheDatabase(t *testing.T) {
	t.Parallel()
	_, reg := provider(t, sandbox.Options{})
	ctx := context.Background()
	rt := &roundTrips{}
	st, err := store.Open(ctx, devstacktest.NewDatabase(t), store.Options{Tracer: rt})
	require.NoError(t, err)
	t.Cleanup(st.Close)
	devstacktest.AddAgents(t, st)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Payments: reg, Shop: activities.Shop{Seller: testSeller}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue})

	for i, number := range []string{"C-2026-000981", "C-2026-000982"} {
		o := insertCardOrder(t, st, number, order.LogisticsAwaitingPrinting)
		rt.reset()
		// A request id of this run's own: a test run again (-count) on
		// the same Temporal server starts its procedures anew.
		run, err := s.ModifyContent(ctx, removeOneMug(o, fmt.Sprintf("round-trips-%d", time.Now().UnixNano())))
		require.NoError(t, err)
		var res workflows.ModifyContentResult
		require.NoError(t, s.Result(ctx, run.WorkflowID, &res))
		require.Equal(t, activities.OutcomeRefunded, res.Outcome)
		rt.mu.Lock()
		n, sql := rt.n, rt.sql
		rt.mu.Unlock()
		if i == 0 {
			continue // the first run prepares the statements
		}
		t.Logf("one modify-content with a card refund: %d round trips to PostgreSQL", n)
		require.GreaterOrEqual(t, n, 10, "the procedure's steps were not counted")
		require.LessOrEqualf(t, n, 40, "one modify-content with a card refund took %d round trips to PostgreSQL:\n%s", n, strings.Join(sql, "\n"))
	}
}
