package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/observe"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// config is everything orderdesk reads from its environment. It is parsed
// once, in main, and handed down; nothing else reads the environment.
type config struct {
	DatabaseURL       string                   // DATABASE_URL
	TemporalAddress   string                   // TEMPORAL_ADDRESS, host:port of the Temporal frontend
	TemporalNamespace string                   // TEMPORAL_NAMESPACE
	TemporalUIURL     string                   // TEMPORAL_UI_URL, for links from the agent UI to a procedure
	TemporalConn      client.ConnectionOptions // TEMPORAL_GRPC_COMPRESSION: none (default) or gzip
	TemporalCluster   temporalCluster          // TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_CONFIG_FILE: Temporal Cloud or any TLS cluster (temporal_cluster.go)
	WebAddr           string                   // ORDERDESK_WEB_ADDR, where the agent UI listens
	DataDir           string                   // ORDERDESK_DATA_DIR, make dev's state (Temporal SQLite, PostgreSQL cluster)
	PostgresPort      int                      // ORDERDESK_PG_PORT, make dev's private PostgreSQL
	TemporalPort      int                      // ORDERDESK_TEMPORAL_PORT, make dev's Temporal dev server
	TemporalUIPort    int                      // ORDERDESK_TEMPORAL_UI_PORT, make dev's Temporal Web UI
	TaskReminder      time.Duration            // ORDERDESK_TASK_REMINDER, how long an agent task waits before a reminder
	TaskEscalation    time.Duration            // ORDERDESK_TASK_ESCALATION, how long before it is escalated to a supervisor
	RefundStuckAfter  time.Duration            // ORDERDESK_REFUND_STUCK_AFTER, how long a refund may wait on its provider before an agent is told
	SendGridAPIKey    string                   // SENDGRID_API_KEY; empty: emails stay in the dev outbox
	SendGridURL       string                   // SENDGRID_URL
	MailFrom          string                   // ORDERDESK_MAIL_FROM
	MailFromName      string                   // ORDERDESK_MAIL_FROM_NAME
	APIToken          string                   // ORDERDESK_API_TOKEN, the JSON API's bearer token; empty: API off
	AdminAddr         string                   // ORDERDESK_ADMIN_ADDR, where the profiler (/debug/pprof/), /metrics and the worker's /healthz listen; empty: off
	LogLevel          slog.Level               // ORDERDESK_LOG_LEVEL: debug, info (default), warn, error
	LogFormat         string                   // ORDERDESK_LOG_FORMAT: json, text; empty: the command's default (observe.LogJSON for worker, web, migrate)
	Traces            string                   // ORDERDESK_TRACES: off (default) or otlp (to OTEL_EXPORTER_OTLP_ENDPOINT)
	WorkerPollers     int                      // ORDERDESK_WORKER_POLLERS, the worker's long polls per kind of task
	WorkerActivities  int                      // ORDERDESK_WORKER_ACTIVITIES, activities the worker runs at once
	RequestTimeout    time.Duration            // ORDERDESK_REQUEST_TIMEOUT, how long an agent's page or an API call may wait on PostgreSQL and Temporal
	PGStatement       time.Duration            // ORDERDESK_PG_STATEMENT_TIMEOUT, PostgreSQL's statement_timeout on orderdesk's connections
	PGLock            time.Duration            // ORDERDESK_PG_LOCK_TIMEOUT, PostgreSQL's lock_timeout on them
	PGConnect         time.Duration            // ORDERDESK_PG_CONNECT_TIMEOUT, how long opening a connection may take
	Payment           paymentConfig            // the shop's identity and payment settings (payment.go)
	Money             moneyConfig              // how refunds reach the payment providers (money.go)
	Carrier           carrierConfig            // ORDERDESK_CARRIER_*: the carrier of the returns' prepaid labels (carrier.go)
	Codec             codecConfig              // ORDERDESK_CODEC_*: the encryption of what orderdesk hands to Temporal, and its endpoint (codec.go)
}

