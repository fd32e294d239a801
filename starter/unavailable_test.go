package starter_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// closedPort is an address on this machine where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// With Temporal unreachable, starting a procedure fails within the call
// deadline with an error that names Temporal, and nothing is written.
func TestStartWithTemporalUnreachableIsTypedUnavailable(t *testing.T) {
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	o := insertCardOrder(t, st, "C-2026-000901", order.LogisticsAwaitingPrinting)
	c, err := client.NewLazyClient(client.Options{HostPort: closedPort(t), Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	require.NoError(t, err)
	defer c.Close()
	s := starter.New(c, st)

	t0 := time.Now()
	_, err = s.ModifyContent(context.Background(), starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: "r1", Agent: "marie@boutique.fr", Channel: order.ContactPhone,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 1}}},
	})
	took := time.Since(t0)
	var ue *starter.UnavailableError
	require.ErrorAs(t, err, &ue, "got %v", err)
	require.Equal(t, starter.Temporal, ue.Service)
	require.Less(t, took, starter.DefaultCallTimeout+2*time.Second, "the starter waited %s", took)
	var fe *order.FieldError
	require.False(t, errors.As(err, &fe), "an unreachable Temporal is no refusal: %v", err)

	events, err := st.ListEvents(context.Background(), o.ID)
	require.NoError(t, err)
	for _, e := range events {
		require.Empty(t, e.WorkflowID, "nothing was started, yet the history has %+v", e)
	}
}

// What a request names and does not exist is ErrNotFound, whatever else
// it is (a refusal of the field "order", ErrNoProcedure).
func TestNotFoundIsTyped(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	_, err := s.starter.Progress(ctx, "modify-content/C-2026-000404/nope")
	require.ErrorIs(t, err, starter.ErrNoProcedure)
	require.ErrorIs(t, err, starter.ErrNotFound)

	_, err = s.starter.CancelRefund(ctx, starter.CancelRefundRequest{OrderNumber: "C-2026-000404", RequestID: "r", Agent: "marie@boutique.fr"})
	require.ErrorIs(t, err, starter.ErrNotFound)
	var fe *order.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "order", fe.Field)
	_, down := starter.Unavailable(err)
	require.False(t, down)
}

// hungPort is an address where a server accepts connections and never
// says anything: a Temporal that hangs.
func hungPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	conns := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for {
			select {
			case c := <-conns:
				c.Close()
			default:
				return
			}
		}
	})
	return l.Addr().String()
}

// An agent's answer with Temporal unreachable, or hung, is refused within
// the call deadline (not the Update's) with an error naming Temporal, and
// the task stays open for the answer to be given again.
func TestAnswerWithTemporalAwayIsTypedUnavailableAndFast(t *testing.T) {
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	o := insertCardOrder(t, st, "C-2026-000902", order.LogisticsAwaitingPrinting)
	task, err := st.CreateTask(context.Background(), store.Task{
		Key: "modify-content/C-2026-000902/r1/task/refund", OrderID: o.ID, WorkflowID: "modify-content/C-2026-000902/r1",
		Kind: workflows.TaskRefundByHand, Question: "Rembourser 5,60 € à la main ?", Amount: 560,
		Options: []string{workflows.AnswerRefundDone, workflows.AnswerRefundImpossible},
	})
	require.NoError(t, err)
	for name, addr := range map[string]func(*testing.T) string{"nothing listens": closedPort, "nothing answers": hungPort} {
		t.Run(name, func(t *testing.T) {
			c, err := client.NewLazyClient(client.Options{HostPort: addr(t), Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))})
			require.NoError(t, err)
			defer c.Close()
			s := starter.New(c, st)

			t0 := time.Now()
			err = s.AnswerTask(context.Background(), workflows.TaskAnswer{TaskID: task.ID, Agent: "marie@boutique.fr", Outcome: workflows.AnswerRefundDone})
			took := time.Since(t0)
			var ue *starter.UnavailableError
			require.ErrorAs(t, err, &ue, "got %v", err)
			require.Equal(t, starter.Temporal, ue.Service)
			require.Less(t, took, starter.DefaultCallTimeout+2*time.Second, "the answer waited %s", took)
			again, err := st.GetTask(context.Background(), task.ID)
			require.NoError(t, err)
			require.Equal(t, store.TaskOpen, again.Status)
		})
	}
}
