package observe

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/orderdesk/orderdesk/store"
)

// Operations reads what the database collector reports (store.Store).
type Operations interface {
	Operations(ctx context.Context) (store.Operations, error)
}

// dbScrapeTimeout bounds the queries of one scrape.
const dbScrapeTimeout = 3 * time.Second

var (
	descDBUp = prometheus.NewDesc("orderdesk_database_up",
		"1 when the last scrape read the figures below from PostgreSQL, 0 when it could not.", nil, nil)
	descTasksOpen = prometheus.NewDesc("orderdesk_agent_tasks_open",
		"Open agent tasks (a procedure waits on an agent), by kind and by how long they have waited: under_1h, 1h_to_4h, 4h_to_24h, over_24h.", []string{"kind", "age"}, nil)
	descTaskOldest = prometheus.NewDesc("orderdesk_agent_tasks_oldest_open_seconds",
		"How long the oldest open agent task of each kind has waited.", []string{"kind"}, nil)
	descRefunds = prometheus.NewDesc("orderdesk_refunds",
		"Refunds (through a provider or by hand; not IBAN payouts) by outcome: pending, succeeded, manual_pending, impossible, failed, unknown. Counts rows, so it also goes down when a pending one settles.", []string{"outcome"}, nil)
	descRefundsCents = prometheus.NewDesc("orderdesk_refunds_amount_cents",
		"The amount of those refunds, in cents, by outcome.", []string{"outcome"}, nil)
	descPayouts = prometheus.NewDesc("orderdesk_payouts",
		"IBAN payouts (money sent back by bank transfer) by outcome, as orderdesk_refunds.", []string{"outcome"}, nil)
	descPayoutsCents = prometheus.NewDesc("orderdesk_payouts_amount_cents",
		"The amount of those payouts, in cents, by outcome.", []string{"outcome"}, nil)
	descOutboxPending = prometheus.NewDesc("orderdesk_outbox_pending",
		"Customer emails written to the outbox and not yet handed to the mail provider.", nil, nil)
	descOutboxOldest = prometheus.NewDesc("orderdesk_outbox_oldest_pending_seconds",
		"How long the oldest email still pending has waited (0: none waits).", nil, nil)
	descOutboxFailed = prometheus.NewDesc("orderdesk_outbox_failed",
		"Emails the mail provider refused for good, to resend from /outbox.", nil, nil)
)

// databaseCollector reads the open tasks, the refunds and payouts and the
// outbox from PostgreSQL when Prometheus scrapes: the figures are the
// database's, the same whichever process serves them.
type databaseCollector struct{ db Operations }

// Database adds to /metrics the figures read from PostgreSQL at each
// scrape: open agent tasks by kind and age, refunds and payouts by outcome
// (count and cents), the outbox's backlog.
func (o *Observer) Database(db Operations) {
	if o == nil || db == nil {
		return
	}
	o.registry.MustRegister(databaseCollector{db: db})
}

func (c databaseCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDBUp, descTasksOpen, descTaskOldest, descRefunds, descRefundsCents,
		descPayouts, descPayoutsCents, descOutboxPending, descOutboxOldest, descOutboxFailed} {
		ch <- d
	}
}

func (c databaseCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), dbScrapeTimeout)
	defer cancel()
	op, err := c.db.Operations(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descDBUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descDBUp, prometheus.GaugeValue, 1)
	oldest := map[string]time.Duration{}
	for _, t := range op.OpenTasks {
		ch <- prometheus.MustNewConstMetric(descTasksOpen, prometheus.GaugeValue, float64(t.Count), t.Kind, t.Age)
		oldest[t.Kind] = max(oldest[t.Kind], t.Oldest)
	}
	for kind, d := range oldest {
		ch <- prometheus.MustNewConstMetric(descTaskOldest, prometheus.GaugeValue, d.Seconds(), kind)
	}
	for _, m := range op.MoneyBack {
		count, cents := descRefunds, descRefundsCents
		if m.Way == "payout" {
			count, cents = descPayouts, descPayoutsCents
		}
		ch <- prometheus.MustNewConstMetric(count, prometheus.GaugeValue, float64(m.Count), m.Outcome)
		ch <- prometheus.MustNewConstMetric(cents, prometheus.GaugeValue, float64(m.Cents), m.Outcome)
	}
	ch <- prometheus.MustNewConstMetric(descOutboxPending, prometheus.GaugeValue, float64(op.OutboxPending))
	ch <- prometheus.MustNewConstMetric(descOutboxOldest, prometheus.GaugeValue, op.OutboxOldest.Seconds())
	ch <- prometheus.MustNewConstMetric(descOutboxFailed, prometheus.GaugeValue, float64(op.OutboxFailed))
}
