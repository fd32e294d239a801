package observe

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// route holds the pattern that served a request, filled in by the
// handler that routed it (NoteRoute), read by HTTP once it answered.
type route struct{ pattern string }

type routeKey struct{}

// NoteRoute tells the metrics and the span of the request which route
// pattern serves it ("GET /orders/{number}"): a handler behind a
// ServeMux calls it with the request the mux gave it (the mux sets
// r.Pattern on that request only, not on the one HTTP saw). The first
// pattern noted wins: the innermost mux's, the most precise. Without an
// Observer's HTTP around the request it does nothing.
func NoteRoute(r *http.Request) {
	rt, ok := r.Context().Value(routeKey{}).(*route)
	if ok && rt.pattern == "" && r.Pattern != "" {
		rt.pattern = r.Pattern
	}
}

// unrouted is the route label of a request no pattern was noted for
// (refused before routing: a missing session's redirect, say). The raw
// path is never a label: a label per order number would grow without end.
const unrouted = "unrouted"

// HTTP wraps the server's handler: the latency of each request by route
// pattern, method and status code, and, when traces are on, a server span
// named after the route, continuing the caller's trace (traceparent).
func (o *Observer) HTTP(next http.Handler) http.Handler {
	if o == nil {
		return next
	}
	prop := propagation.TraceContext{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		rt := &route{}
		ctx := context.WithValue(r.Context(), routeKey{}, rt)
		var span trace.Span
		if o.tracer != nil {
			ctx = prop.Extract(ctx, propagation.HeaderCarrier(r.Header))
			ctx, span = o.tracer.Start(ctx, "HTTP "+r.Method, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String("http.request.method", r.Method)))
		}
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		r = r.WithContext(ctx)
		next.ServeHTTP(rec, r)
		if rt.pattern == "" && r.Pattern != "" {
			rt.pattern = r.Pattern // the outer mux's, when no inner one noted its own
		}
		label := rt.pattern
		if label == "" {
			label = unrouted
		}
		o.app.http.WithLabelValues(label, r.Method, strconv.Itoa(rec.code)).Observe(time.Since(began).Seconds())
		if span != nil {
			span.SetName(r.Method + " " + stripMethod(label))
			span.SetAttributes(attribute.String("http.route", label), attribute.Int("http.response.status_code", rec.code))
			if rec.code >= 500 {
				span.SetStatus(codes.Error, http.StatusText(rec.code))
			}
			span.End()
		}
	})
}

// stripMethod is a pattern without its method ("GET /orders" -> "/orders").
func stripMethod(pattern string) string {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == ' ' {
			return pattern[i+1:]
		}
		if pattern[i] == '/' {
			break
		}
	}
	return pattern
}

// statusRecorder keeps the status code a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	code    int
	written bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.written {
		s.code, s.written = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.written = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush passes a flush on, for a handler that streams.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// HTTPClient is an HTTP client with the given timeout whose requests are
// client spans (a payment provider's, the mail provider's) under the
// caller's span, carrying it to the server (traceparent) when traces are
// on; a plain client otherwise.
func (o *Observer) HTTPClient(timeout time.Duration) *http.Client {
	if !o.Tracing() {
		return &http.Client{Timeout: timeout}
	}
	return &http.Client{Timeout: timeout, Transport: otelhttp.NewTransport(http.DefaultTransport,
		otelhttp.WithTracerProvider(o.tracers), otelhttp.WithPropagators(propagation.TraceContext{}))}
}
