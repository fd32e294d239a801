package starter_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
)

// TestConcurrentCollectionsNumberInvoicesWithoutGap is the gap-free numbering
// at the procedure level: 200 orders awaiting payment, collected at
// the terminal by collect-payment procedures started through the starter as
// the UI and the CLI start them, 20 at a time, each issuing its invoice on
// its own. The database then holds 200 invoices numbered F-<year>-000001 to
// F-<year>-000200, each number once, one per order, each for its order's
// total. The test's database is a fresh clone of the migrated template, so
// the year's counter starts at zero.
//
// The terminal mode issues the invoice and, not asked to email it, goes
// straight to waiting for the payment: nothing else runs between the start
// and the invoice. The procedures still wait for their payment when the
// test is done, so it terminates them.
func TestConcurrentCollectionsNumberInvoicesWithoutGap(t *testing.T) {
	t.Parallel()
	const (
		procedures = 200
		concurrent = 20
		agent      = "marie@boutique.fr"
	)
	ctx := context.Background()
	dbURL := devstacktest.NewDatabase(t)
	st, err := store.Open(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	db, err := pgxpool.New(ctx, dbURL) // to read the tables as they are, not through the store
	require.NoError(t, err)
	t.Cleanup(db.Close)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}, Shop: testShop})
	// 200 starts, 20 at a time, on a machine that runs every other test
	// meanwhile: the call deadline is a bound on a hung server here, not
	// the UI's promptness (DefaultCallTimeout), which this test is not about.
	collector := starter.NewCollector(starter.New(c, st, starter.Options{TaskQueue: queue, CallTimeout: 30 * time.Second}), st, starter.CollectOptions{Seller: testShop.Seller})

	orders := make([]order.Order, procedures)
	for i := range orders {
		orders[i] = insertTerminalOrder(t, st, fmt.Sprintf("C-2026-%06d", 7000+i), i)
	}

	// Registered after the worker, so it runs before the worker stops: a
	// failed test leaves nothing running either.
	var (
		mu      sync.Mutex
		started []string
	)
	t.Cleanup(func() {
		if err := terminateAll(c, started); err != nil {
			t.Errorf("stopping the procedures: %v", err)
		}
	})

	type issued struct {
		workflowID, invoice string
		latency             time.Duration
	}
	got := make([]issued, procedures)
	errs := make([]error, concurrent)
	var wg sync.WaitGroup
	begin := time.Now()
	for w := range concurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One procedure after the other: 20 issue invoices at any time.
			for k := w; k < procedures; k += concurrent {
				o, t0 := orders[k], time.Now()
				run, err := collector.StartCollection(ctx, starter.CollectRequest{
					OrderNumber: o.Number, RequestID: "concurrent", Agent: agent, Mode: activities.CollectTerminal,
				})
				if err != nil {
					errs[w] = fmt.Errorf("starting the collection of %s: %w", o.Number, err)
					return
				}
				mu.Lock()
				started = append(started, run.WorkflowID)
				mu.Unlock()
				number, err := awaitInvoice(ctx, collector, o.Number, 2*time.Minute) // a bound on a hung procedure, not a timing assertion
				if err != nil {
					errs[w] = err
					return
				}
				got[k] = issued{workflowID: run.WorkflowID, invoice: number, latency: time.Since(t0)}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	require.NoError(t, errors.Join(errs...))
	latencies := make([]time.Duration, procedures)
	for i, g := range got {
		latencies[i] = g.latency
	}
	slices.Sort(latencies)
	t.Logf("%d invoices from %d procedures, %d at a time: %s, %.1f invoices/s (start to invoice: median %s, max %s)",
		procedures, procedures, concurrent, elapsed.Round(time.Millisecond), float64(procedures)/elapsed.Seconds(),
		latencies[procedures/2].Round(time.Millisecond), latencies[procedures-1].Round(time.Millisecond))

	// Every invoice, from the tables.
	type row struct {
		Number      string
		Year        int
		Seq         int64
		OrderNumber string
		WorkflowID  string
		Total       int64
		OrderTotal  int64
	}
	rows, err := db.Query(ctx, `
		SELECT i.number, i.year, i.seq, o.number AS order_number, i.workflow_id, i.total_cents AS total, o.total_cents AS order_total
		FROM invoices i JOIN orders o ON o.id = i.order_id
		ORDER BY i.year, i.seq`)
	require.NoError(t, err)
	invoices, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	require.NoError(t, err)
	require.Len(t, invoices, procedures)
	year := parisYear()
	byOrder := make(map[string]row, procedures)
	for i, inv := range invoices {
		want := fmt.Sprintf("F-%d-%06d", year, i+1)
		require.Equal(t, want, inv.Number, "invoice #%d (no gap, no duplicate)", i+1)
		require.Equal(t, year, inv.Year, "invoice %s", inv.Number)
		require.Equal(t, int64(i+1), inv.Seq, "invoice %s", inv.Number)
		_, twice := byOrder[inv.OrderNumber]
		require.False(t, twice, "order %s has a second invoice, %s", inv.OrderNumber, inv.Number)
		byOrder[inv.OrderNumber] = inv
	}
	for i, o := range orders {
		inv, ok := byOrder[o.Number]
		require.True(t, ok, "order %s has no invoice", o.Number)
		require.Equal(t, o.Totals.Total, inv.OrderTotal, "order %s's total in the table", o.Number)
		require.Equal(t, o.Totals.Total, inv.Total, "invoice %s of order %s", inv.Number, o.Number)
		require.Equal(t, got[i].invoice, inv.Number, "the invoice procedure %s reported for %s", got[i].workflowID, o.Number)
		require.Equal(t, got[i].workflowID, inv.WorkflowID, "the procedure that collects invoice %s", inv.Number)
	}
	// The counter stands at the last number given, so the next invoice
	// follows the run with no gap.
	var counters, lastSeq int64
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*), coalesce(max(last_seq), 0) FROM document_counters WHERE kind = 'invoice' AND year = $1`, year).Scan(&counters, &lastSeq))
	require.Equal(t, int64(1), counters)
	require.Equal(t, int64(procedures), lastSeq)

	// They all still wait for their payment: stop them, and check none runs.
	require.NoError(t, terminateAll(c, started))
	for _, id := range started {
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		require.NoError(t, err)
		require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, d.GetWorkflowExecutionInfo().GetStatus(), "procedure %s", id)
	}
}

// insertTerminalOrder is a new order to be paid at the shop's terminal:
// 1 to 3 mugs at 12,50 € plus i cents, and 6,90 € shipping below 50 €,
// so that orders next to each other have different totals and an invoice
// of the wrong order shows.
func insertTerminalOrder(t *testing.T, st *store.Store, number string, i int) order.Order {
	t.Helper()
	o := order.Order{
		Number: number, Status: order.StatusNew, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: order.PayTerminal, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         []order.Line{{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250 + int64(i), Quantity: 1 + int64(i%3), VATRate: 2000, Physical: true}},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	o, err := st.InsertOrder(context.Background(), o)
	require.NoError(t, err)
	return o
}

// awaitInvoice polls the order's payment procedure, as the order page does,
// until it has issued its invoice, and returns the invoice's number.
func awaitInvoice(ctx context.Context, collector *starter.Collector, number string, limit time.Duration) (string, error) {
	deadline := time.Now().Add(limit)
	for {
		st, _, err := collector.Collection(ctx, number)
		if err == nil && st.Invoice != "" {
			return st.Invoice, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the payment procedure of %s issued no invoice in %s (last error: %v)", number, limit, err)
		}
		time.Sleep(100 * time.Millisecond) // 20 pollers: 200 queries/s, not a load of their own
	}
}

// terminateAll terminates the procedures that still run; one that has
// ended already is left as it is.
func terminateAll(c client.Client, ids []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	for _, id := range ids {
		err := c.TerminateWorkflow(ctx, id, "", "test done: the payment never comes")
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			errs = append(errs, fmt.Errorf("terminating %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// parisYear is the year invoices are numbered in.
func parisYear() int {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.Now().UTC().Year()
	}
	return time.Now().In(paris).Year()
}
