package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// A log collector reads one JSON object a line, at the level asked, and a
// line logged during a traced request carries its trace and span ids.
func TestJSONLogsAtTheLevelAskedWithTheTrace(t *testing.T) {
	level, err := ParseLogLevel("warn")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	log := slog.New(NewLogHandler(&out, LogJSON, level))
	tp := trace.NewTracerProvider(trace.WithSyncer(tracetest.NewInMemoryExporter()))
	ctx, span := tp.Tracer("test").Start(context.Background(), "request")
	log.InfoContext(ctx, "not shown at warn")
	log.WarnContext(ctx, "a service did not answer", "ref", "R-1")
	span.End()
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %v\n%s", err, out.String())
	}
	if line["level"] != "WARN" || line["msg"] != "a service did not answer" || line["ref"] != "R-1" ||
		line["trace_id"] != span.SpanContext().TraceID().String() || line["span_id"] != span.SpanContext().SpanID().String() {
		t.Fatalf("log line %v", line)
	}
	if _, err := ParseLogLevel("loud"); err == nil {
		t.Fatal("ORDERDESK_LOG_LEVEL=loud was taken")
	}
	if f, err := ParseLogFormat("text"); err != nil || f != LogText {
		t.Fatalf("text: %q %v", f, err)
	}
}
