package observe

import (
	"github.com/prometheus/client_golang/prometheus"
)

// appMetrics are orderdesk's own metrics that code records as things
// happen (the figures read from PostgreSQL at scrape time are Database's).
type appMetrics struct {
	started   *prometheus.CounterVec
	completed *prometheus.CounterVec
	failed    *prometheus.CounterVec
	canceled  *prometheus.CounterVec
	http      *prometheus.HistogramVec
}

func newAppMetrics(reg prometheus.Registerer) *appMetrics {
	procedure := []string{"procedure"}
	m := &appMetrics{
		started: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orderdesk_procedures_started_total",
			Help: "Procedures (workflow executions) a worker of this process began, by procedure.",
		}, procedure),
		completed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orderdesk_procedures_completed_total",
			Help: "Procedures that ended normally, by procedure.",
		}, procedure),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orderdesk_procedures_failed_total",
			Help: "Procedures that ended with an error (failed or timed out), by procedure.",
		}, procedure),
		canceled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orderdesk_procedures_canceled_total",
			Help: "Procedures cancelled (their compensation ran), by procedure.",
		}, procedure),
		http: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "orderdesk_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request of the agent UI, the API or the webhook, by route pattern, method and status code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 5, 10, 30},
		}, []string{"route", "method", "code"}),
	}
	reg.MustRegister(m.started, m.completed, m.failed, m.canceled, m.http)
	return m
}
