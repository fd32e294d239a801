package store

import (
	"context"
	"fmt"
	"time"
)

// Operations is what an operator watches in the system of record, read at
// once for the metrics (package observe reads it at each scrape).
type Operations struct {
	// OpenTasks counts the open agent tasks by kind and by how long they
	// have waited (TaskAgeBuckets).
	OpenTasks []OpenTasks
	// MoneyBack counts the refunds and the IBAN payouts by outcome (the
	// refund's status), with their amounts in cents.
	MoneyBack []MoneyBack
	// OutboxPending is the customer emails waiting to be sent;
	// OutboxOldest how long the oldest of them has waited (0: none);
	// OutboxFailed the emails the mail provider refused for good.
	OutboxPending int64
	OutboxOldest  time.Duration
	OutboxFailed  int64
}

// OpenTasks is a count of open agent tasks of one kind and age bucket;
// Oldest is the longest wait of the kind (the same on each of its buckets).
type OpenTasks struct {
	Kind   string
	Age    string
	Count  int64
	Oldest time.Duration
}

// MoneyBack is a count of refunds (Way "refund") or IBAN payouts (Way
// "payout": a refund by bank transfer) in one status, and their amount.
type MoneyBack struct {
	Way     string
	Outcome string
	Count   int64
	Cents   int64
}

// TaskAgeBuckets are the labels of an open task's wait, in order: under an
// hour, one to four hours (a reminder goes at four by default), four to
// twenty-four (escalated at twenty-four), more.
var TaskAgeBuckets = []string{"under_1h", "1h_to_4h", "4h_to_24h", "over_24h"}

// Operations reads the figures of Operations in one short transaction's
// worth of queries, each on an index or a small table but the refunds'.
func (s *Store) Operations(ctx context.Context) (Operations, error) {
	var op Operations
	rows, err := s.pool.Query(ctx, `
		SELECT kind,
		       CASE WHEN age < interval '1 hour' THEN 'under_1h'
		            WHEN age < interval '4 hours' THEN '1h_to_4h'
		            WHEN age < interval '24 hours' THEN '4h_to_24h'
		            ELSE 'over_24h' END AS bucket,
		       count(*), extract(epoch FROM max(max(age)) OVER (PARTITION BY kind))::float8
		FROM (SELECT kind, now() - created_at AS age FROM agent_tasks WHERE status = 'open') t
		GROUP BY kind, bucket
		ORDER BY kind, bucket`)
	if err != nil {
		return op, fmt.Errorf("store.Operations: open tasks: %w", err)
	}
	for rows.Next() {
		var t OpenTasks
		var oldest float64
		if err := rows.Scan(&t.Kind, &t.Age, &t.Count, &oldest); err != nil {
			rows.Close()
			return op, fmt.Errorf("store.Operations: open tasks: %w", err)
		}
		t.Oldest = seconds(oldest)
		op.OpenTasks = append(op.OpenTasks, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return op, fmt.Errorf("store.Operations: open tasks: %w", err)
	}

	rows, err = s.pool.Query(ctx, `
		SELECT CASE WHEN method = 'bank_transfer' THEN 'payout' ELSE 'refund' END AS way,
		       status, count(*), coalesce(sum(amount_cents), 0)::bigint
		FROM refunds GROUP BY way, status ORDER BY way, status`)
	if err != nil {
		return op, fmt.Errorf("store.Operations: refunds: %w", err)
	}
	for rows.Next() {
		var m MoneyBack
		if err := rows.Scan(&m.Way, &m.Outcome, &m.Count, &m.Cents); err != nil {
			rows.Close()
			return op, fmt.Errorf("store.Operations: refunds: %w", err)
		}
		op.MoneyBack = append(op.MoneyBack, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return op, fmt.Errorf("store.Operations: refunds: %w", err)
	}

	var oldest float64
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE status = 'pending'),
		       coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8,
		       count(*) FILTER (WHERE status = 'failed')
		FROM outbox WHERE status IN ('pending', 'failed')`).Scan(&op.OutboxPending, &oldest, &op.OutboxFailed)
	if err != nil {
		return op, fmt.Errorf("store.Operations: outbox: %w", err)
	}
	op.OutboxOldest = seconds(oldest)
	return op, nil
}

func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}