// envVars documents every variable, for --help and the README.
var envVars = [][2]string{
	{"DATABASE_URL", "PostgreSQL URL (make dev: its own cluster on ORDERDESK_PG_PORT)"},
	{"TEMPORAL_ADDRESS", "Temporal frontend host:port (default 127.0.0.1:7233; make dev: its own server on ORDERDESK_TEMPORAL_PORT)"},
	{"TEMPORAL_NAMESPACE", "Temporal namespace (default \"default\")"},
	{"TEMPORAL_UI_URL", "Temporal Web UI base URL for links (default http://localhost:8233)"},
	{"TEMPORAL_GRPC_COMPRESSION", "compression of the requests to the Temporal server: none (default: the server is on the same machine or network) or gzip (across a slow or metered link)"},
	// Temporal Cloud or any TLS, mTLS or API-key cluster: the SDK's own variables (temporal_cluster.go).
	temporalClusterEnvVars[0], temporalClusterEnvVars[1], temporalClusterEnvVars[2], temporalClusterEnvVars[3],
	temporalClusterEnvVars[4], temporalClusterEnvVars[5], temporalClusterEnvVars[6], temporalClusterEnvVars[7],
	{"ORDERDESK_WEB_ADDR", "where the agent UI listens (default :8080)"},
	{"ORDERDESK_ADMIN_ADDR", "where worker, web and dev serve Go's profiler (/debug/pprof/), the Prometheus metrics (/metrics) and, for a worker, its health (/healthz) (e.g. 127.0.0.1:6060; default empty: off)"},
	{"ORDERDESK_LOG_LEVEL", "the least level logged: debug, info (default), warn or error"},
	{"ORDERDESK_LOG_FORMAT", "json (one object a line: the default of worker, web and migrate) or text (the default of dev and the CLI)"},
	{"ORDERDESK_TRACES", "off (default: no span is made) or otlp: OpenTelemetry traces over OTLP gRPC to OTEL_EXPORTER_OTLP_ENDPOINT (default localhost:4317)"},
	{"ORDERDESK_CODEC_KEYS", "keys that encrypt the customers' data in Temporal's histories, id:base64 of 32 bytes, comma-separated: the first encrypts, all decrypt (make one with orderdesk codec-key; required by worker, web and the CLI; make dev makes its own)"},
	{"ORDERDESK_CODEC_TOKEN", "bearer token of the codec endpoint (orderdesk codec-server), at least 32 characters, e.g. openssl rand -hex 32; operators' Web UI or CLI sends it"},
	{"ORDERDESK_CODEC_ADDR", "where orderdesk codec-server listens (default :8234; make dev: a free port on 127.0.0.1)"},
	{"ORDERDESK_CODEC_ORIGIN", "the Temporal Web UI's origin, the one browser origin the codec endpoint answers (default: TEMPORAL_UI_URL's)"},
	{"ORDERDESK_WORKER_POLLERS", "long polls the worker keeps open per kind of task (default 32)"},
	{"ORDERDESK_WORKER_ACTIVITIES", "activities (and as many local ones) the worker runs at once (default 200)"},
	{"ORDERDESK_REQUEST_TIMEOUT", "how long an agent's page or an API call may wait on PostgreSQL and Temporal before it answers 503 with a reference (default 2s; an answer given to a procedure waits up to 20s for it to take it)"},
	{"ORDERDESK_PG_STATEMENT_TIMEOUT", "PostgreSQL statement_timeout of orderdesk's connections: the server cancels a longer statement (default 30s; 0: the server's setting; orderdesk migrate has none)"},
	{"ORDERDESK_PG_LOCK_TIMEOUT", "PostgreSQL lock_timeout of orderdesk's connections: a statement waiting longer for a lock fails (default 10s; 0: the server's setting)"},
	{"ORDERDESK_PG_CONNECT_TIMEOUT", "how long opening a PostgreSQL connection may take, the pool's background ones included (default 5s)"},
	{"ORDERDESK_DATA_DIR", "make dev's state directory (default .data)"},
	{"ORDERDESK_PG_PORT", "make dev's PostgreSQL port (default 15432)"},
	{"ORDERDESK_TEMPORAL_PORT", "make dev's Temporal port (default 7243)"},
	{"ORDERDESK_TEMPORAL_UI_PORT", "make dev's Temporal Web UI port (default 8233)"},
	{"ORDERDESK_TASK_REMINDER", "delay before an open agent task is reminded (default 4h)"},
	{"ORDERDESK_TASK_ESCALATION", "delay before an open agent task is escalated (default 24h)"},
	{"ORDERDESK_REFUND_STUCK_AFTER", "delay after which a refund still waiting on its provider opens an agent task, while it keeps retrying (default 1h)"},
	{"SENDGRID_API_KEY", "SendGrid API key; empty keeps emails in the outbox (dev)"},
	{"SENDGRID_URL", "SendGrid API base URL (default https://api.sendgrid.com)"},
	{"ORDERDESK_MAIL_FROM", "sender address of customer emails (default service-client@orderdesk.test)"},
	{"ORDERDESK_MAIL_FROM_NAME", "sender name of customer emails (default Service client)"},
	{"ORDERDESK_API_TOKEN", "bearer token of the JSON API for the storefront and the warehouse (at least 32 characters; empty: the API answers 503)"},
	{"ORDERDESK_SELLER_NAME", "the shop's legal name on invoices (default: a demo shop)"},
	{"ORDERDESK_SELLER_ADDRESS", "the shop's address on invoices: \"street, postal code city\""},
	{"ORDERDESK_SELLER_SIRET", "the shop's SIRET (14 digits) on invoices"},
	{"ORDERDESK_SELLER_VAT", "the shop's intra-community VAT number on invoices"},
	{"ORDERDESK_SELLER_EMAIL", "the shop's contact address printed on invoices"},
	{"ORDERDESK_MERCHANT_EMAIL", "where the shop is told of new orders and payments (empty: not told)"},
	{"ORDERDESK_PAYMENT_LINK_URL", "base URL of the invoices' payment links (the invoice number is appended)"},
	{"ORDERDESK_PAYMENT_WEBHOOK_SECRET", "HMAC-SHA256 key the payment provider signs its webhooks with (header t=<unix>,v1=<HMAC of \"<t>.<body>\">)"},
	{"ORDERDESK_PAYMENT_WEBHOOK_PREVIOUS_SECRET", "during a rotation of the webhook secret, the key being retired: a webhook it signs is accepted too until it is unset"},
	{"ORDERDESK_PAYMENT_WEBHOOK_TOLERANCE", "how far a webhook's signed timestamp may be from now before it is refused as a replay (default 5m)"},
	{"ORDERDESK_PAYMENT_REMINDER", "delay before the customer is reminded of an awaited payment (default 7d)"},
	{"ORDERDESK_PAYMENT_TASK", "delay before an agent is asked to chase it (default 14d)"},
	{"ORDERDESK_PAYMENT_CANCEL", "delay before the unpaid order is cancelled (default 30d)"},
	{"ORDERDESK_PAYMENT_AUTO_CONFIRM", "true: send the payment confirmation at once; false (default): on the agent's button"},
}

