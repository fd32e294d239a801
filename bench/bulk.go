package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// bulkTables are the tables a generated order is written in.
var bulkTables = []string{"orders", "order_lines", "payments", "ledger_entries"}

// listSample is what the order list's searches look for: the values of one
// generated order, in the middle of the list.
type listSample struct {
	Number, Email, Name, Phone, SKU, Product string
}

// loadShop writes n generated orders (about 2.5 lines each) with COPY on
// two connections, printing its progress. Indexes that no constraint
// needs are dropped first and built again afterwards, as a bulk load is
// done: the schema is the same at the end, and building an index once
// costs far less than keeping it up to date row by row. The tables are
// then vacuumed and analysed, as autovacuum would have.
func loadShop(ctx context.Context, s *stack, n int, say func(string, ...any)) (listSample, time.Duration, error) {
	start := time.Now()
	shop := newShopOrders(n, start.Add(-24*time.Hour))
	mid := shop.order(n / 2)
	sample := listSample{
		Number: mid.Number, Email: mid.Customer.Email, Name: mid.Customer.Name, Phone: mid.Customer.Phone,
		SKU: mid.Lines[0].SKU, Product: mid.Lines[0].Name,
	}

	conns := make([]*pgx.Conn, 2)
	for i := range conns {
		c, err := pgx.Connect(ctx, s.dev.DatabaseURL)
		if err != nil {
			return sample, 0, err
		}
		defer c.Close(context.WithoutCancel(ctx))
		conns[i] = c
	}
	c0 := conns[0]

	// Foreign keys are checked row by row by triggers; a load of orders
	// generated whole needs none of it. When no trigger of the schema acts
	// on INSERT, the session skips them (as a replica does).
	var insertTriggers int
	if err := c0.QueryRow(ctx, `SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		WHERE c.relname = ANY($1) AND c.relnamespace = current_schema()::regnamespace
		AND NOT t.tgisinternal AND (t.tgtype::int & 4) <> 0`, bulkTables).Scan(&insertTriggers); err != nil {
		return sample, 0, err
	}
	if insertTriggers == 0 {
		for _, c := range conns {
			if _, err := c.Exec(ctx, `SET session_replication_role = replica`); err != nil {
				break // not a superuser: the foreign keys are checked, which is slower, not wrong
			}
		}
	}

	rows, err := c0.Query(ctx, `SELECT ic.relname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		WHERE t.relname = ANY($1) AND t.relnamespace = current_schema()::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY ic.relname`, bulkTables)
	if err != nil {
		return sample, 0, err
	}
	type index struct{ name, def string }
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var x index
		return x, r.Scan(&x.name, &x.def)
	})
	if err != nil {
		return sample, 0, err
	}
	say("dropping %d indexes of %v for the load (built again after it)", len(indexes), bulkTables)
	for _, x := range indexes {
		if _, err := c0.Exec(ctx, `DROP INDEX `+pgx.Identifier{x.name}.Sanitize()); err != nil {
			return sample, 0, err
		}
	}

	// Two writers, one per core, each writing batches of orders.
	const batch = 5000
	var (
		next, written, lines atomic.Int64
		ids                  idRanges
		wg                   sync.WaitGroup
		errs                 = make([]error, len(conns))
	)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				first := int(next.Add(batch)) - batch
				if first >= n || lctx.Err() != nil {
					return
				}
				orders := make([]genOrder, 0, batch)
				for i := first; i < min(first+batch, n); i++ {
					orders = append(orders, shop.order(i))
				}
				if err := writeOrders(lctx, c, &ids, orders); err != nil {
					errs[w] = err
					cancel()
					return
				}
				nl := 0
				for _, o := range orders {
					nl += len(o.Lines)
				}
				written.Add(int64(len(orders)))
				lines.Add(int64(nl))
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	report := func() {
		el := time.Since(start).Seconds()
		say("  %7d of %d orders, %d lines written in %.0f s (%.0f orders/s)", written.Load(), n, lines.Load(), el, float64(written.Load())/el)
	}
wait:
	for {
		select {
		case <-done:
			break wait
		case <-tick.C:
			report()
		}
	}
	if err := errors.Join(errs...); err != nil {
		return sample, 0, err
	}
	report()

	say("building the %d indexes again...", len(indexes))
	t0 := time.Now()
	jobs := make(chan index)
	var ierr [2]error
	for w, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Exec(ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
				ierr[w] = err
			}
			for x := range jobs {
				if ierr[w] != nil {
					continue
				}
				t := time.Now()
				if _, err := c.Exec(ctx, x.def); err != nil {
					ierr[w] = fmt.Errorf("%s: %w", x.def, err)
					continue
				}
				say("  %-32s %5.1f s", x.name, time.Since(t).Seconds())
			}
		}()
	}
	for _, x := range indexes {
		jobs <- x
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(ierr[:]...); err != nil {
		return sample, 0, err
	}
	say("indexes built in %.0f s; vacuuming and analysing...", time.Since(t0).Seconds())
	t0 = time.Now()
	tables := make(chan string, len(bulkTables))
	for _, t := range bulkTables {
		tables <- t
	}
	close(tables)
	for w, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range tables {
				if _, err := c.Exec(ctx, `VACUUM (ANALYZE) `+pgx.Identifier{t}.Sanitize()); err != nil && ierr[w] == nil {
					ierr[w] = err
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(ierr[:]...); err != nil {
		return sample, 0, err
	}
	say("vacuumed and analysed in %.0f s", time.Since(t0).Seconds())
	took := time.Since(start)
	say("%d orders and %d lines ready in %s", n, lines.Load(), took.Round(time.Second))
	return sample, took, nil
}
