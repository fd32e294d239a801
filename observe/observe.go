// Package observe is what operators see of orderdesk from outside: the
// Prometheus metrics (the Temporal SDK's and orderdesk's own), the
// OpenTelemetry traces from an HTTP request through a procedure and its
// steps to the SQL and the providers' HTTP calls, the logs, the readiness
// of the web server and the health of the worker.
//
// The commands build one Observer per process and hand it to what they
// wire: the Temporal client (TemporalOptions: the SDK's metrics, the
// tracing interceptor, the procedures' counters), the HTTP server (HTTP),
// the store (SQLTracer) and the admin address (Metrics). Traces are off
// unless asked for, and then cost nothing: no interceptor, no span.
package observe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// Traces say where spans go: TracesOff (the default: none are made) or
// TracesOTLP (OTLP over gRPC, to OTEL_EXPORTER_OTLP_ENDPOINT, by default
// localhost:4317, read by the exporter with the other OTEL_EXPORTER_OTLP_*
// variables).
const (
	TracesOff  = "off"
	TracesOTLP = "otlp"
)

// ParseTraces reads ORDERDESK_TRACES: "", "off" or "otlp".
func ParseTraces(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", TracesOff:
		return TracesOff, nil
	case TracesOTLP:
		return TracesOTLP, nil
	}
	return "", fmt.Errorf("ORDERDESK_TRACES=%q is neither off nor otlp", s)
}

// Options build an Observer.
type Options struct {
	// Service names the process in traces ("orderdesk-worker", ...).
	Service string
	// Traces is TracesOff or TracesOTLP (ParseTraces).
	Traces string
	// SpanExporter, when set, receives the spans whatever Traces says
	// (tests: an in-memory exporter, given each span as it ends).
	SpanExporter sdktrace.SpanExporter
}

// Observer holds one process's metrics registry and tracer provider.
type Observer struct {
	registry *prometheus.Registry
	meters   *sdkmetric.MeterProvider
	tracers  *sdktrace.TracerProvider // nil: traces off
	tracer   trace.Tracer             // nil: traces off
	app      *appMetrics
	sdk      client.MetricsHandler
}

// New builds an Observer: a Prometheus registry with Go's and the
// process's collectors, orderdesk's metrics and the Temporal SDK's (an
// OpenTelemetry meter over a Prometheus exporter on the same registry),
// and, when traces are on, a tracer provider with a batching exporter.
func New(ctx context.Context, o Options) (*Observer, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, fmt.Errorf("observe: the Prometheus exporter of the Temporal SDK's metrics: %w", err)
	}
	meters := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	ob := &Observer{
		registry: reg,
		meters:   meters,
		app:      newAppMetrics(reg),
		sdk: temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
			Meter:                meters.Meter("temporal-sdk-go"),
			UseMonotonicCounters: true,
			OnError:              func(error) {}, // a metric the meter refuses is dropped, never a panic in a worker
		}),
	}
	var exporter sdktrace.SpanExporter
	switch {
	case o.SpanExporter != nil:
		exporter = o.SpanExporter
	case o.Traces == TracesOTLP:
		if exporter, err = otlptracegrpc.New(ctx); err != nil {
			return nil, fmt.Errorf("observe: the OTLP trace exporter (ORDERDESK_TRACES=otlp, OTEL_EXPORTER_OTLP_ENDPOINT): %w", err)
		}
	}
	if exporter != nil {
		service := o.Service
		if service == "" {
			service = "orderdesk"
		}
		res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(service)))
		if err != nil { // the default's schema and ours differ: ours alone
			res = resource.NewSchemaless(semconv.ServiceName(service))
		}
		opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
		if o.SpanExporter != nil {
			opts = append(opts, sdktrace.WithSyncer(exporter))
		} else {
			opts = append(opts, sdktrace.WithBatcher(exporter))
		}
		ob.tracers = sdktrace.NewTracerProvider(opts...)
		ob.tracer = ob.tracers.Tracer("github.com/orderdesk/orderdesk")
	}
	return ob, nil
}

// Tracing says whether spans are made.
func (o *Observer) Tracing() bool { return o != nil && o.tracer != nil }

// Registry is the Prometheus registry /metrics serves, for a collector of
// the caller's (Database).
func (o *Observer) Registry() *prometheus.Registry { return o.registry }

// Metrics is GET /metrics: every metric of the registry, in Prometheus'
// text format.
func (o *Observer) Metrics() http.Handler {
	return promhttp.HandlerFor(o.registry, promhttp.HandlerOpts{Registry: o.registry, ErrorHandling: promhttp.ContinueOnError})
}

// TemporalOptions sets on a client's options what observes it and the
// workers built on it: the SDK's metrics, the procedures' counters (a
// worker interceptor) and, when traces are on, the tracing interceptor,
// which carries the span of the request that starts a procedure into its
// workflow and activities.
func (o *Observer) TemporalOptions(opts *client.Options) error {
	if o == nil {
		return nil
	}
	opts.MetricsHandler = o.sdk
	opts.Interceptors = append(opts.Interceptors, &procedureCounter{m: o.app})
	if o.tracer != nil {
		ti, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
			Tracer:            o.tracers.Tracer("temporal-sdk-go"),
			TextMapPropagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		})
		if err != nil {
			return fmt.Errorf("observe: Temporal's tracing interceptor: %w", err)
		}
		opts.Interceptors = append(opts.Interceptors, ti)
	}
	return nil
}

// SQLTracer is the store's query tracer: a span per statement under the
// caller's span (an activity's, a page's). nil when traces are off.
func (o *Observer) SQLTracer() pgx.QueryTracer {
	if !o.Tracing() {
		return nil
	}
	return sqlTracer{tracer: o.tracers.Tracer("github.com/jackc/pgx/v5")}
}

// Shutdown sends the spans still buffered and stops the providers.
func (o *Observer) Shutdown(ctx context.Context) error {
	if o == nil {
		return nil
	}
	var errs []error
	if o.tracers != nil {
		errs = append(errs, o.tracers.Shutdown(ctx))
	}
	errs = append(errs, o.meters.Shutdown(ctx))
	return errors.Join(errs...)
}

var _ interceptor.ClientInterceptor = (*procedureCounter)(nil)