// loadConfig reads the environment through getenv, with defaults, and names
// the variable when a value does not parse.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL:       getenv("DATABASE_URL"),
		TemporalAddress:   or(getenv("TEMPORAL_ADDRESS"), "127.0.0.1:7233"),
		TemporalNamespace: or(getenv("TEMPORAL_NAMESPACE"), "default"),
		TemporalUIURL:     strings.TrimRight(or(getenv("TEMPORAL_UI_URL"), "http://localhost:8233"), "/"),
		WebAddr:           or(getenv("ORDERDESK_WEB_ADDR"), ":8080"),
		DataDir:           or(getenv("ORDERDESK_DATA_DIR"), ".data"),
		SendGridAPIKey:    getenv("SENDGRID_API_KEY"),
		SendGridURL:       or(getenv("SENDGRID_URL"), "https://api.sendgrid.com"),
		MailFrom:          or(getenv("ORDERDESK_MAIL_FROM"), "service-client@orderdesk.test"),
		MailFromName:      or(getenv("ORDERDESK_MAIL_FROM_NAME"), "Service client"),
		APIToken:          strings.TrimSpace(getenv("ORDERDESK_API_TOKEN")),
		AdminAddr:         strings.TrimSpace(getenv("ORDERDESK_ADMIN_ADDR")),
	}
	if c.APIToken != "" && len(c.APIToken) < 32 {
		return c, fmt.Errorf("ORDERDESK_API_TOKEN is %d characters: use at least 32 random ones (e.g. openssl rand -hex 32)", len(c.APIToken))
	}
	var err error
	if c.TemporalConn, err = starter.ConnectionOptions(getenv("TEMPORAL_GRPC_COMPRESSION")); err != nil {
		return c, err
	}
	if err = loadTemporalCluster(getenv, &c); err != nil {
		return c, err
	}
	if c.LogLevel, err = observe.ParseLogLevel(getenv("ORDERDESK_LOG_LEVEL")); err != nil {
		return c, err
	}
	if c.LogFormat, err = observe.ParseLogFormat(getenv("ORDERDESK_LOG_FORMAT")); err != nil {
		return c, err
	}
	if c.Traces, err = observe.ParseTraces(getenv("ORDERDESK_TRACES")); err != nil {
		return c, err
	}
	ints := []struct {
		name string
		dst  *int
		def  int
	}{
		// Below Linux's ephemeral range (32768-60999): an outgoing
		// connection or a test's free port can never be holding it.
		{"ORDERDESK_PG_PORT", &c.PostgresPort, 15432},
		{"ORDERDESK_TEMPORAL_PORT", &c.TemporalPort, 7243},
		{"ORDERDESK_TEMPORAL_UI_PORT", &c.TemporalUIPort, 8233},
	}
	for _, v := range ints {
		p, set, err := envPort(getenv, v.name)
		switch {
		case err != nil:
			return c, err
		case set:
			*v.dst = p
		default:
			*v.dst = v.def
		}
	}
	durs := []struct {
		name string
		dst  *time.Duration
		def  time.Duration
	}{
		{"ORDERDESK_TASK_REMINDER", &c.TaskReminder, 4 * time.Hour},
		{"ORDERDESK_TASK_ESCALATION", &c.TaskEscalation, 24 * time.Hour},
		{"ORDERDESK_REFUND_STUCK_AFTER", &c.RefundStuckAfter, time.Hour},
	}
	counts := []struct {
		name string
		dst  *int
		def  int
	}{
		{"ORDERDESK_WORKER_POLLERS", &c.WorkerPollers, worker.DefaultPollers},
		{"ORDERDESK_WORKER_ACTIVITIES", &c.WorkerActivities, worker.DefaultActivities},
	}
	for _, v := range counts {
		*v.dst = v.def
		if s := getenv(v.name); s != "" {
			if *v.dst, err = strconv.Atoi(s); err != nil || *v.dst <= 0 || *v.dst > 10000 {
				return c, fmt.Errorf("%s=%q is not a count between 1 and 10000", v.name, s)
			}
		}
	}
	for _, v := range durs {
		*v.dst = v.def
		if s := getenv(v.name); s != "" {
			if *v.dst, err = time.ParseDuration(s); err != nil || *v.dst <= 0 {
				return c, fmt.Errorf("%s=%q is not a duration such as 4h or 30m", v.name, s)
			}
		}
	}
	// Limits on waiting for PostgreSQL and Temporal: 0 leaves a server
	// setting as the server has it, where that means something.
	pg := store.DefaultOptions()
	limits := []struct {
		name     string
		dst      *time.Duration
		def      time.Duration
		zeroOK   bool
		atLeast  time.Duration
		atMost   time.Duration
		readable string
	}{
		{"ORDERDESK_REQUEST_TIMEOUT", &c.RequestTimeout, 2 * time.Second, false, 100 * time.Millisecond, 10 * time.Minute, "2s or 1500ms"},
		{"ORDERDESK_PG_STATEMENT_TIMEOUT", &c.PGStatement, pg.StatementTimeout, true, time.Millisecond, 24 * time.Hour, "30s, or 0"},
		{"ORDERDESK_PG_LOCK_TIMEOUT", &c.PGLock, pg.LockTimeout, true, time.Millisecond, 24 * time.Hour, "10s, or 0"},
		{"ORDERDESK_PG_CONNECT_TIMEOUT", &c.PGConnect, pg.ConnectTimeout, false, 100 * time.Millisecond, 10 * time.Minute, "5s"},
	}
	for _, v := range limits {
		*v.dst = v.def
		s := strings.TrimSpace(getenv(v.name))
		if s == "" {
			continue
		}
		d, perr := time.ParseDuration(s)
		if s == "0" && v.zeroOK {
			d, perr = 0, nil
		}
		if perr != nil || (d == 0 && !v.zeroOK) || (d != 0 && (d < v.atLeast || d > v.atMost)) {
			return c, fmt.Errorf("%s=%q is not a duration such as %s (from %s to %s)", v.name, s, v.readable, v.atLeast, v.atMost)
		}
		*v.dst = d
	}
	if c.Payment, err = loadPaymentConfig(getenv); err != nil {
		return c, err
	}
	if c.Money, err = loadMoneyConfig(getenv); err != nil {
		return c, err
	}
	if c.Carrier, err = loadCarrierConfig(getenv); err != nil {
		return c, err
	}
	if c.Codec, err = loadCodecConfig(getenv, c.TemporalUIURL); err != nil {
		return c, err
	}
	return c, nil
}

// storeOptions are the limits on waiting for PostgreSQL of every
// connection orderdesk opens.
func (c config) storeOptions() store.Options {
	return store.Options{StatementTimeout: c.PGStatement, LockTimeout: c.PGLock, ConnectTimeout: c.PGConnect}
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// settings are the shop's settings every procedure gets, as one value.
func (c config) settings() workflows.Settings {
	return workflows.Settings{
		ApproveAbove: c.Money.ApproveAbove, Reminder: c.TaskReminder, Escalation: c.TaskEscalation, RefundStuckAfter: c.RefundStuckAfter,
		Reminders: c.Payment.Reminders, AutoConfirm: c.Payment.AutoConfirm,
	}
}

// envPort reads a port number from the variable name; set is false when
// the variable is empty.
func envPort(getenv func(string) string, name string) (port int, set bool, err error) {
	s := getenv(name)
	if s == "" {
		return 0, false, nil
	}
	p, err := strconv.Atoi(s)
	if err != nil || p <= 0 || p > 65535 {
		return 0, false, fmt.Errorf("%s=%q is not a port number", name, s)
	}
	return p, true, nil
}
